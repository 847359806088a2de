"""Case file views. Every case is fetched through casework.access.get_case_for_user (404 and
an audit event when the user may not see it); lists come from the permission-filtered
selectors; every read and write is audited."""

import datetime
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.actions import Action
from audit.services import Origin, anomaly_break_glass_flag, audit_record
from casework import access, case_lists, selectors, submissions
from casework.extensions import app_hooks
from casework.forms import (
    AssignForm, CaseFilterForm, CloseForm, DuplicateConfirmForm, EmergencyAccessForm, FindForm,
    IdentityForm, CaseOpenForm, VersionedForm,
)
from casework.models import Case, Team
from casework.services import cases as services
from casework.teams import details_form_for, details_of


def _audit_case(request, action, case, **detail):
    services.case_event_record(actor=request.user, origin=Origin.from_request(request), action=action, case=case, **detail)


def _case_list(request, cases, *, teams, title, scope):
    """A case list: open files by default, filters, search, a whitelisted sort and keyset pages
    (casework.case_lists). Constant queries per page whatever the number of files."""
    lead = scope == "team"
    form = CaseFilterForm(request.GET or None, teams=teams, lead=lead)
    form.is_valid()
    filters = form.filters()
    cases = case_lists.apply_filters(cases, **filters)
    text = (form.cleaned_data.get("q") or "").strip()
    by_name = truncated = False
    if text:
        cases, by_name, truncated = case_lists.search(cases, text)
    sort_key = form.cleaned_data.get("sort") or case_lists.DEFAULT_SORT
    sort = case_lists.SORTS[sort_key]
    order = form.cleaned_data.get("order")
    descending = sort.descending if not order else order == "desc"
    page = case_lists.keyset_page(
        selectors.list_rows(cases), sort, descending=descending,
        after=request.GET.get("after"), before=request.GET.get("before"), last="last" in request.GET,
        size=case_lists.PAGE_SIZE,
    )
    count, capped = case_lists.bounded_count(cases)
    audit_record(actor=request.user, action=Action.CASE_LIST, origin=Origin.from_request(request), target_type="case",
                 detail={"scope": scope, "sort": sort_key, "filters": sorted(filters),
                         "search": ("name" if by_name else "reference") if text else "",
                         "shown": len(page.rows)})
    query = request.GET.copy()
    for key in ("after", "before", "last"):
        query.pop(key, None)
    return render(request, "casework/case_list.html", {
        "title": title, "scope": scope, "page": page, "filter_form": form, "query": query.urlencode(),
        "count": count, "capped": capped, "cap": case_lists.COUNT_CAP, "truncated": truncated,
        "sort_key": sort_key, "descending": descending, "headers": _sort_headers(query, sort_key, descending),
        "can_open": bool(access.roles_of(request.user).lead_teams),
    })


def _sort_headers(query, current, descending):
    """For each sortable column: the link that sorts by it (reversing it when it is current)."""
    headers = {}
    for key, sort in case_lists.SORTS.items():
        params = query.copy()
        params["sort"] = key
        if key == current:
            params["order"] = "asc" if descending else "desc"
            state = "descending" if descending else "ascending"
        else:
            params.pop("order", None)
            state = "none"
        headers[key] = {"url": f"?{params.urlencode()}", "aria_sort": state}
    return headers


@login_required
def my_cases(request):
    roles = access.roles_of(request.user)
    if not roles.worker_teams:
        access.refuse(request, target_type="case_list", target_id="mine", reason="not a worker")
    return _case_list(request, access.assigned_cases(request.user), teams=roles.worker_teams, title=_("My cases"), scope="mine")


@login_required
def team_register(request):
    roles = access.roles_of(request.user)
    if not roles.lead_teams:
        access.refuse(request, target_type="case_list", target_id="team", reason="not a lead")
    return _case_list(request, Case.objects.filter(team__in=roles.lead_teams), teams=roles.lead_teams,
                      title=_("Team cases"), scope="team")


DORMANT_AFTER_DAYS = 60


@login_required
def caseloads(request):
    """A lead's view of the team: each worker's open files and dormant files (open, no session
    for more than DORMANT_AFTER_DAYS), and the open files nobody is assigned to."""
    roles = access.roles_of(request.user)
    if not roles.lead_teams:
        access.refuse(request, target_type="case_list", target_id="caseloads", reason="not a lead")
    workers, unassigned = selectors.caseloads(roles.lead_teams, dormant_after_days=DORMANT_AFTER_DAYS, today=timezone.localdate())
    audit_record(actor=request.user, action=Action.CASE_LIST, origin=Origin.from_request(request), target_type="case",
                 detail={"scope": "caseloads"})
    return render(request, "casework/caseloads.html", {
        "workers": workers, "unassigned": unassigned, "days": DORMANT_AFTER_DAYS,
    })


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request):
    roles = access.roles_of(request.user)
    if not roles.lead_teams:
        access.refuse(request, target_type="case", target_id="new", reason="not a lead")
    repeated = submissions.replay(request)
    if repeated:
        return repeated
    team = _chosen_team(request, roles.lead_teams)
    if team is None:
        # A lead of several teams first picks the team: its details form differs per team.
        return render(request, "casework/case_create.html", {"teams": Team.objects.filter(pk__in=roles.lead_teams)})
    data = request.POST if request.method == "POST" else None
    open_form = CaseOpenForm(data, lead_teams=roles.lead_teams, prefix="case", initial={"team": team.pk})
    identity_form = IdentityForm(data, prefix="identity")
    details_form = details_form_for(team)(data, prefix="details")
    confirm_form = DuplicateConfirmForm(data, prefix="dup")
    duplicates = []
    forms_valid = all(f.is_valid() for f in (open_form, identity_form, details_form, confirm_form))
    if request.method == "POST" and forms_valid and open_form.cleaned_data["team"] != team:
        open_form.add_error("team", _("Choose the team again: the form was for another team."))
    elif request.method == "POST" and forms_valid:
        origin = Origin.from_request(request)
        identity = identity_form.field_values()
        duplicates = services.case_find_duplicates(
            actor=request.user, origin=origin, teams=[team], national_number=identity["national_number"],
            given_names=identity["given_names"], family_name=identity["family_name"],
        )
        if not duplicates or confirm_form.cleaned_data["confirm_new_person"]:
            try:
                with submissions.submit_once(request) as claim:
                    case = services.case_open(
                        actor=request.user, origin=origin, team=team, opened_on=open_form.cleaned_data["opened_on"],
                        identity=identity, details=details_form.field_values(), workers=open_form.cleaned_data["workers"],
                    )
                    claim.done(reverse("cases:detail", kwargs={"case_id": case.pk}))
            except submissions.AlreadySubmitted:
                return submissions.replay(request) or redirect("cases:team_register")
            except ValidationError as exc:
                open_form.add_error(None, exc)
            else:
                messages.success(request, _("Case %(reference)s opened.") % {"reference": case.reference})
                return redirect("cases:detail", case_id=case.pk)
    return render(request, "casework/case_create.html", {
        "open_form": open_form, "identity_form": identity_form, "details_form": details_form,
        "confirm_form": confirm_form, "duplicates": duplicates, "team": team,
        "teams": Team.objects.filter(pk__in=roles.lead_teams),
        "submission_token": submissions.submission_token(request),
    })


def _chosen_team(request, lead_teams):
    """The team the new case is for: posted, asked for in ?team=, or the only team led."""
    raw = request.POST.get("case-team") or request.GET.get("team")
    if raw is None and len(lead_teams) == 1:
        raw = next(iter(lead_teams))
    return Team.objects.filter(pk__in=lead_teams, pk=_int_or_none(raw)).first()


@login_required
def case_detail(request, case_id):
    case = access.get_case_for_user(request, case_id, perm=access.VIEW)
    if case.emergency_until:
        _audit_case(request, Action.CASE_VIEW, case, emergency=True)
        return render(request, "casework/case_detail.html", _detail_context(request, case, emergency=True))
    _audit_case(request, Action.CASE_VIEW, case)
    return render(request, "casework/case_detail.html", _detail_context(request, case))


def _detail_context(request, case, **extra):
    # Capability apps add their sections (appointments, consent, documents, …) and buttons
    # through the case_panels / case_actions hooks, so this page never imports them.
    emergency = extra.get("emergency", False)
    panels = [panel for _config, hook in app_hooks("case_panels") for panel in hook(request, case, emergency=emergency)]
    actions = [action for _config, hook in app_hooks("case_actions") for action in hook(request, case, emergency=emergency)]
    sessions = selectors.recent_sessions(case)
    return {
        "case": case,
        "panels": panels,
        "app_actions": actions,
        "details": details_of(case),
        "sessions": sessions,
        # Kept on the case row by session_record; never fewer than the sessions shown.
        "sessions_total": max(case.session_count, len(sessions)),
        "assignments": list(case.assignments.select_related("worker").order_by("worker__username")),
        "can_change": access.has_case_permission(request.user, case, access.CHANGE),
        "can_undo_close": not emergency and services.closing_undoable_by(case, request.user),
        "is_lead": access.is_lead_of(request.user, case.team),
        **extra,
    }


SESSIONS_PAGE_SIZE = 50


@login_required
def case_sessions(request, case_id):
    """Every session of the case, newest first, a page at a time. One case's sessions are
    bounded by what people can hold (hundreds over years), so the paginator's COUNT and OFFSET
    stay small; the case page itself shows only the latest (selectors.RECENT_SESSIONS)."""
    case = access.get_case_for_user(request, case_id, perm=access.VIEW)
    page = Paginator(selectors.sessions_of(case), SESSIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    emergency = bool(case.emergency_until)
    _audit_case(request, Action.CASE_VIEW, case, part="sessions", **({"emergency": True} if emergency else {}))
    return render(request, "casework/case_sessions.html", {
        "case": case, "page": page, "sessions": page.object_list,
        "can_change": access.has_case_permission(request.user, case, access.CHANGE),
        "emergency": emergency,
    })


@login_required
def case_history(request, case_id):
    case = access.get_case_for_user(request, case_id, perm=access.VIEW)
    _audit_case(request, Action.CASE_VIEW, case, part="history")
    return render(request, "casework/case_history.html", {"case": case, "timeline": selectors.case_timeline(case)})


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, case_id):
    case = access.get_case_for_user(request, case_id, perm=access.CHANGE)
    if not case.is_open:
        messages.error(request, _("A closed case cannot be edited; reopen it first."))
        return redirect("cases:detail", case_id=case.pk)
    details = details_of(case)
    data = request.POST if request.method == "POST" else None
    version_form = VersionedForm(data, initial={"version": case.version})
    identity_form = IdentityForm(data, instance=case, prefix="identity")
    details_form = details_form_for(case.team)(data, instance=details, prefix="details")
    conflict = None
    if request.method == "POST" and version_form.is_valid() and identity_form.is_valid() and details_form.is_valid():
        try:
            services.case_update(
                actor=request.user, origin=Origin.from_request(request), case=case,
                expected_version=version_form.cleaned_data["version"],
                identity=identity_form.field_values(), details=details_form.field_values(),
            )
        except services.StaleVersion as stale:
            conflict = _conflict(stale.current, identity_form, details_form)
            # The next save is made from the version now on screen: the user's edit is kept in
            # the form, the other person's edit is shown beside it; nothing is lost.
            version_form = VersionedForm(initial={"version": stale.current.version})
        except ValidationError as exc:
            identity_form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("cases:detail", case_id=case.pk)
    if request.method == "GET":
        _audit_case(request, Action.CASE_VIEW, case, part="edit")
    return render(request, "casework/case_edit.html", {
        "case": case, "version_form": version_form, "identity_form": identity_form,
        "details_form": details_form, "conflict": conflict,
    })


def _conflict(current, identity_form, details_form):
    """The fields where the saved version differs from what this user submitted."""
    saved_details = details_of(current)
    rows = []
    for form, saved in ((identity_form, current), (details_form, saved_details)):
        for name, value in form.cleaned_data.items():
            saved_value = getattr(saved, name)
            if saved_value != value:
                field = form.fields[name]
                shown = dict(field.choices).get(saved_value, saved_value) if hasattr(field, "choices") else saved_value
                rows.append({"label": field.label, "saved": shown})
    return {"version": current.version, "rows": rows}


@login_required
@require_http_methods(["GET", "POST"])
def case_close(request, case_id):
    """Closing is two steps: the form (no reason preselected), then a summary to confirm."""
    case = access.get_case_for_user(request, case_id, perm=access.CHANGE)
    form = CloseForm(request.POST or None, case=case, initial={"version": case.version})
    summary = None
    if request.method == "POST" and form.is_valid() and not form.cleaned_data["confirmed"]:
        summary = {
            "closed_on": form.cleaned_data["closed_on"],
            "reason": dict(form.fields["reason"].choices)[form.cleaned_data["reason"]],
            "sessions": case.session_count, "last_contact_on": case.last_contact_on,
            "workers": [a.worker for a in case.assignments.select_related("worker").order_by("worker__username")],
        }
    elif request.method == "POST" and form.is_valid():
        try:
            services.case_close(actor=request.user, origin=Origin.from_request(request), case=case,
                                expected_version=form.cleaned_data["version"],
                                closed_on=form.cleaned_data["closed_on"], reason=form.cleaned_data["reason"])
        except services.StaleVersion:
            messages.error(request, _("Someone else changed this case meanwhile. Check it and close it again."))
            return redirect("cases:detail", case_id=case.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Case %(reference)s closed. You can undo this today from the case page.") % {"reference": case.reference})
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "casework/case_close.html", {"case": case, "form": form, "summary": summary})


@login_required
@require_POST
def case_close_undo(request, case_id):
    case = access.get_case_for_user(request, case_id, perm=access.CHANGE)
    form = VersionedForm(request.POST)
    if form.is_valid():
        try:
            services.case_close_undo(actor=request.user, origin=Origin.from_request(request), case=case,
                                     expected_version=form.cleaned_data["version"])
        except services.StaleVersion:
            messages.error(request, _("The case changed meanwhile. Check it and try again."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Closing of %(reference)s undone: the case is open again.") % {"reference": case.reference})
    return redirect("cases:detail", case_id=case.pk)


@login_required
@require_POST
def case_reopen(request, case_id):
    case = access.get_case_for_user(request, case_id, perm=access.CHANGE)
    if not access.is_lead_of(request.user, case.team):
        access.refuse(request, target_type="case", target_id=case.pk, reason="reopen needs lead",
                      target_ref=case.reference, team=case.team.code)
    form = VersionedForm(request.POST)
    if form.is_valid():
        try:
            services.case_reopen(actor=request.user, origin=Origin.from_request(request), case=case,
                                 expected_version=form.cleaned_data["version"])
            messages.success(request, _("Case %(reference)s reopened.") % {"reference": case.reference})
        except (services.StaleVersion, ValidationError):
            messages.error(request, _("The case could not be reopened: it changed meanwhile. Check it and try again."))
    return redirect("cases:detail", case_id=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def case_assignments(request, case_id):
    case = access.get_case_for_user(request, case_id, perm=access.VIEW)
    if not access.is_lead_of(request.user, case.team):
        access.refuse(request, target_type="case", target_id=case.pk, reason="assignment needs lead",
                      target_ref=case.reference, team=case.team.code)
    form = AssignForm(request.POST or None, case=case)
    removing = None
    if request.method == "GET" and "remove" in request.GET:
        # The first step of removing someone: a page that names them and asks to confirm.
        removing = case.assignments.select_related("worker").filter(worker_id=_int_or_none(request.GET.get("remove"))).first()
        if removing is None:
            messages.error(request, _("This person is not assigned to the case."))
    if request.method == "POST" and "unassign" in request.POST:
        assignment = case.assignments.select_related("worker").filter(worker_id=_int_or_none(request.POST.get("unassign"))).first()
        if assignment is None:
            messages.error(request, _("This person is not assigned to the case."))
        elif request.POST.get("confirm") != "yes":
            return redirect(reverse("cases:assignments", kwargs={"case_id": case.pk}) + f"?remove={assignment.worker_id}")
        else:
            worker = assignment.worker
            services.case_unassign(actor=request.user, origin=Origin.from_request(request), case=case, worker=worker)
            messages.success(request, _("%(name)s no longer has access to this case.") % {"name": worker.get_full_name() or worker.username})
        return redirect("cases:assignments", case_id=case.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_assign(actor=request.user, origin=Origin.from_request(request), case=case, worker=form.cleaned_data["worker"])
        except ValidationError as exc:
            form.add_error("worker", exc)
        else:
            messages.success(request, _("Worker assigned."))
            return redirect("cases:assignments", case_id=case.pk)
    return render(request, "casework/case_assignments.html", {
        "case": case, "form": form, "removing": removing,
        "assignments": case.assignments.select_related("worker", "assigned_by").order_by("worker__username"),
    })


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def case_export(request, case_id):
    """The whole case file as JSON: for a person's access request (GDPR art. 15) or a transfer.
    Audited as an export; the download is never cached."""
    case = access.get_case_for_user(request, case_id, perm=access.VIEW)
    if case.emergency_until:
        # An emergency access is for reading at the desk and recording a session, not for taking the file away.
        access.refuse(request, target_type="case", target_id=case.pk, reason="no export in emergency",
                      target_ref=case.reference, team=case.team.code)
    details = details_of(case)
    payload = {
        "reference": case.reference, "team": case.team.code, "status": case.status,
        "opened_on": case.opened_on, "closed_on": case.closed_on, "closure_reason": case.closure_reason,
        "person": {f: getattr(case, f) for f in services.IDENTITY_FIELDS},
        "details": {f.name: getattr(details, f.name) for f in details._meta.concrete_fields if f.name != "case"},
        "workers": [a.worker.username for a in case.assignments.select_related("worker")],
        "sessions": [
            {"date": s.held_on, "kind": s.kind.code, "duration_minutes": s.duration_minutes, "worker": s.worker.username, "notes": s.notes}
            for s in selectors.sessions_of(case)
        ],
        "exported_at": timezone.now(), "exported_by": request.user.username,
    }
    _audit_case(request, Action.CASE_EXPORT, case, format="json")
    response = HttpResponse(json.dumps(payload, default=str, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{case.reference}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def case_find(request):
    """Find an existing file by national number or full name (blind indexes), within the
    user's own teams. Workers see which of the matches they can open; for the others of their
    team they may ask for emergency access, which is audited and reviewed."""
    roles = access.roles_of(request.user)
    if not roles.casework_teams:
        access.refuse(request, target_type="case", target_id="find", reason="no team")
    form = FindForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        matches = services.case_find_duplicates(
            actor=request.user, origin=Origin.from_request(request), teams=roles.casework_teams, **form.cleaned_data)
        visible = set(access.visible_cases(request.user).filter(pk__in=[m.pk for m in matches]).values_list("pk", flat=True))
        results = [{"case": m, "visible": m.pk in visible} for m in matches]
    return render(request, "casework/case_find.html", {"form": form, "results": results, "emergency_form": EmergencyAccessForm()})


@login_required
@require_POST
def case_emergency(request, case_id):
    """Break the glass: a worker of the case's team reads a case not assigned to them, once,
    with a written reason. It grants nothing lasting and is flagged for the auditor."""
    case = Case.objects.select_related("team").filter(pk=case_id).first()
    roles = access.roles_of(request.user)
    if case is None or case.team_id not in roles.worker_teams:
        access.refuse(request, target_type="case", target_id=case_id, reason="emergency outside team",
                      target_ref=case.reference if case else "", team=case.team.code if case else "")
    form = EmergencyAccessForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Emergency access needs a reason of at least 15 characters."))
        return redirect("cases:find")
    with transaction.atomic():
        event = audit_record(actor=request.user, action=Action.BREAK_GLASS, origin=Origin.from_request(request),
                             target_type="case", target_id=case.pk, target_ref=case.reference, team=case.team.code,
                             justification=form.cleaned_data["justification"])
        # The auditor's queue gets the finding now, not after the nightly detection run.
        anomaly_break_glass_flag(event=event)
    # A window opens (CASEWORK_EMERGENCY_MINUTES) in which the worker may read the file and
    # record a session; the lead and the assigned workers are notified (audit_event_committed hook).
    case.emergency_until = event.at + datetime.timedelta(minutes=access.emergency_minutes())
    context = _detail_context(request, case, emergency=True)
    context["can_change"] = False
    return render(request, "casework/case_detail.html", context)
