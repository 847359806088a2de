"""The markup of the forms, as assistive technology meets it: checkbox groups are fieldsets
with a legend, every aria-describedby names an element of the page, a refused form starts with
an error summary linking each field, the browser's own validation bubbles are off (the server's
translated messages speak), and a new session starts from the team's usual kind and duration."""

import re
from collections import Counter

import pytest
from django.urls import reverse

from casework.models import Session, Team


def _ids(page):
    return set(re.findall(r'\sid="([^"]+)"', page))


def _pages(login, scav_case):
    lead = login("lead.scav")
    scav = Team.objects.get(code="MEDLOC-SCAV")
    yield lead.get(reverse("cases:create") + f"?team={scav.pk}")
    yield lead.get(reverse("cases:assignments", kwargs={"case_id": scav_case.pk}))
    worker = login("worker.scav")
    yield worker.get(reverse("cases:edit", kwargs={"case_id": scav_case.pk}))
    yield worker.get(reverse("cases:session_create", kwargs={"case_id": scav_case.pk}))
    yield worker.get(reverse("cases:close", kwargs={"case_id": scav_case.pk}))
    yield worker.get(reverse("cases:find"))
    yield worker.post(reverse("cases:session_create", kwargs={"case_id": scav_case.pk}), {"duration_minutes": "0"})
    yield worker.post(reverse("cases:edit", kwargs={"case_id": scav_case.pk}), {"version": scav_case.version, "identity-given_names": ""})


def test_every_aria_describedby_points_at_an_element_of_the_page(login, scav_case):
    for response in _pages(login, scav_case):
        page = response.content.decode()
        ids = _ids(page)
        for described in re.findall(r'aria-describedby="([^"]+)"', page):
            for target in described.split():
                assert target in ids, (response.request["PATH_INFO"], target)


def test_every_post_form_leaves_validation_to_the_server(login, scav_case):
    for response in _pages(login, scav_case):
        main = response.content.decode().split('<main id="main">', 1)[1]  # the header's language and log-out buttons validate nothing
        for form in re.findall(r"<form[^>]*>", main):
            if 'method="post"' in form:
                assert "novalidate" in form, (response.request["PATH_INFO"], form)


def test_the_assign_to_checkboxes_are_a_fieldset_with_a_legend(login):
    scav = Team.objects.get(code="MEDLOC-SCAV")
    page = login("lead.scav").get(reverse("cases:create") + f"?team={scav.pk}").content.decode()
    group = re.search(r'<fieldset class="form-row choices"[^>]*>(.*?)</fieldset>', page, re.S)
    assert group and "<legend>" in group.group(1) and 'name="case-workers"' in group.group(1)
    assert not re.search(r"<label[^>]*>(?:(?!</label>).)*<label", page, re.S), "a label inside a label"


def test_a_refused_form_starts_with_a_summary_linking_each_field(login, scav_case):
    response = login("worker.scav").post(reverse("cases:session_create", kwargs={"case_id": scav_case.pk}),
                                         {"duration_minutes": "0", "held_on": "not a date"})
    page = response.content.decode()
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', page, re.S).group(1)
    links = re.findall(r'href="#([^"]+)"', summary)
    assert {"id_kind", "id_held_on", "id_duration_minutes"} <= set(links)
    assert set(links) <= _ids(page)
    assert 'aria-invalid="true"' in page


def test_a_new_session_starts_from_the_teams_usual_kind_and_duration(login, scav_case):
    response = login("worker.scav").get(reverse("cases:session_create", kwargs={"case_id": scav_case.pk}))
    # The most frequent kind among the team's latest 200 sessions (active kinds), and the most
    # frequent duration among that kind's latest 200 sessions.
    sessions = Session.objects.filter(kind__team=scav_case.team, kind__active=True)
    recent = sorted(sessions.values_list("held_on", "kind"), key=lambda row: (-row[0].toordinal(), row[1]))[:200]
    kinds = Counter(kind for _, kind in recent)
    top_kind = max(kinds.items(), key=lambda item: (item[1], -item[0]))[0]
    latest = Session.objects.filter(kind_id=top_kind).order_by("-held_on", "-pk").values_list("duration_minutes", flat=True)[:200]
    top_minutes = max(Counter(latest).items(), key=lambda item: (item[1], -item[0]))[0]
    form = response.context["form"]
    assert form["kind"].value() == top_kind and form["duration_minutes"].value() == top_minutes
    assert response.context["suggestion"]["minutes"] == top_minutes
