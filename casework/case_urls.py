from django.urls import path

from casework.views import cases, sessions

app_name = "cases"

urlpatterns = [
    path("", cases.my_cases, name="my_cases"),
    path("team/", cases.team_register, name="team_register"),
    path("team/caseloads/", cases.caseloads, name="caseloads"),
    path("new/", cases.case_create, name="create"),
    path("find/", cases.case_find, name="find"),
    path("<uuid:case_id>/", cases.case_detail, name="detail"),
    path("<uuid:case_id>/history/", cases.case_history, name="history"),
    path("<uuid:case_id>/edit/", cases.case_edit, name="edit"),
    path("<uuid:case_id>/close/", cases.case_close, name="close"),
    path("<uuid:case_id>/close/undo/", cases.case_close_undo, name="close_undo"),
    path("<uuid:case_id>/reopen/", cases.case_reopen, name="reopen"),
    path("<uuid:case_id>/assignments/", cases.case_assignments, name="assignments"),
    path("<uuid:case_id>/export/", cases.case_export, name="export"),
    path("<uuid:case_id>/emergency/", cases.case_emergency, name="emergency"),
    path("<uuid:case_id>/sessions/", cases.case_sessions, name="sessions"),
    path("<uuid:case_id>/sessions/new/", sessions.session_create, name="session_create"),
    path("<uuid:case_id>/sessions/<uuid:session_id>/edit/", sessions.session_edit, name="session_edit"),
]
