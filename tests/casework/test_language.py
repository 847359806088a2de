"""Belgian usage in the interface: dd/mm/yyyy dates in every language, the Dutch names of the
victim team's session kinds, "Attribuer" as the one French verb for assigning, distinct Dutch
words for the buttons that used to all read "Wijzigen", and no English left on the pages a
worker and a lead use in French and Dutch."""

import html
import re
from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import translation

from casework.models import SessionKind

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _language_restored():
    """A request in Dutch leaves Dutch active in this thread; the next test must not inherit it."""
    language = translation.get_language()
    yield
    translation.activate(language)


def _text(response):
    page = response.content.decode()
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return " ".join(html.unescape(page).split())


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_dates_read_day_month_year_in_every_language(login, scav_case, lang):
    client = login("worker.scav")
    client.cookies["django_language"] = lang
    page = client.get(reverse("cases:detail", kwargs={"case_id": scav_case.pk}), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert scav_case.opened_on.strftime("%d/%m/%Y") in page


def test_dutch_session_kinds_use_belgian_words(db):
    names = dict(SessionKind.objects.filter(team__code="MEDLOC-SCAV").values_list("code", "name_nl"))
    assert names["weekly_dropin"] == "Wekelijkse permanentie"
    assert names["justice_accompaniment"] == "Begeleiding bij gerechtelijke stappen"


def _catalogue(lang):
    return polib.pofile(str(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"))


def test_french_assigns_with_one_verb():
    texts = " ".join(entry.msgstr for entry in _catalogue("fr") if "assign" in entry.msgid.lower())
    assert "désign" not in texts.lower() and "affect" not in texts.lower()
    assert "Attribuer" in texts


def test_dutch_buttons_that_did_different_things_have_different_words():
    nl = {entry.msgid: entry.msgstr for entry in _catalogue("nl")}
    words = [nl["Change"], nl["Edit"], nl["Edit the person and details"]]
    assert len(set(words)) == 3
    social = [entry.msgstr for entry in _catalogue("nl") if "worker" in entry.msgid.lower() and entry.msgstr]
    assert all("hulpverlener" not in text.lower() for text in social)


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_no_english_on_the_list_and_case_pages(login, scav_case, lang):
    english = [entry.msgid for entry in _catalogue(lang)
               if entry.msgid and not entry.msgid_plural and "%" not in entry.msgid and len(entry.msgid.split()) >= 2
               and entry.msgstr and entry.msgstr != entry.msgid]
    client_pages = []
    for username, urls in (("lead.scav", [reverse("cases:team_register"), reverse("cases:caseloads"),
                                          reverse("cases:assignments", kwargs={"case_id": scav_case.pk})]),
                           ("worker.scav", [reverse("cases:my_cases"), reverse("cases:detail", kwargs={"case_id": scav_case.pk}),
                                            reverse("cases:session_create", kwargs={"case_id": scav_case.pk}),
                                            reverse("cases:close", kwargs={"case_id": scav_case.pk})])):
        client = login(username)
        client.cookies["django_language"] = lang
        client_pages += [(url, _text(client.get(url, HTTP_ACCEPT_LANGUAGE=lang))) for url in urls]
    for url, text in client_pages:
        left = [msgid for msgid in english if msgid in text]
        assert not left, (lang, url, left)
