"""The coordinator's workspace through its real URLs: who reaches it, what it reads, what it shows."""

import csv
import html
import io
import json
import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent
from casework.models import Case
from casework.plan.models import ComputationRun, Indicator, PlanYear

pytestmark = pytest.mark.django_db

YEAR = 2025
CASE_TABLE = re.compile(r"casework_(case|session|historicalcase|historicalsession)(?![a-z_])")
COORDINATOR_PAGES = [
    "/indicators/",
    f"/indicators/{YEAR}/",
    f"/indicators/{YEAR}/report/?lang=fr",
    f"/indicators/{YEAR}/report/?lang=nl",
    f"/indicators/{YEAR}/export/?format=csv&lang=fr",
    f"/indicators/{YEAR}/export/?format=json&lang=nl",
]
ENTRY_PAGES = ["/indicators/entry/", f"/indicators/entry/{YEAR}/"]
NOT_COORDINATORS = ["worker.scapi", "worker2.scav", "lead.scapi", "lead.rad", "auditor", "admin"]


def test_the_coordinator_sees_every_sector_and_objective_of_the_year(login):
    page = html.unescape(login("coordinator").get(f"/indicators/{YEAR}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode())
    for indicator in Indicator.objects.for_year(YEAR):
        assert indicator.name_nl in page
    assert "Bijdrage aan de werking van de politiezones" in page
    assert "Vraagstuk behandeld op het niveau van de politiezone" in page
    assert page.count("Geen operationele doelstellingen of indicatoren in het plan voor deze doelstelling.") == 6
    assert "GDP/Vredesbewaarders" in page and "GDP/CELL INCIVILITES" in page and "MEDLOC-SCAV-HOTEL SOCIAL" in page
    assert "≥ 3 uur per dag" in page
    assert '<svg class="trend"' in page and 'class="progress"' in page


@pytest.mark.parametrize("language, met, behind", [("fr", "atteint", "en retard"), ("nl", "behaald", "achterstand"), ("en", "met", "behind")])
def test_statuses_are_in_the_users_language(login, language, met, behind):
    html = login("coordinator").get(f"/indicators/{YEAR}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'class="badge met">{met}<' in html
    assert f'class="badge behind">{behind}<' in html


def test_the_page_says_when_the_figures_were_last_computed(login):
    run = ComputationRun.objects.filter(plan_year__year=YEAR, failed=False).order_by("-finished_at").first()
    html = login("coordinator").get(f"/indicators/{YEAR}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "last computed on" in html
    assert str(run.as_of.year) in html


def test_yes_no_indicators_show_their_attestation(login, personas):
    from audit.services import SYSTEM
    from casework.plan.services import attestation_record

    indicator = Indicator.objects.for_year(YEAR).get(name_en="A listening space is effectively set up")
    attestation_record(actor=personas["coordinator"], origin=SYSTEM, indicator=indicator,
                       date=timezone.datetime(YEAR, 12, 20).date(), answer=True, evidence="Convention signed with the prison, ref. A-12")
    html = login("coordinator").get(f"/indicators/{YEAR}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    start = html.index(f'id="indicator-{indicator.pk}"')
    block = html[start:html.index("</article>", start)]
    assert "Yes" in block and "Convention signed with the prison, ref. A-12" in block and 'badge met' in block


@pytest.mark.parametrize("url", COORDINATOR_PAGES + ENTRY_PAGES)
def test_coordinator_pages_never_query_case_or_session_tables(login, url):
    client = login("coordinator")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, follow=True)
    assert response.status_code == 200
    offending = [q["sql"] for q in queries.captured_queries if CASE_TABLE.search(q["sql"])]
    assert offending == []


def test_the_recompute_button_queues_the_computation_without_reading_cases_itself(login, django_capture_on_commit_callbacks):
    client = login("coordinator")
    before = ComputationRun.objects.filter(plan_year__year=YEAR).count()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(f"/indicators/{YEAR}/recompute/")
    assert response.status_code == 302 and response["Location"] == f"/indicators/{YEAR}/"
    assert not [q for q in queries.captured_queries if CASE_TABLE.search(q["sql"])]
    assert len(callbacks) == 1
    callbacks[0]()  # the task, run in process as without Redis
    run = ComputationRun.objects.filter(plan_year__year=YEAR).order_by("-started_at").first()
    assert ComputationRun.objects.filter(plan_year__year=YEAR).count() == before + 1
    assert run.trigger == ComputationRun.Trigger.REQUEST and run.requested_by.username == "coordinator"
    assert AuditEvent.objects.filter(action=Action.INDICATORS_COMPUTE, actor__username="coordinator", target_id=str(YEAR)).exists()


def test_recompute_accepts_only_post(login):
    assert login("coordinator").get(f"/indicators/{YEAR}/recompute/").status_code == 405


@pytest.mark.parametrize("username", NOT_COORDINATORS)
def test_non_coordinators_get_404_on_the_coordinator_pages_and_the_refusal_is_audited(login, username):
    client = login(username)
    for url in COORDINATOR_PAGES:
        before = AuditEvent.objects.filter(action=Action.ACCESS_REFUSED).count()
        assert client.get(url).status_code == 404, url
        assert AuditEvent.objects.filter(action=Action.ACCESS_REFUSED).count() == before + 1
    for url in [f"/indicators/{YEAR}/recompute/", f"/indicators/{YEAR}/copy/"]:
        assert client.post(url).status_code == 404
    assert not PlanYear.objects.filter(year=YEAR + 1, runs__requested_by__username=username).exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(f"/indicators/{YEAR}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def _case_urls():
    """Every URL of casework.case_urls (it grows as the case views are built), with its path
    parameters filled with UUIDs that match no row (derived from the route, so every
    pytest-xdist worker collects the same test ids) or dummy values."""
    resolver = get_resolver("casework.case_urls")

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                for name, converter in pattern.pattern.converters.items():
                    kind = type(converter).__name__
                    value = str(uuid.uuid5(uuid.NAMESPACE_URL, route + name)) if kind == "UUIDConverter" else ("7" if kind == "IntConverter" else "x")
                    route = re.sub(r"<(?:\w+:)?%s>" % name, value, route)
                yield "/cases/" + route.lstrip("^").rstrip("$")

    return sorted(set(walk(resolver.url_patterns, "")))


def test_the_case_url_list_is_not_empty():
    assert "/cases/" in _case_urls()


@pytest.mark.parametrize("url", _case_urls())
def test_a_coordinator_gets_404_on_every_case_url(login, url):
    client = login("coordinator")
    get, post = client.get(url).status_code, client.post(url).status_code
    assert get in (404, 405) and post in (404, 405) and 404 in (get, post), (url, get, post)


def test_a_coordinator_gets_404_on_existing_case_ids(login):
    client = login("coordinator")
    case = Case.objects.first()
    for url in [u for u in _case_urls() if u != "/cases/"]:
        concrete = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", str(case.pk), url)
        assert client.get(concrete).status_code in (404, 405), concrete


def mentions(word, text):
    return re.search(rf"(?<![\w.-]){re.escape(word)}(?![\w.-])", text) is not None


def test_coordinator_pages_show_no_person_or_worker_identity(login):
    client = login("coordinator")
    pages = [client.get(url, follow=True, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
             for url in COORDINATOR_PAGES + ENTRY_PAGES for lang in ("fr", "nl")]
    text = "\n".join(pages)
    cases = list(Case.objects.all())
    assert cases
    for case in cases:
        assert f"{case.given_names} {case.family_name}" not in text
        assert not mentions(case.family_name, text)
        assert case.reference not in text
        assert str(case.pk) not in text
    for user in get_user_model().objects.exclude(username="coordinator"):
        assert not mentions(user.get_username(), text)
        assert f"{user.first_name} {user.last_name}" not in text


def test_the_exports_contain_no_identifier(login):
    client = login("coordinator")
    body = client.get(f"/indicators/{YEAR}/export/?format=csv&lang=fr").content.decode()
    body += client.get(f"/indicators/{YEAR}/export/?format=json&lang=fr").content.decode()
    for case in Case.objects.all():
        assert case.reference not in body and str(case.pk) not in body and not mentions(case.family_name, body)
    for user in get_user_model().objects.all():
        assert not mentions(user.get_username(), body) and not mentions(user.last_name, body)


def test_the_csv_export_has_one_row_per_indicator_and_is_audited(login):
    client = login("coordinator")
    response = client.get(f"/indicators/{YEAR}/export/?format=csv&lang=nl")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f'filename="indicators-{YEAR}-nl.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == Indicator.objects.for_year(YEAR).count()
    row = next(r for r in rows if r["indicator"] == "Aantal uitgevoerde begeleidingen")
    assert row["target"] == "≥ 15 per jaar" and row["source"] == "casework" and row["unit"] == "SCAPI"
    # A figure about people: exact, or a range when the exact total would reveal a suppressed month.
    assert (row["value"].isdigit() or row["value_low"].isdigit()) and row["status"] in ("met", "behind")
    event = AuditEvent.objects.filter(action=Action.INDICATORS_EXPORT).order_by("-seq").first()
    assert event.actor.username == "coordinator" and event.detail == {"format": "csv", "language": "nl"}


def test_the_json_export_carries_the_plan_and_its_figures(login):
    data = json.loads(login("coordinator").get(f"/indicators/{YEAR}/export/?format=json&lang=fr").content)
    assert data["year"] == YEAR and data["language"] == "fr"
    assert len(data["indicators"]) == Indicator.objects.for_year(YEAR).count()
    hours = next(i for i in data["indicators"] if i["unit"] == "GDP/Vredesbewaarders" and i["target"].startswith("≥ 3 heures"))
    assert hours["target_for_year"] == 3 * 365 and len(hours["months"]) == 12


@pytest.mark.parametrize("query, message", [
    ("format=xml", "Format d'export inconnu"),
    ("format=csv&lang=de", "Langue inconnue"),
])
def test_bad_export_parameters_get_a_clear_400(login, query, message):
    response = login("coordinator").get(f"/indicators/{YEAR}/export/?{query}", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400 and message in html.unescape(response.content.decode())


def test_an_unknown_year_is_a_404(login):
    client = login("coordinator")
    for url in ["/indicators/1999/", "/indicators/1999/report/", "/indicators/1999/export/?format=csv"]:
        assert client.get(url).status_code == 404
    assert client.post("/indicators/1999/recompute/").status_code == 404
    assert client.get("/indicators/99999999999999999999/").status_code == 404


def test_the_printable_report_is_in_french_or_dutch_whatever_the_users_language(login):
    client = login("coordinator")
    french = html.unescape(client.get(f"/indicators/{YEAR}/report/?lang=fr", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    dutch = html.unescape(client.get(f"/indicators/{YEAR}/report/?lang=nl", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "Nombre d'accompagnements réalisés" in french and "Secteur d'activité 2" in french
    assert "Aantal uitgevoerde begeleidingen" in dutch and "Activiteitssector 2" in dutch
    response = client.get(f"/indicators/{YEAR}/report/?lang=en")
    assert response.status_code == 400


def test_copying_a_year_with_the_button_creates_the_next_plan_and_is_audited(login):
    client = login("coordinator")
    last = PlanYear.objects.order_by("-year").first().year
    response = client.post(f"/indicators/{last}/copy/")
    assert response.status_code == 302 and response["Location"] == f"/indicators/{last + 1}/"
    assert Indicator.objects.for_year(last + 1).count() == Indicator.objects.for_year(last).count()
    assert AuditEvent.objects.filter(action=Action.PLAN_CHANGE, target_id=str(last + 1), actor__username="coordinator").exists()
    again = client.post(f"/indicators/{last}/copy/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "already exists" in again.content.decode()


def test_the_home_page_lists_the_plan_years(login):
    html = login("coordinator").get("/indicators/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for year in PlanYear.objects.values_list("year", flat=True):
        assert f'href="/indicators/{year}/"' in html
    assert reverse("plan:home") == "/indicators/"
