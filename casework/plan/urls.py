from django.urls import path

from casework.plan import views

app_name = "plan"

urlpatterns = [
    path("", views.home, name="home"),
]
