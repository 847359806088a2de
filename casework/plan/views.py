"""The coordinator's workspace: one page per plan year, exports, a printable report, and the
entry of activity records and attestations.

Every view reads counts through casework.plan.selectors/report; none imports a case or session
model (tests/plan/test_views.py checks the SQL of each page)."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.actions import Action
from audit.services import Origin, audit_record
from casework import submissions
from casework.plan import selectors
from casework.plan.access import get_indicator_for_entry, get_record_for_entry, require_coordinator, require_entry_rights
from casework.plan.export import FORMATS, indicators_export
from casework.plan.forms import ActivityRecordForm, AttestationForm
from casework.plan.models import Indicator
from casework.plan.pages import year_body
from casework.plan.report import STATUSES, table_of_contents, year_report
from casework.plan.services import (
    PlanError,
    activity_record_create,
    activity_record_delete,
    activity_record_update,
    attestation_record,
    plan_year_copy,
)
from casework.plan.tasks import compute_indicators

REPORT_LANGUAGES = ("fr", "nl")
EXPORT_LANGUAGES = ("fr", "nl", "en")


def _plan_year_or_404(year):
    plan_year = selectors.plan_year_get(year)
    if plan_year is None:
        raise Http404
    return plan_year


def _bad_request(request, message):
    """A clear answer to a malformed request, in the user's language, never a 500."""
    return render(request, "plan/bad_request.html", {"message": message}, status=400)


@login_required
@require_GET
def home(request):
    require_coordinator(request, target_id="home")
    years = list(selectors.plan_years())
    return render(request, "plan/home.html", {"years": years, "current_year": timezone.localdate().year})


@login_required
@require_GET
def year_detail(request, year):
    require_coordinator(request, target_id=year)
    plan_year = _plan_year_or_404(year)
    status = request.GET.get("status") or ""
    if status and status not in STATUSES:
        return _bad_request(request, _("Unknown status: choose met, on track, behind or not yet known."))
    run = selectors.last_run(plan_year)
    body = year_body(plan_year, run, status)
    next_year_exists = selectors.plan_year_get(year + 1) is not None
    return render(request, "plan/year.html", {
        "plan_year": plan_year, "run": run, "released_label": body["released_label"], "body": body["html"],
        "next_year": year + 1, "next_year_exists": next_year_exists,
        "export_formats": FORMATS, "report_languages": REPORT_LANGUAGES,
        "recompute": _recompute_state(request, plan_year, run),
    })


RECOMPUTE_SESSION_KEY = "plan_recompute_requested"


def _recompute_state(request, plan_year, run):
    """After "Recompute": ("running", asked at) until a computation that started after the
    request has finished, then ("done", finished at) once; None otherwise."""
    asked = request.session.get(RECOMPUTE_SESSION_KEY, {}).get(str(plan_year.year))
    if not asked:
        return None
    asked_at = datetime.datetime.fromisoformat(asked)
    finished = selectors.last_run_started_after(plan_year, asked_at)
    if finished is None:
        if timezone.now() - asked_at > datetime.timedelta(hours=1):
            _forget_recompute(request, plan_year)  # lost (worker down): stop saying it is running
            return ("lost", asked_at)
        return ("running", asked_at)
    _forget_recompute(request, plan_year)
    return ("failed" if finished.failed else "done", finished.finished_at)


def _forget_recompute(request, plan_year):
    pending = dict(request.session.get(RECOMPUTE_SESSION_KEY, {}))
    pending.pop(str(plan_year.year), None)
    request.session[RECOMPUTE_SESSION_KEY] = pending


@login_required
@require_POST
def year_recompute(request, year):
    require_coordinator(request, target_id=year)
    plan_year = _plan_year_or_404(year)
    # Queued after the commit with ids only; without Redis it runs in process right away.
    pending = dict(request.session.get(RECOMPUTE_SESSION_KEY, {}))
    pending[str(year)] = timezone.now().isoformat()
    request.session[RECOMPUTE_SESSION_KEY] = pending
    transaction.on_commit(lambda: compute_indicators.delay(plan_year.pk, request.user.pk))
    return redirect("plan:year", year=year)


@login_required
@require_POST
def year_copy(request, year):
    require_coordinator(request, target_id=year)
    _plan_year_or_404(year)
    try:
        plan_year_copy(actor=request.user, origin=Origin.from_request(request), source_year=year, target_year=year + 1)
    except PlanError as exc:
        messages.error(request, str(exc))
        return redirect("plan:year", year=year)
    messages.success(request, _("The plan of %(source)s was copied into %(target)s.") % {"source": year, "target": year + 1})
    return redirect("plan:year", year=year + 1)


@login_required
@require_GET
def year_export(request, year):
    require_coordinator(request, target_id=year)
    plan_year = _plan_year_or_404(year)
    fmt = request.GET.get("format", "csv")
    language = request.GET.get("lang", translation.get_language()[:2])
    if fmt not in FORMATS:
        return _bad_request(request, _("Unknown export format: choose CSV or JSON."))
    if language not in EXPORT_LANGUAGES:
        return _bad_request(request, _("Unknown language: choose fr, nl or en."))
    content_type, body = indicators_export(plan_year=plan_year, fmt=fmt, language=language)
    audit_record(actor=request.user, action=Action.INDICATORS_EXPORT, origin=Origin.from_request(request),
                 target_type="plan_year", target_id=year, detail={"format": fmt, "language": language})
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="indicators-{year}-{language}.{fmt}"'
    return response


@login_required
@require_GET
def year_report_print(request, year):
    require_coordinator(request, target_id=year)
    plan_year = _plan_year_or_404(year)
    language = request.GET.get("lang") or (translation.get_language()[:2] if translation.get_language()[:2] in REPORT_LANGUAGES else "fr")
    if language not in REPORT_LANGUAGES:
        return _bad_request(request, _("The report exists in French (fr) and Dutch (nl)."))
    # The whole page, headings included, in the report's language: it is the document the
    # municipality files, whatever language the coordinator reads the app in.
    with translation.override(language):
        report = year_report(plan_year)
        response = render(request, "plan/report.html", {"plan_year": plan_year, **report, "contents": table_of_contents(report["tree"]),
                                                        "report_language": language, "report_languages": REPORT_LANGUAGES,
                                                        "settings_k": settings.INDICATOR_SUPPRESSION_K})
    return response


# --- activity records and attestations (coordinators, and team leads for their teams) ------------


@login_required
@require_GET
def entry_home(request):
    require_entry_rights(request, target_id="entry")
    years = list(selectors.plan_years())
    if not years:
        raise Http404
    current = next((y for y in years if y.year == timezone.localdate().year), years[0])
    return redirect("plan:entry_year", year=current.year)


@login_required
@require_GET
def entry_year(request, year):
    roles = require_entry_rights(request, target_id=year)
    plan_year = _plan_year_or_404(year)
    indicators = list(selectors.entry_indicators(plan_year, roles))
    records = selectors.activity_records_for(indicators)
    attestations = selectors.attestations_for(indicators)
    for indicator in indicators:
        indicator.records = records.get(indicator.pk, [])
        indicator.attestation_list = attestations.get(indicator.pk, [])
    return render(request, "plan/entry_year.html", {
        "plan_year": plan_year, "indicators": indicators, "years": selectors.plan_years(),
        "is_coordinator": roles.coordinator,
    })


def _entry_back(indicator):
    year = indicator.expected_result.operational_objective.strategic_objective.general_objective.sector.plan_year.year
    return reverse("plan:entry_year", kwargs={"year": year}) + f"#indicator-{indicator.pk}"


def _apply_service_errors(form, exc):
    """Put a service's ValidationError on the form's fields (or on the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
@require_http_methods(["GET", "POST"])
def record_add(request, indicator_id):
    indicator = get_indicator_for_entry(request, indicator_id, source=Indicator.Source.ACTIVITY)
    form = ActivityRecordForm(request.POST if request.method == "POST" else None, indicator=indicator)
    repeated = submissions.replay(request)
    if repeated:
        return repeated
    if request.method == "POST" and form.is_valid():
        try:
            with submissions.submit_once(request) as claim:
                activity_record_create(actor=request.user, origin=Origin.from_request(request), indicator=indicator, **form.cleaned_data)
                claim.done(_entry_back(indicator))
        except submissions.AlreadySubmitted:
            return submissions.replay(request) or redirect(_entry_back(indicator))
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, _("Activity recorded."))
            return redirect(_entry_back(indicator))
    return render(request, "plan/record_form.html", {"form": form, "indicator": indicator, "back": _entry_back(indicator),
                                                  "submission_token": submissions.submission_token(request)},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request, record_id):
    record = get_record_for_entry(request, record_id)
    indicator = Indicator.objects.with_tree().get(pk=record.indicator_id)
    initial = {"date": record.date, "quantity": record.quantity, "description": record.description}
    form = ActivityRecordForm(request.POST if request.method == "POST" else None, initial=initial, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            activity_record_update(actor=request.user, origin=Origin.from_request(request), record=record, **form.cleaned_data)
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, _("Activity record updated."))
            return redirect(_entry_back(indicator))
    return render(request, "plan/record_form.html", {"form": form, "indicator": indicator, "record": record,
                                                     "back": _entry_back(indicator)},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def record_delete(request, record_id):
    record = get_record_for_entry(request, record_id)
    indicator = Indicator.objects.with_tree().get(pk=record.indicator_id)
    if request.method == "POST":
        activity_record_delete(actor=request.user, origin=Origin.from_request(request), record=record)
        messages.success(request, _("Activity record deleted."))
        return redirect(_entry_back(indicator))
    return render(request, "plan/record_delete.html", {"record": record, "indicator": indicator, "back": _entry_back(indicator)})


@login_required
@require_http_methods(["GET", "POST"])
def attestation_add(request, indicator_id):
    indicator = get_indicator_for_entry(request, indicator_id, source=Indicator.Source.ATTESTATION)
    form = AttestationForm(request.POST if request.method == "POST" else None)
    repeated = submissions.replay(request)
    if repeated:
        return repeated
    if request.method == "POST" and form.is_valid():
        try:
            with submissions.submit_once(request) as claim:
                attestation_record(actor=request.user, origin=Origin.from_request(request), indicator=indicator, **form.cleaned_data)
                claim.done(_entry_back(indicator))
        except submissions.AlreadySubmitted:
            return submissions.replay(request) or redirect(_entry_back(indicator))
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, _("Attestation recorded."))
            return redirect(_entry_back(indicator))
    return render(request, "plan/attestation_form.html", {"form": form, "indicator": indicator, "back": _entry_back(indicator),
                                                  "submission_token": submissions.submission_token(request)},
                  status=400 if form.errors else 200)
