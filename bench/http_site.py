"""What ``bench.http`` serves: the real application, plus a "plain" twin of each measured page.

A plain view runs the same query as the page and renders its rows with a small template, but
without the permission check, decryption or audit write: the floor the real page is compared
with (issue 14: every page within 1.5× of its plain twin). Never installed: gunicorn loads it
through ``DJANGO_SETTINGS_MODULE=bench.http_site`` in the benchmark's own process tree only.
"""

from casework.settings import *  # noqa: F403  (the real settings, one line changed)

ROOT_URLCONF = "bench.http_site"


def _plain_views():
    from django.db.models import Exists, OuterRef
    from django.http import HttpResponse
    from django.shortcuts import get_object_or_404
    from django.template import Context, Engine

    from audit.models import AuditEvent
    from casework.models import Case, CaseUserObjectPermission, Session
    from casework.notifications.models import Notification
    from casework.plan.models import IndicatorValue, PlanYear

    engine = Engine()
    rows = engine.from_string("<!DOCTYPE html><html><body><h1>{{ title }}</h1><table>{% for row in rows %}"
                              "<tr><td>{{ row.0 }}</td><td>{{ row.1 }}</td><td>{{ row.2 }}</td></tr>{% endfor %}"
                              "</table></body></html>")

    def page(title, values):
        return HttpResponse(rows.render(Context({"title": title, "rows": list(values)})))

    def my_cases(request):
        mine = Exists(CaseUserObjectPermission.objects.filter(user=request.user, content_object=OuterRef("pk")))
        return page("my cases", Case.objects.filter(mine).order_by("-opened_on", "-reference")
                    .values_list("reference", "opened_on", "status")[:50])

    def team_register(request):
        cases = Case.objects.filter(team__code="SCAPI")
        if request.GET.get("kind"):
            cases = cases.filter(Exists(Session.objects.filter(case=OuterRef("pk"), kind_id=request.GET["kind"])))
        ordered = cases.order_by("-opened_on", "-reference")
        if request.GET.get("last"):
            ordered = cases.order_by("opened_on", "reference")
        return page("register", ordered.values_list("reference", "opened_on", "status")[:50])

    def case_detail(request, case_id):
        case = get_object_or_404(Case, pk=case_id)
        sessions = Session.objects.filter(case=case).order_by("-held_on").values_list("held_on", "duration_minutes", "kind_id")
        return page(case.reference, sessions)

    def session_form(request, case_id):
        case = get_object_or_404(Case, pk=case_id)
        return page(case.reference, [(case.reference, case.opened_on, case.status)])

    def notifications(request):
        return page("notifications", Notification.objects.filter(recipient=request.user).order_by("-pk")
                    .values_list("created_at", "kind", "reference")[:30])

    def audit_log(request):
        return page("audit", AuditEvent.objects.order_by("-seq").values_list("seq", "action", "target_ref")[:50])

    def plan_year(request, year):
        plan = get_object_or_404(PlanYear, year=year)
        values = IndicatorValue.objects.filter(indicator__expected_result__operational_objective__strategic_objective__general_objective__sector__plan_year=plan)
        return page(str(plan.year), values.values_list("indicator_id", "month", "value"))

    return my_cases, team_register, case_detail, session_form, notifications, audit_log, plan_year


def _urlpatterns():
    from django.urls import include, path

    my_cases, team_register, case_detail, session_form, notifications, audit_log, plan_year = _plain_views()
    return [
        path("plain/cases/", my_cases),
        path("plain/cases/team/", team_register),
        path("plain/cases/<uuid:case_id>/", case_detail),
        path("plain/cases/<uuid:case_id>/sessions/new/", session_form),
        path("plain/notifications/", notifications),
        path("plain/audit/", audit_log),
        path("plain/indicators/<int:year>/", plan_year),
        path("", include("casework.urls")),
    ]


class _LazyPatterns:
    """Built on first use: this module is the settings module too, imported before apps load."""

    def __iter__(self):
        return iter(self._patterns())

    def __len__(self):
        return len(self._patterns())

    def __getitem__(self, index):
        return self._patterns()[index]

    def _patterns(self):
        if not hasattr(self, "_cache"):
            self._cache = _urlpatterns()
        return self._cache


urlpatterns = _LazyPatterns()
