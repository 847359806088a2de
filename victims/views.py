"""MEDLOC-SCAV pages: the social hotel register and a case's stays and self-assessments."""

import calendar
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.actions import Action
from audit.services import Origin, audit_record
from casework import access
from casework.models import Team
from victims import services
from victims.counters import nights_by_month
from victims.forms import AssessmentForm, StayEndForm, StayForm, WaitingForm
from victims.models import HotelRoom, HotelStay, HotelWaitingEntry, SelfAssessment

TEAM_CODE = services.TEAM_CODE


def _victims_case(request, case_id, perm):
    case = access.get_case_for_user(request, case_id, perm=perm)
    if case.team.code != TEAM_CODE:
        access.refuse(request, target_type="case", target_id=case.pk, reason="not a victims case",
                      target_ref=case.reference, team=case.team.code)
    return case


@login_required
def hotel_register(request):
    team = Team.objects.filter(code=TEAM_CODE).first()
    if team is None or team.pk not in access.roles_of(request.user).casework_teams:
        access.refuse(request, target_type="hotel", target_id="register", reason="not in the team", team=TEAM_CODE)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year)
    first, last = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today)
    rooms = list(HotelRoom.objects.all())
    beds = sum(r.beds for r in rooms if r.active)
    nights = nights_by_month(first, last, today=today)
    months = []
    for month in range(1, last.month + 1):
        days = calendar.monthrange(year, month)[1] if month < last.month else last.day
        capacity = beds * days
        used = nights.get(month, 0)
        months.append({"month": datetime.date(year, month, 1), "nights": used, "capacity": capacity,
                       "percent": round(used * 100 / capacity) if capacity else 0})
    visible = set(access.visible_cases(request.user).values_list("pk", flat=True))
    current = list(HotelStay.objects.overlapping(today, today).select_related("room", "case"))
    waiting = list(HotelWaitingEntry.objects.filter(status=HotelWaitingEntry.Status.WAITING).select_related("case"))
    audit_record(actor=request.user, action=Action.HOTEL_VIEW, origin=Origin.from_request(request), target_type="hotel",
                 target_id=year, team=TEAM_CODE, detail={"stays": len(current), "waiting": len(waiting)})
    return render(request, "victims/hotel_register.html", {
        "year": year, "years": range(today.year, 2022, -1), "rooms": rooms, "beds": beds, "months": months,
        "total_nights": nights[None], "current": current, "waiting": waiting, "visible": visible,
    })


@login_required
@require_http_methods(["GET", "POST"])
def case_hotel(request, case_id):
    case = _victims_case(request, case_id, access.CHANGE)
    origin = Origin.from_request(request)
    op = request.POST.get("op") if request.method == "POST" else None
    stay_form = StayForm(request.POST if op == "start" else None, prefix="stay")
    end_form = StayEndForm(request.POST if op == "end" else None, prefix="end")
    waiting_form = WaitingForm(request.POST if op == "wait" else None, prefix="wait")
    try:
        if op == "start" and stay_form.is_valid():
            services.stay_start(actor=request.user, origin=origin, case=case, **stay_form.cleaned_data)
            messages.success(request, _("Stay recorded."))
            return redirect("victims:case_hotel", case_id=case.pk)
        if op == "end" and end_form.is_valid():
            stay = case.hotel_stays.filter(pk=request.POST.get("stay") or 0, check_out__isnull=True).first()
            if stay is None:
                end_form.add_error(None, _("This stay is already over."))
            else:
                services.stay_end(actor=request.user, origin=origin, stay=stay, **end_form.cleaned_data)
                messages.success(request, _("Departure recorded."))
                return redirect("victims:case_hotel", case_id=case.pk)
        if op == "wait" and waiting_form.is_valid():
            services.waiting_add(actor=request.user, origin=origin, case=case, **waiting_form.cleaned_data)
            messages.success(request, _("Added to the waiting list."))
            return redirect("victims:case_hotel", case_id=case.pk)
        if op == "withdraw":
            entry = case.hotel_waiting.filter(status=HotelWaitingEntry.Status.WAITING).first()
            if entry:
                services.waiting_withdraw(actor=request.user, origin=origin, entry=entry)
            messages.success(request, _("Removed from the waiting list."))
            return redirect("victims:case_hotel", case_id=case.pk)
    except ValidationError as exc:
        form = {"start": stay_form, "end": end_form, "wait": waiting_form}[op]
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
    audit_record(actor=request.user, action=Action.HOTEL_VIEW, origin=origin, target_type="case", target_id=case.pk,
                 target_ref=case.reference, team=case.team.code)
    return render(request, "victims/case_hotel.html", {
        "case": case, "stays": list(case.hotel_stays.select_related("room")), "stay_form": stay_form,
        "end_form": end_form, "waiting_form": waiting_form,
        "waiting": case.hotel_waiting.filter(status=HotelWaitingEntry.Status.WAITING).first(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def case_assessment(request, case_id):
    case = _victims_case(request, case_id, access.CHANGE)
    moment = request.GET.get("moment")
    existing = {a.moment: a for a in case.self_assessments.all()}
    initial = {"moment": moment if moment in SelfAssessment.Moment.values else
               (SelfAssessment.Moment.CLOSING if SelfAssessment.Moment.INTAKE in existing else SelfAssessment.Moment.INTAKE)}
    form = AssessmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_record(actor=request.user, origin=Origin.from_request(request), case=case, **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("Self-assessment recorded."))
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "victims/case_assessment.html", {"case": case, "form": form, "existing": existing})
