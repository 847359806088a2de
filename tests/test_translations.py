"""The translation catalogues are complete, keep their placeholders, and are compiled.

Every ``django.po`` of the repository is checked (the project's ``locale/`` and each app's own
``<app>/locale/``), so a string added without its French and Dutch translation, a translation
that drops or renames a placeholder, or a ``.po`` edited without running ``compilemessages``
(``make messages``) fails here rather than showing English or a crash to a social worker.
"""

import os
import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.html import escape

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", "venv", "var", ".git", "node_modules", "build", "dist", "__pycache__", ".pytest_cache"}

# Languages whose catalogues must be fully translated: English falls back to the msgid.
TRANSLATED = ("fr", "nl")
PLURAL_FORMS = {
    "fr": "nplurals=2; plural=(n > 1);",
    "nl": "nplurals=2; plural=(n != 1);",
    "en": "nplurals=2; plural=(n != 1);",
}


def _catalogues():
    """Every ``<somewhere>/locale/<lang>/LC_MESSAGES/django.po`` below the repository root."""
    found = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        path = Path(dirpath)
        if "django.po" in filenames and path.name == "LC_MESSAGES" and path.parent.parent.name == "locale":
            found.append(path / "django.po")
    return sorted(found)


CATALOGUES = _catalogues()


def _lang(po_path):
    return po_path.parent.parent.name


def _id(po_path):
    return str(po_path.relative_to(ROOT))


def _params(languages=None):
    return [
        pytest.param(path, id=_id(path))
        for path in CATALOGUES
        if languages is None or _lang(path) in languages
    ]


def _live(po):
    return [entry for entry in po if not entry.obsolete and entry.msgid]


# printf style (``%(name)s``, ``%s``, ``%d``, ``%%``) and brace style (``{name}``, ``{0}``, ``{}``).
PRINTF = re.compile(r"%%|%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa]")
BRACE = re.compile(r"\{\{|\}\}|\{(?P<field>[A-Za-z_0-9]*(?:\.[A-Za-z_]\w*|\[[^\]]*\])*)(?:![rsa])?(?::[^{}]*)?\}")


def _printf(text):
    """Named placeholders as a multiset (order may change), positional ones in order."""
    named, positional = Counter(), []
    for match in PRINTF.finditer(text):
        token = match.group(0)
        if token == "%%":
            continue
        if match.group("name") is not None:
            named[token] += 1
        else:
            positional.append(token)
    return named, positional


def _braces(text):
    return Counter(m.group(0) for m in BRACE.finditer(text) if m.group(0) not in ("{{", "}}"))


def _checks_printf(entry):
    if "no-python-format" in entry.flags:
        return False
    return "python-format" in entry.flags or bool(re.search(r"%\(\w+\)[sdif]", entry.msgid))


def _checks_braces(entry):
    if "no-python-brace-format" in entry.flags:
        return False
    return "python-brace-format" in entry.flags or bool(_braces(entry.msgid))


def _pairs(entry):
    """(source, translation) pairs to compare: singular with msgstr, plural with every other form."""
    if entry.msgid_plural:
        return [
            (entry.msgid if index == 0 else entry.msgid_plural, text)
            for index, text in sorted(entry.msgstr_plural.items())
        ]
    return [(entry.msgid, entry.msgstr)]


def _is_translated(entry):
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def test_catalogues_are_found():
    assert any(_id(p) == os.path.join("locale", "fr", "LC_MESSAGES", "django.po") for p in CATALOGUES), (
        "the project catalogue locale/fr/LC_MESSAGES/django.po is missing: run `make messages`"
    )


# The root catalogue leaves these apps out (Makefile, ``messages``): each keeps its own, so a
# missing one would leave their pages in English with nothing else failing.
OWN_CATALOGUES = ("audit", "casework/plan")


@pytest.mark.parametrize("app", OWN_CATALOGUES)
def test_apps_outside_the_root_catalogue_have_their_own(app):
    missing = [
        f"{app}/locale/{lang}/LC_MESSAGES/django.po"
        for lang in TRANSLATED
        if not (ROOT / app / "locale" / lang / "LC_MESSAGES" / "django.po").exists()
    ]
    assert not missing, f"{app} is excluded from locale/ but has no catalogue of its own: {missing}"


def test_every_locale_directory_has_french_and_dutch():
    missing = []
    for locale_dir in sorted({p.parent.parent.parent for p in CATALOGUES}):
        for lang in TRANSLATED:
            if not (locale_dir / lang / "LC_MESSAGES" / "django.po").exists():
                missing.append(str((locale_dir / lang).relative_to(ROOT)))
    assert not missing, f"catalogues missing: {missing}"


@pytest.mark.parametrize("po_path", _params())
def test_header(po_path):
    lang = _lang(po_path)
    po = polib.pofile(str(po_path))
    assert po.metadata.get("Language") == lang, f"{_id(po_path)}: Language header is {po.metadata.get('Language')!r}"
    if lang in PLURAL_FORMS:
        assert po.metadata.get("Plural-Forms", "").strip() == PLURAL_FORMS[lang], (
            f"{_id(po_path)}: Plural-Forms is {po.metadata.get('Plural-Forms')!r}, expected {PLURAL_FORMS[lang]!r}"
        )
    assert "charset=UTF-8" in po.metadata.get("Content-Type", ""), f"{_id(po_path)}: not UTF-8"


@pytest.mark.parametrize("po_path", _params(TRANSLATED))
def test_everything_is_translated(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in _live(po) if not _is_translated(e)]
    fuzzy = [e.msgid for e in _live(po) if "fuzzy" in e.flags]
    problems = []
    if untranslated:
        problems.append(f"{len(untranslated)} untranslated: {untranslated[:15]}")
    if fuzzy:
        problems.append(f"{len(fuzzy)} fuzzy: {fuzzy[:15]}")
    assert not problems, f"{_id(po_path)}: " + "; ".join(problems)


@pytest.mark.parametrize("po_path", _params())
def test_placeholders_are_kept(po_path):
    po = polib.pofile(str(po_path))
    wrong = []
    for entry in _live(po):
        if not _is_translated(entry):
            continue  # reported by test_everything_is_translated
        for source, text in _pairs(entry):
            if _checks_printf(entry) and _printf(source) != _printf(text):
                wrong.append((source, text))
            elif _checks_braces(entry) and _braces(source) != _braces(text):
                wrong.append((source, text))
    assert not wrong, f"{_id(po_path)}: placeholders differ in {len(wrong)} entries: " + "; ".join(
        f"{s!r} -> {t!r}" for s, t in wrong[:10]
    )


def _table(entries):
    """(msgctxt, msgid) -> msgstr, or the tuple of plural forms, for translated entries."""
    table = {}
    for entry in entries:
        if not entry.msgid or entry.obsolete or "fuzzy" in entry.flags or not _is_translated(entry):
            continue
        if entry.msgid_plural:
            value = (entry.msgid_plural,) + tuple(text for _, text in sorted(entry.msgstr_plural.items()))
        else:
            value = entry.msgstr
        table[(entry.msgctxt, entry.msgid)] = value
    return table


@pytest.mark.parametrize("po_path", _params())
def test_compiled_catalogue_matches(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{_id(mo_path)} is missing: run compilemessages (`make messages`)"
    po_table = _table(polib.pofile(str(po_path)))
    mo_table = _table(polib.mofile(str(mo_path)))
    stale = sorted(k[1] for k in po_table if po_table[k] != mo_table.get(k))
    extra = sorted(k[1] for k in mo_table if k not in po_table)
    assert not stale and not extra, (
        f"{_id(mo_path)} is out of date with its .po (run compilemessages): "
        f"{len(stale)} missing or different {stale[:10]}, {len(extra)} no longer in the .po {extra[:10]}"
    )


def _catalogue_string(lang, msgid):
    po = polib.pofile(str(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"))
    entry = po.find(msgid)
    assert entry is not None and not entry.obsolete, f"{msgid!r} is not in locale/{lang}"
    return entry.msgstr or msgid


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_login_page_speaks_the_chosen_language(client, lang):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert response.headers.get("Content-Language") == lang
    heading = _catalogue_string(lang, "Log in")
    if lang in TRANSLATED:
        assert heading != "Log in", f"'Log in' is not translated in locale/{lang}"
    assert f"<h1>{escape(heading)}</h1>" in html, f"heading {heading!r} not found in the {lang} login page"
    password = _catalogue_string(lang, "Password")
    assert escape(password) in html
