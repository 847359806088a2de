from django.urls import path

from casework.plan import views

app_name = "plan"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:year>/", views.year_detail, name="year"),
    path("<int:year>/recompute/", views.year_recompute, name="recompute"),
    path("<int:year>/copy/", views.year_copy, name="copy"),
    path("<int:year>/export/", views.year_export, name="export"),
    path("<int:year>/report/", views.year_report_print, name="report"),
    path("entry/", views.entry_home, name="entry_home"),
    path("entry/<int:year>/", views.entry_year, name="entry_year"),
    path("entry/indicator/<int:indicator_id>/record/", views.record_add, name="record_add"),
    path("entry/record/<int:record_id>/", views.record_edit, name="record_edit"),
    path("entry/record/<int:record_id>/delete/", views.record_delete, name="record_delete"),
    path("entry/indicator/<int:indicator_id>/attest/", views.attestation_add, name="attestation_add"),
]
