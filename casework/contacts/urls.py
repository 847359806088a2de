from django.urls import path

from casework.contacts import views

app_name = "contacts"

urlpatterns = [
    path("", views.contact_list, name="list"),
    path("new/", views.contact_create, name="create"),
    path("<uuid:contact_id>/", views.contact_detail, name="detail"),
    path("<uuid:contact_id>/request-case/", views.contact_request_case, name="request_case"),
    path("<uuid:contact_id>/open-case/", views.contact_convert, name="convert"),
    path("activities/", views.activity_list, name="activities"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<uuid:activity_id>/confirm/", views.activity_confirm, name="activity_confirm"),
]
