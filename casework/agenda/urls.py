from django.urls import path

from casework.agenda import views

app_name = "agenda"

urlpatterns = [
    path("", views.home, name="home"),
    path("week/", views.week, name="week"),
    path("team/week/", views.team_week, name="team_week"),
    path("team/handover/", views.handover, name="handover"),
    path("team/follow-up/", views.team_follow_up, name="team_follow_up"),
    path("cases/<uuid:case_id>/plan/", views.plan, name="plan"),
    path("cases/<uuid:case_id>/readers/", views.readers, name="case_readers"),
    path("cases/<uuid:case_id>/follow-up/", views.follow_up, name="follow_up"),
    path("cases/<uuid:case_id>/reassign/", views.reassign, name="reassign"),
    path("appointments/<uuid:appointment_id>/record/", views.record, name="record"),
    path("appointments/<uuid:appointment_id>/cancel/", views.cancel, name="cancel"),
    path("feed/", views.feed, name="feed"),
    path("feed/<str:secret>.ics", views.feed_ics, name="feed_ics"),
]
