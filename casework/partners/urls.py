from django.urls import path

from casework.partners import views

app_name = "partners"

urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("directory/new/", views.partner_edit, name="partner_create"),
    path("directory/<int:partner_id>/", views.partner_edit, name="partner_edit"),
    path("inbox/", views.inbox, name="inbox"),
    path("team-referrals/<uuid:referral_id>/", views.team_referral_decide, name="team_referral"),
    path("cases/<uuid:case_id>/consents/new/", views.consent_create, name="consent_create"),
    path("cases/<uuid:case_id>/consents/<uuid:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("cases/<uuid:case_id>/referrals/new/", views.referral_create, name="referral_create"),
    path("cases/<uuid:case_id>/referrals/<uuid:referral_id>/", views.referral_edit, name="referral_edit"),
    path("cases/<uuid:case_id>/team-referrals/new/", views.team_referral_create, name="team_referral_create"),
    path("cases/<uuid:case_id>/links/<uuid:link_id>/", views.link_accept, name="link_accept"),
    path("cases/<uuid:case_id>/legal-hold/", views.legal_hold, name="legal_hold"),
    path("cases/<uuid:case_id>/subject-access/", views.subject_access, name="subject_access"),
    path("cases/<uuid:case_id>/erase/", views.erase, name="erase"),
]
