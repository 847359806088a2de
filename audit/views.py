"""The auditor's workspace: the log with its filters, a case's and a user's trail, the CSV
export, the chain's status and the anomaly review queue.

Auditors only: anyone else gets the 404 of a page that does not exist, and the attempt is
logged (casework.access.refuse). Every page an auditor opens is itself an AUDIT_VIEW event and
every export an AUDIT_EXPORT event: who watched the watchers is in the same chain. Nothing
here reads a case table, so no page can show a personal value.
"""

import functools

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit import selectors
from audit.exports import csv_lines
from audit.forms import REFERENCE, AnomalyReviewForm, EventFilterForm, cursor
from audit.models import Anomaly
from audit.services import Origin, anomaly_review, audit_export_record, audit_view_record
from casework.access import refuse, roles_of
from casework.keyset import newest_first


def auditor_required(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not roles_of(request.user).auditor:
            refuse(request, target_type="audit", target_id=request.resolver_match.view_name, reason="not auditor")
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _query(request, *drop):
    """The current query string without the paging cursors (and ``drop``), for links."""
    query = request.GET.copy()
    for name in ("before", "after", *drop):
        query.pop(name, None)
    return query.urlencode()


def _page(request, queryset):
    """Newest first by keyset on seq: ``before`` a seq (older), ``after`` one (newer)."""
    return newest_first(queryset, ("seq",), older=request.GET.get("before"), newer=request.GET.get("after"),
                        size=selectors.PAGE_SIZE)


def _render(request, template, context):
    context.setdefault("open_anomalies", selectors.anomalies_unreviewed_count())
    return render(request, template, context)


@auditor_required
@require_GET
def events(request):
    form = EventFilterForm(request.GET)  # always bound: an empty query means "no filter"
    context = {"form": form, "query": _query(request), "status": selectors.chain_status()}
    if form.is_valid():
        filters = form.filters()
        context["page"] = _page(request, selectors.events_filtered(filters))
        audit_view_record(actor=request.user, origin=Origin.from_request(request), page="events", filters=filters.as_detail())
    return _render(request, "audit/events.html", context)


@auditor_required
@require_POST
def verify(request):
    """"Verify now": the nightly verification, run on demand (queued on commit; in process when
    there is no broker, so the result is on the page that follows)."""
    from audit.tasks import verify_chain

    before = selectors.chain_status().last_verification
    verify_chain.delay(actor_id=request.user.pk)
    after = selectors.chain_status()
    if after.last_verification is not None and (before is None or after.last_verification.seq != before.seq):
        if after.verification_ok:
            messages.success(request, _("Verification done: the audit log is intact."))
        else:
            messages.error(request, _("Verification done: the audit log does not verify. See the first event named below."))
    else:
        messages.info(request, _("Verification started: its result appears here when it is done."))
    return redirect("audit:events")


@auditor_required
@require_GET
def export(request):
    form = EventFilterForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(f"{reverse('audit:events')}?{_query(request)}")
    filters = form.filters()
    up_to = audit_export_record(actor=request.user, origin=Origin.from_request(request), filters=filters.as_detail())
    rows = selectors.events_for_export(filters, up_to_seq=up_to)
    response = StreamingHttpResponse(csv_lines(rows, language=get_language()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{timezone.localtime():%Y%m%d-%H%M%S}.csv"'
    return response


@auditor_required
@require_GET
def case(request, reference):
    if not REFERENCE.match(reference):
        raise Http404
    form = EventFilterForm(request.GET, fixed=("reference",))
    context = {"form": form, "reference": reference, "query": _query(request)}
    if form.is_valid():
        filters = form.filters(reference=reference)
        context["page"] = _page(request, selectors.events_filtered(filters))
        context["users"] = selectors.users_of_case(reference, filters)
        audit_view_record(actor=request.user, origin=Origin.from_request(request), page="case", filters=filters.as_detail())
    return _render(request, "audit/case.html", context)


@auditor_required
@require_GET
def user(request, user_id):
    account = get_object_or_404(get_user_model().objects.only("id", "username"), pk=user_id)
    form = EventFilterForm(request.GET, fixed=("username",))
    context = {"form": form, "account": account, "query": _query(request)}
    if form.is_valid():
        filters = form.filters(actor_id=account.pk)
        context["page"] = _page(request, selectors.events_filtered(filters))
        context["cases"] = selectors.cases_of_user(account.pk, filters)
        context["default_period"] = not (filters.date_from or filters.date_to)
        context["default_days"] = selectors.USER_SUMMARY_DEFAULT_DAYS
        audit_view_record(actor=request.user, origin=Origin.from_request(request), page="user", target_type="user",
                          target_id=account.pk, filters=filters.as_detail())
    return _render(request, "audit/user.html", context)


@auditor_required
@require_GET
def anomalies(request):
    reviewed = request.GET.get("status") == "reviewed"
    rows, older = selectors.anomalies_queue(reviewed=reviewed, before=cursor(request.GET.get("before")))
    audit_view_record(actor=request.user, origin=Origin.from_request(request), page="anomalies",
                      filters={"status": "reviewed" if reviewed else "open"})
    return _render(request, "audit/anomalies.html", {
        "anomalies": rows, "older": older, "reviewed": reviewed, "query": _query(request),
        "first_page": cursor(request.GET.get("before")) is None,
    })


@auditor_required
@require_http_methods(["GET", "POST"])
def anomaly(request, pk):
    item = get_object_or_404(Anomaly, pk=pk)
    form = AnomalyReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            anomaly_review(actor=request.user, origin=Origin.from_request(request), anomaly=item,
                           comment=form.cleaned_data["comment"], outcome=form.cleaned_data["outcome"])
        except ValidationError as exc:
            form.add_error(None, exc)  # a field's error lands on the field, others above the form
        else:
            messages.success(request, _("Marked reviewed."))
            return redirect("audit:anomalies")
    audit_view_record(actor=request.user, origin=Origin.from_request(request), page="anomaly",
                      target_type="anomaly", target_id=item.pk)
    return _render(request, "audit/anomaly.html", {
        "anomaly": item, "form": form, "evidence": selectors.events_by_seq(item.event_seqs),
    })
