from django.urls import path

from casework.documents import views

app_name = "documents"

urlpatterns = [
    path("<uuid:case_id>/upload/", views.document_upload, name="upload"),
    path("<uuid:case_id>/<uuid:document_id>/download/", views.document_download, name="download"),
    path("<uuid:case_id>/<uuid:document_id>/delete/", views.document_delete, name="delete"),
]
