from django.urls import path

from casework.views import cases

app_name = "cases"

urlpatterns = [
    path("", cases.my_cases, name="my_cases"),
    path("team/", cases.team_register, name="team_register"),
]
