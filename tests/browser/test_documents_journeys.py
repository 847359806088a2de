"""Documents in a real browser: a worker attaches a PDF to a case from a 390 px phone, sees it
listed, downloads it (the same bytes arrive), and a laptop-width page passes axe too."""

import os
import tempfile
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from casework.documents import demo
from casework.documents.models import Document
from tests.browser.axe import AXE_SOURCE
from tests.browser.helpers import at_width, browser_login, console_errors, fits_width, path_of, screenshot, submit

pytestmark = pytest.mark.browser


def assert_panel_passes_axe(browser):
    """Every axe rule on the documents panel. (The whole case page's own findings, in the
    messages list and the sessions table, are the core templates' and are checked there.)"""
    browser.execute_script(AXE_SOURCE.read_text(encoding="utf-8"))
    violations = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run('#documents', {resultTypes: ['violations']}).then(r => done(r.violations), e => done([{id: 'axe-error', help: String(e), nodes: []}]));"
    )
    assert not violations, [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in violations]


def _wait_for_file(path, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_size:
            return path.read_bytes()
        time.sleep(0.1)
    raise AssertionError(f"{path.name} was not downloaded")


def test_worker_attaches_a_document_and_downloads_it(browser, live_server, demo_world, tmp_path):
    from casework.models import Case

    case = Case.objects.open().filter(assignments__worker__username="worker.scav").order_by("reference").first()
    content = demo.pdf("Attestation de dépôt de plainte", ["Zone de police Bruxelles-Ouest", "Copie pour le dossier"])
    upload = Path(tempfile.mkdtemp()) / "Attestation plainte.pdf"
    upload.write_bytes(content)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})

    browser_login(browser, live_server, "worker.scav")
    at_width(browser, 390)
    browser.get(f"{live_server.url}/cases/{case.pk}/")
    panel = browser.find_element(By.ID, "documents")
    panel.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(upload))
    submit(browser, panel.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert path_of(browser) == f"/cases/{case.pk}/"
    panel = browser.find_element(By.ID, "documents")
    assert "Attestation plainte.pdf" in panel.text
    assert fits_width(browser, panel)
    assert_panel_passes_axe(browser)
    screenshot(browser, "worker-documents-390-fr")

    document = Document.objects.get(case=case, size=len(content))
    link = panel.find_element(By.LINK_TEXT, "Attestation plainte.pdf")
    assert link.get_attribute("href").endswith(f"/documents/{case.pk}/{document.pk}/download/")
    link.click()
    assert _wait_for_file(downloads / "Attestation plainte.pdf") == content

    at_width(browser, 1280)
    browser.get(f"{live_server.url}/cases/{case.pk}/")
    assert_panel_passes_axe(browser)
    screenshot(browser, "worker-documents-laptop-fr")
    errors = console_errors(browser)
    assert not errors, "\n".join(errors)
    os.remove(upload)
