"""The coordinator's year page body: built once per state of the figures and kept in the cache,
and built ahead, in every language, as soon as a computation has finished, so that even the
first coordinator to open the page after the nightly run does not wait for 31 charts."""

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from casework.plan import selectors
from casework.plan.report import filter_tree, table_of_contents, year_report

BODY_SECONDS = 24 * 3600


def _body_key(plan_year, run, status):
    # The key names everything the body is built from (the last computation, the last
    # release, the last attestation, the plan's version, the language, k and the filter), so a
    # cached body is the body the builder would produce now.
    return ":".join(str(part) for part in (
        "plan-year-body", plan_year.year, translation.get_language(), settings.INDICATOR_SUPPRESSION_K, status or "-",
        run.pk if run else 0, run.finished_at.isoformat() if run else "", *selectors.figures_fingerprint(plan_year)))


def year_body(plan_year, run, status=""):
    """The year page's figures (status filters, contents, every indicator with its chart) in
    the active language: {"html", "released_label"}. The body depends on no request (no form,
    no user), so the one built ahead by ``year_body_prefill`` is the one a request would build."""
    key = _body_key(plan_year, run, status)
    cached = cache.get(key)
    if cached is not None:
        return cached
    report = year_report(plan_year)
    contents = table_of_contents(report["tree"])
    if status:
        report["tree"] = filter_tree(report["tree"], status)
    html = render_to_string("plan/_year_body.html", {
        **report, "contents": contents, "status_filter": status, "settings_k": settings.INDICATOR_SUPPRESSION_K,
        "monthly_values_label": _("Monthly values"),
    })
    body = {"html": mark_safe(html), "released_label": report["released_label"]}
    cache.set(key, body, BODY_SECONDS)
    return body


def year_body_prefill(plan_year) -> int:
    """Build the unfiltered body of the year in every language (after a computation); return
    how many were built."""
    run = selectors.last_run(plan_year)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            year_body(plan_year, run)
    return len(settings.LANGUAGES)
