from django.urls import path

from victims import views

app_name = "victims"

urlpatterns = [
    path("hotel/", views.hotel_register, name="hotel"),
    path("cases/<uuid:case_id>/hotel/", views.case_hotel, name="case_hotel"),
    path("cases/<uuid:case_id>/self-assessment/", views.case_assessment, name="case_assessment"),
]
