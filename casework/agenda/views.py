"""The home page ("today"), agendas, appointments, "who saw my file", handover and the
calendar feed. Cases are fetched through ``casework.access`` only; reads of case data are
audited; each page runs a constant number of queries."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.actions import Action
from audit.services import Origin, audit_record
from casework import access
from casework.agenda import selectors, services
from casework.agenda.forms import AppointmentForm, FollowUpForm, HandoverForm, ReassignForm, TeamFollowUpForm
from casework.agenda.models import Appointment, CalendarFeed, CaseFollowUp, TeamFollowUp
from casework.forms import SessionForm
from casework.models import Case, Session, Team
from casework.services.cases import case_event_record


def pending_approvals(user):
    """Role requests waiting for this user's decision (lead and administrator home page); the
    core selector applies the separation-of-duties rules (docs/decisions/0005-role-approval.md)."""
    from casework import selectors as core_selectors

    return list(core_selectors.role_requests_awaiting(user))


def _origin(request):
    return Origin.from_request(request)


def _require_casework(request, what):
    roles = access.roles_of(request.user)
    if not roles.casework_teams:
        access.refuse(request, target_type="agenda", target_id=what, reason="no team")
    return roles


def _led_team(request, roles):
    """The led team a team page is about: ?team=<code> or the first led team."""
    teams = Team.objects.filter(pk__in=roles.lead_teams).order_by("code")
    code = request.POST.get("team") or request.GET.get("team")
    team = teams.filter(code=code).first() if code else teams.first()
    if team is None:
        access.refuse(request, target_type="team", target_id=code or "-", reason="not lead")
    return team, teams


@login_required
def home(request):
    """Today: what to do now, for a worker and for a lead."""
    roles = _require_casework(request, "home")
    user, today, now = request.user, timezone.localdate(), timezone.now()
    previous_visit = services.home_visit_record(user=user)
    today_start, today_end = selectors.day_bounds(today)
    week_end = today_start + datetime.timedelta(days=7)
    context = {"today": today, "is_worker": bool(roles.worker_teams), "is_lead": bool(roles.lead_teams), "now": now}
    counts = {}
    if roles.worker_teams:
        mine = access.assigned_cases(user)
        context.update(
            today_appointments=list(selectors.appointments_between(today_start, today_end, worker=user)),
            week_appointments=list(selectors.appointments_between(today_end, week_end, worker=user)),
            to_record=list(selectors.overdue_appointments(worker=user, before=today_start)[:20]),
            follow_ups=selectors.follow_ups_due(mine, today=today, within_days=7),
            changes=selectors.assignment_changes_since(user, previous_visit),
            releases=[],
        )
        if Team.objects.filter(pk__in=roles.worker_teams, code="SCAPI").exists():
            context["releases"] = selectors.releases_soon(mine, today=today)
        counts.update(appointments=len(context["today_appointments"]) + len(context["week_appointments"]),
                      follow_ups=len(context["follow_ups"]), releases=len(context["releases"]))
    if roles.lead_teams:
        team_due = selectors.follow_ups_due(Case.objects.filter(team__in=roles.lead_teams), today=today)
        overdue = [f for f in team_due if f.overdue]
        codes = list(Team.objects.filter(pk__in=roles.lead_teams).values_list("code", flat=True))
        context.update(
            team_today=list(selectors.appointments_between(today_start, today_end, teams=roles.lead_teams)),
            team_overdue=overdue[:30], team_overdue_count=len(overdue),
            workload=selectors.team_workload(roles.lead_teams, team_due),
            unassigned=list(selectors.unassigned_cases(roles.lead_teams)[:30]),
            emergencies=list(selectors.team_emergency_accesses(codes)),
            approvals=pending_approvals(user),
        )
        counts.update(team_overdue=len(overdue), unassigned=len(context["unassigned"]))
    # The page lists references, dates and (SCAPI) release dates decrypted for the worker's own
    # caseload: a read of case data, recorded like a case list.
    audit_record(actor=user, action=Action.CASE_LIST, origin=_origin(request), target_type="case",
                 detail={"scope": "agenda", **counts})
    return render(request, "agenda/home.html", context)


def _week(request):
    try:
        start = datetime.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = timezone.localdate()
    start = selectors.week_start(start)
    begin, end = selectors.day_bounds(start, 7)
    return start, begin, end


def _days(start, appointments):
    days = [{"day": start + datetime.timedelta(days=i), "items": []} for i in range(7)]
    for appointment in appointments:
        offset = (timezone.localdate(appointment.starts_at) - start).days
        if 0 <= offset < 7:
            days[offset]["items"].append(appointment)
    return days


@login_required
def week(request):
    roles = access.roles_of(request.user)
    if not roles.worker_teams:
        access.refuse(request, target_type="agenda", target_id="week", reason="not a worker")
    return _week_page(request, team_view=False, worker=request.user)


@login_required
def team_week(request):
    roles = access.roles_of(request.user)
    if not roles.lead_teams:
        access.refuse(request, target_type="agenda", target_id="team_week", reason="not a lead")
    return _week_page(request, team_view=True, teams=roles.lead_teams)


def _week_page(request, *, team_view, **whose):
    """A week of appointments (``whose``: a worker's own, or the lead's teams'), its list audited."""
    start, begin, end = _week(request)
    appointments = list(selectors.appointments_between(begin, end, **whose))
    audit_record(actor=request.user, action=Action.CASE_LIST, origin=_origin(request), target_type="case",
                 detail={"scope": "agenda_team_week" if team_view else "agenda_week", "shown": len(appointments)})
    return render(request, "agenda/week.html", {"days": _days(start, appointments), "start": start, "team_view": team_view,
                                                "previous": start - datetime.timedelta(days=7), "next": start + datetime.timedelta(days=7)})


@login_required
@require_http_methods(["GET", "POST"])
def plan(request, case_id):
    """Plan the next session of a case (its assigned workers and its lead)."""
    case = access.get_case_for_user(request, case_id, perm=access.CHANGE)
    form = AppointmentForm(request.POST or None, case=case, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.appointment_plan(actor=request.user, origin=_origin(request), case=case, worker=data["worker"],
                                      starts_at=data["starts_at"], duration_minutes=data["duration_minutes"],
                                      place=data["place"], kind=data["kind"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Appointment planned."))
            if request.POST.get("next") == "home":
                return redirect("agenda:home")
            return redirect("cases:detail", case_id=case.pk)
    planned = case.appointments.filter(status=Appointment.Status.PLANNED).select_related("kind", "worker")
    return render(request, "agenda/plan.html", {"case": case, "form": form, "planned": planned,
                                                "next": request.GET.get("next") or request.POST.get("next", "")})


def _appointment_for(request, appointment_id, perm):
    appointment = Appointment.objects.select_related("kind").filter(pk=appointment_id).first()
    if appointment is None:
        access.refuse(request, target_type="appointment", target_id=appointment_id, reason="missing")
    case = access.get_case_for_user(request, appointment.case_id, perm=perm)
    appointment.case = case
    return appointment, case


@login_required
@require_http_methods(["GET", "POST"])
def record(request, appointment_id):
    """Record the session of an appointment: the form comes filled in from the appointment."""
    appointment, case = _appointment_for(request, appointment_id, access.RECORD_SESSION)
    if appointment.status != Appointment.Status.PLANNED:
        messages.error(request, _("A session was already recorded for this appointment, or it was cancelled."))
        return redirect("cases:detail", case_id=case.pk)
    initial = {"kind": appointment.kind_id, "place": appointment.place, "duration_minutes": appointment.duration_minutes,
               "held_on": min(timezone.localdate(appointment.starts_at), timezone.localdate())}
    form = SessionForm(request.POST or None, case=case, instance=Session(case=case, worker=request.user), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.appointment_record_session(
                actor=request.user, origin=_origin(request), appointment=appointment, kind=data["kind"],
                held_on=data["held_on"], place=data["place"], duration_minutes=data["duration_minutes"], notes=data["notes"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Session recorded."))
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "casework/session_form.html", {"case": case, "form": form, "appointment": appointment})


@login_required
@require_POST
def cancel(request, appointment_id):
    appointment, case = _appointment_for(request, appointment_id, access.CHANGE)
    try:
        services.appointment_cancel(actor=request.user, origin=_origin(request), appointment=appointment)
        messages.success(request, _("Appointment cancelled."))
    except ValidationError:
        messages.error(request, _("This appointment is no longer planned."))
    return redirect("agenda:plan", case_id=case.pk)


def _require_case_insider(request, case):
    """Who saw my file: for the case's assigned workers and its lead, not an emergency reader."""
    if case.emergency_until or not access.has_case_permission(request.user, case, access.CHANGE):
        access.refuse(request, target_type="case", target_id=case.pk, reason="readers need assignment or lead",
                      target_ref=case.reference, team=case.team.code)


@login_required
def readers(request, case_id):
    case = access.get_case_for_user(request, case_id, perm=access.VIEW)
    _require_case_insider(request, case)
    case_event_record(actor=request.user, origin=_origin(request), action=Action.CASE_VIEW, case=case, part="readers")
    page = Paginator(selectors.file_readers(case), 50).get_page(request.GET.get("page"))
    rows = [selectors.describe_reading(event) for event in page.object_list]
    return render(request, "agenda/readers.html", {"case": case, "page": page, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def follow_up(request, case_id):
    case = access.get_case_for_user(request, case_id, perm=access.CHANGE)
    current = CaseFollowUp.objects.filter(case=case).values_list("days", flat=True).first()
    team_days = TeamFollowUp.objects.filter(team=case.team).values_list("days", flat=True).first()
    form = FollowUpForm(request.POST or None, initial={"days": current})
    if request.method == "POST" and form.is_valid():
        services.follow_up_set(actor=request.user, origin=_origin(request), case=case, days=form.cleaned_data["days"])
        messages.success(request, _("Follow-up interval saved."))
        return redirect("cases:detail", case_id=case.pk)
    return render(request, "agenda/follow_up.html", {"case": case, "form": form,
                                                     "team_days": team_days or selectors.DEFAULT_FOLLOW_UP_DAYS})


@login_required
@require_http_methods(["GET", "POST"])
def team_follow_up(request):
    roles = access.roles_of(request.user)
    if not roles.lead_teams:
        access.refuse(request, target_type="team", target_id="follow_up", reason="not lead")
    team, teams = _led_team(request, roles)
    current = TeamFollowUp.objects.filter(team=team).values_list("days", flat=True).first()
    form = TeamFollowUpForm(request.POST or None, initial={"days": current or selectors.DEFAULT_FOLLOW_UP_DAYS})
    if request.method == "POST" and form.is_valid():
        services.follow_up_set(actor=request.user, origin=_origin(request), team=team, days=form.cleaned_data["days"])
        messages.success(request, _("Follow-up interval saved."))
        return redirect("agenda:home")
    return render(request, "agenda/team_follow_up.html", {"team": team, "teams": teams, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def handover(request):
    """A lead moves all (or some) of a worker's cases to another worker in one step."""
    roles = access.roles_of(request.user)
    if not roles.lead_teams:
        access.refuse(request, target_type="team", target_id="handover", reason="not lead")
    team, teams = _led_team(request, roles)
    data = request.POST if request.method == "POST" else (request.GET if "from_worker" in request.GET else None)
    form = HandoverForm(data, team=team)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            moved = services.handover(actor=request.user, origin=_origin(request), team=team, from_worker=d["from_worker"],
                                      to_worker=d["to_worker"], cases=list(d["cases"]))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(n)d case(s) handed over to %(name)s.") % {
                "n": len(moved), "name": d["to_worker"].get_full_name() or d["to_worker"].username})
            return redirect("agenda:home")
    if request.method == "GET" and form.is_bound:
        form.errors.clear()  # the first step only chose whose cases to show
    chosen = form.fields["cases"].queryset
    return render(request, "agenda/handover.html", {"form": form, "team": team, "teams": teams,
                                                    "chosen": chosen, "step_two": form.is_bound})


@login_required
@require_http_methods(["GET", "POST"])
def reassign(request, case_id):
    case = access.get_case_for_user(request, case_id, perm=access.VIEW)
    if not access.is_lead_of(request.user, case.team):
        access.refuse(request, target_type="case", target_id=case.pk, reason="reassign needs lead",
                      target_ref=case.reference, team=case.team.code)
    form = ReassignForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_reassign(actor=request.user, origin=_origin(request), case=case,
                                   from_worker=form.cleaned_data["from_worker"], to_worker=form.cleaned_data["to_worker"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Case reassigned."))
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "agenda/reassign.html", {"case": case, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def feed(request):
    roles = access.roles_of(request.user)
    if not roles.worker_teams:
        access.refuse(request, target_type="calendar_feed", target_id="mine", reason="not a worker")
    secret_url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(actor=request.user, origin=_origin(request))
            messages.success(request, _("The calendar address no longer works."))
            return redirect("agenda:feed")
        secret = services.calendar_feed_create(actor=request.user, origin=_origin(request))
        secret_url = request.build_absolute_uri(reverse("agenda:feed_ics", kwargs={"secret": secret}))
    active = CalendarFeed.objects.filter(user=request.user).exists()
    response = render(request, "agenda/feed.html", {"active": active, "secret_url": secret_url})
    response["Cache-Control"] = "no-store"
    return response


def _ics_text(value):
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


@require_GET
@never_cache
def feed_ics(request, secret):
    """The worker's appointments as iCalendar: case reference, kind and place; never a name."""
    feed_row = CalendarFeed.objects.select_related("user").filter(secret_hash=services.feed_secret_hash(secret)).first()
    if feed_row is None or not feed_row.user.is_active or not access.roles_of(feed_row.user).worker_teams:
        raise Http404
    user = feed_row.user
    now = timezone.now()
    appointments = list(selectors.appointments_between(now - datetime.timedelta(days=30), now + datetime.timedelta(days=180), worker=user))
    audit_record(actor=user, action=Action.CASE_LIST, origin=_origin(request), target_type="case",
                 detail={"scope": "calendar_feed", "shown": len(appointments)})
    stamp = now.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Molenbeek//Prevention casework//EN", "CALSCALE:GREGORIAN"]
    for a in appointments:
        start = a.starts_at.astimezone(datetime.timezone.utc)
        end = start + datetime.timedelta(minutes=a.duration_minutes)
        lines += ["BEGIN:VEVENT", f"UID:{a.pk}@casework", f"DTSTAMP:{stamp}",
                  f"DTSTART:{start.strftime('%Y%m%dT%H%M%SZ')}", f"DTEND:{end.strftime('%Y%m%dT%H%M%SZ')}",
                  f"SUMMARY:{_ics_text(f'{a.case.reference} · {a.get_place_display()}')}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return HttpResponse("\r\n".join(lines) + "\r\n", content_type="text/calendar; charset=utf-8")
