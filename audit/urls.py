from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.events, name="events"),
    path("export.csv", views.export, name="export"),
    path("verify/", views.verify, name="verify"),
    path("cases/<str:reference>/", views.case, name="case"),
    path("users/<int:user_id>/", views.user, name="user"),
    path("anomalies/", views.anomalies, name="anomalies"),
    path("anomalies/<int:pk>/", views.anomaly, name="anomaly"),
]
