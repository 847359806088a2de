
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.actions import Action
from audit.services import Origin
from casework import access, selectors, submissions
from casework.extensions import app_hooks
from casework.forms import SessionForm, VersionedForm
from casework.models import Session
from casework.services import cases as services


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request, case_id):
    case = access.get_case_for_user(request, case_id, perm=access.RECORD_SESSION)
    if not case.is_open:
        messages.error(request, _("Sessions cannot be added to a closed case."))
        return redirect("cases:detail", case_id=case.pk)
    repeated = submissions.replay(request)
    if repeated:
        return repeated
    # The team's usual kind and duration are filled in (the worker changes them if needed).
    suggestion = selectors.session_suggestion(case.team)
    initial = {"kind": suggestion["kind"].pk, "duration_minutes": suggestion["minutes"]} if suggestion else {}
    form = SessionForm(request.POST or None, case=case, instance=Session(case=case, worker=request.user), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with submissions.submit_once(request) as claim:
                services.session_record(actor=request.user, origin=Origin.from_request(request), case=case,
                                        **{name: form.cleaned_data[name] for name in SessionForm.Meta.fields})
                claim.done(reverse("cases:detail", kwargs={"case_id": case.pk}))
        except submissions.AlreadySubmitted:
            return submissions.replay(request) or redirect("cases:detail", case_id=case.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Session recorded."))
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "casework/session_form.html", {"case": case, "form": form, "suggestion": suggestion,
                                                          "submission_token": submissions.submission_token(request)})


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, case_id, session_id):
    case = access.get_case_for_user(request, case_id, perm=access.CHANGE)
    session = case.sessions.select_related("kind").filter(pk=session_id).first()
    if session is None:
        access.refuse(request, target_type="session", target_id=session_id, reason="not in case",
                      target_ref=case.reference, team=case.team.code)
    if not case.is_open:
        messages.error(request, _("The sessions of a closed case cannot be changed; reopen it first."))
        return redirect("cases:detail", case_id=case.pk)
    data = request.POST if request.method == "POST" else None
    form = SessionForm(data, case=case, instance=session)
    version_form = VersionedForm(data, initial={"version": session.version})
    stale = None
    if request.method == "POST" and form.is_valid() and version_form.is_valid():
        try:
            services.session_update(actor=request.user, origin=Origin.from_request(request), session=session,
                                    expected_version=version_form.cleaned_data["version"],
                                    **{name: form.cleaned_data[name] for name in SessionForm.Meta.fields})
        except services.StaleVersion as exc:
            stale = exc.current
            version_form = VersionedForm(initial={"version": stale.version})
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Session updated."))
            return redirect("cases:detail", case_id=case.pk)
    if request.method == "GET":
        # The form shows the session's notes: a read of case data like the case's own edit page.
        services.case_event_record(actor=request.user, origin=Origin.from_request(request), action=Action.CASE_VIEW,
                                   case=case, part="session_edit", session=str(session.pk))
    # Capability apps add sections about this session (its documents, …) through session_panels.
    panels = [panel for _config, hook in app_hooks("session_panels") for panel in hook(request, case, session)]
    return render(request, "casework/session_form.html", {"case": case, "form": form, "version_form": version_form, "session": session, "stale": stale, "panels": panels})
