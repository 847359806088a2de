from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def my_cases(request):
    return render(request, "casework/coming.html", {"what": "my cases"})


@login_required
def team_register(request):
    return render(request, "casework/coming.html", {"what": "team cases"})
