"""Attaching, downloading and deleting documents through the real URLs, as the personas do."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from casework.documents import demo
from casework.documents.models import Document


def _upload(client, case, name, content, **extra):
    return client.post(reverse("documents:upload", args=[case.pk]),
                       {"file": SimpleUploadedFile(name, content), **extra})


def _downloaded(response):
    return b"".join(response.streaming_content)


def test_worker_attaches_a_pdf_and_downloads_the_same_bytes(login, scav_case, storage_dir, canary_pdf):
    client = login("worker.scav")
    response = _upload(client, scav_case, "Jugement 2026.pdf", canary_pdf)
    assert response.status_code == 302
    document = Document.objects.get(case=scav_case, filename__isnull=False, uploaded_by__username="worker.scav",
                                    size=len(canary_pdf))
    assert document.filename == "Jugement 2026.pdf" and document.content_type == "application/pdf"
    page = client.get(reverse("cases:detail", args=[scav_case.pk]))
    assert "Jugement 2026.pdf" in page.content.decode()

    response = client.get(reverse("documents:download", args=[scav_case.pk, document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Jugement%202026.pdf" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert _downloaded(response) == canary_pdf


def test_upload_download_and_delete_are_audited(login, scav_case, storage_dir, canary_pdf, django_capture_on_commit_callbacks):
    client = login("worker.scav")
    _upload(client, scav_case, "plainte.pdf", canary_pdf)
    document = Document.objects.filter(case=scav_case).order_by("-uploaded_at").first()
    _downloaded(client.get(reverse("documents:download", args=[scav_case.pk, document.pk])))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("documents:delete", args=[scav_case.pk, document.pk]))
    actions = list(AuditEvent.objects.filter(target_id=str(scav_case.pk), detail__document=str(document.pk))
                   .values_list("action", flat=True))
    assert {"document_upload", "document_download", "document_delete"} <= set(actions)
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not any(storage_dir.iterdir())


def test_a_large_file_is_stored_and_served_in_several_chunks(login, scav_case, storage_dir):
    client = login("worker.scav")
    content = demo.png(width=400, height=300)
    content += bytes(range(256)) * 1200  # past one 64 KiB chunk
    _upload(client, scav_case, "photo.png", content)
    document = Document.objects.get(case=scav_case, size=len(content))
    assert _downloaded(client.get(reverse("documents:download", args=[scav_case.pk, document.pk]))) == content


def test_a_file_is_recognised_by_its_content_not_its_name(login, scav_case, storage_dir):
    client = login("worker.scav")
    before = Document.objects.count()
    response = _upload(client, scav_case, "decision.pdf", b"#!/bin/sh\necho this is a script\n")
    assert response.status_code == 400
    assert "cannot be attached" in response.content.decode() or "ne peut pas" in response.content.decode()
    assert Document.objects.count() == before
    assert not storage_dir.exists() or not any(storage_dir.iterdir())


def test_a_png_named_pdf_is_stored_as_the_image_it_is(login, scav_case, storage_dir):
    client = login("worker.scav")
    _upload(client, scav_case, "scan.pdf", demo.png())
    assert Document.objects.filter(case=scav_case).order_by("-uploaded_at").first().content_type == "image/png"


def test_a_file_over_the_size_limit_is_refused_with_a_clear_error(login, scav_case, storage_dir, settings):
    settings.CASEWORK_DOCUMENT_MAX_MB = 1
    client = login("worker.scav")
    before = Document.objects.count()
    response = _upload(client, scav_case, "huge.pdf", demo.pdf("x", ["y"]) + b"0" * (1024 * 1024 + 10))
    assert response.status_code == 400
    assert "1 MB" in response.content.decode() or "1 Mo" in response.content.decode()
    assert Document.objects.count() == before


def test_a_document_can_be_attached_to_a_session_and_shows_on_its_page(login, scav_case, storage_dir, canary_pdf):
    client = login("worker.scav")
    session = scav_case.sessions.first()
    response = _upload(client, scav_case, "attestation.pdf", canary_pdf, session=str(session.pk), **{"return": "session"})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:session_edit", args=[scav_case.pk, session.pk])
    assert Document.objects.get(session=session, size=len(canary_pdf)).case == scav_case
    page = client.get(response["Location"])
    assert "attestation.pdf" in page.content.decode()


def test_a_session_of_another_case_cannot_be_chosen(login, scav_case, storage_dir, canary_pdf):
    from casework.models import Session

    client = login("worker.scav")
    other = Session.objects.exclude(case=scav_case).first()
    response = _upload(client, scav_case, "a.pdf", canary_pdf, session=str(other.pk))
    assert response.status_code == 400
    assert not Document.objects.filter(session=other, size=len(canary_pdf)).exists()


def test_worker_of_another_team_gets_404_for_upload_download_and_delete(login, scav_case, storage_dir, canary_pdf):
    _upload(login("worker.scav"), scav_case, "plainte.pdf", canary_pdf)
    document = Document.objects.filter(case=scav_case).order_by("-uploaded_at").first()
    client = login("worker.scapi")
    refused_before = AuditEvent.objects.filter(action="access_refused").count()
    assert _upload(client, scav_case, "x.pdf", canary_pdf).status_code == 404
    assert client.get(reverse("documents:download", args=[scav_case.pk, document.pk])).status_code == 404
    assert client.post(reverse("documents:delete", args=[scav_case.pk, document.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="access_refused").count() == refused_before + 3
    assert Document.objects.filter(pk=document.pk).exists()


def test_a_document_id_under_another_visible_case_is_a_404(login, personas, storage_dir, canary_pdf):
    from tests.casework.conftest import open_case_assigned_to

    case_a = open_case_assigned_to("worker.scav")
    case_b = [c for c in personas["worker.scav"].assignments.select_related("case").all()
              if c.case.pk != case_a.pk and c.case.is_open][0].case
    client = login("worker.scav")
    _upload(client, case_a, "a.pdf", canary_pdf)
    document = Document.objects.filter(case=case_a).order_by("-uploaded_at").first()
    assert client.get(reverse("documents:download", args=[case_b.pk, document.pk])).status_code == 404


def test_auditor_and_coordinator_cannot_download(login, scav_case, storage_dir, canary_pdf):
    _upload(login("worker.scav"), scav_case, "plainte.pdf", canary_pdf)
    document = Document.objects.filter(case=scav_case).order_by("-uploaded_at").first()
    for persona in ("auditor", "coordinator", "admin"):
        assert login(persona).get(reverse("documents:download", args=[scav_case.pk, document.pk])).status_code == 404


def test_a_lead_of_the_team_may_download(login, scav_case, storage_dir, canary_pdf):
    _upload(login("worker.scav"), scav_case, "plainte.pdf", canary_pdf)
    document = Document.objects.filter(case=scav_case).order_by("-uploaded_at").first()
    response = login("lead.scav").get(reverse("documents:download", args=[scav_case.pk, document.pk]))
    assert _downloaded(response) == canary_pdf


def test_case_page_queries_do_not_grow_with_documents(login, scav_case, storage_dir, canary_pdf):
    client = login("worker.scav")
    _upload(client, scav_case, "1.pdf", canary_pdf)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("cases:detail", args=[scav_case.pk]))
    for n in range(5):
        _upload(client, scav_case, f"{n}.pdf", canary_pdf)
    with CaptureQueriesContext(connection) as six:
        client.get(reverse("cases:detail", args=[scav_case.pk]))
    assert len(one.captured_queries) > 0
    assert len(six.captured_queries) == len(one.captured_queries)


def test_an_upload_never_touches_the_disk_in_clear(login, scav_case, storage_dir, canary_pdf, tmp_path, settings):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    big = canary_pdf + b" " * (3 * 1024 * 1024)  # above Django's 2.5 MB in-memory default
    _upload(login("worker.scav"), scav_case, "big.pdf", big)
    assert Document.objects.filter(case=scav_case, size=len(big)).exists()
    assert not any((tmp_path / "uploads").iterdir())


def test_listing_documents_on_the_case_page_is_audited_as_its_own_event(login, scav_case, storage_dir, canary_pdf):
    client = login("worker.scav")
    _upload(client, scav_case, "liste.pdf", canary_pdf)
    before = AuditEvent.objects.filter(action="document_list", target_id=str(scav_case.pk)).count()
    client.get(reverse("cases:detail", args=[scav_case.pk]))
    assert AuditEvent.objects.filter(action="document_list", target_id=str(scav_case.pk)).count() == before + 1


def test_a_missing_or_damaged_file_is_a_message_not_a_server_error(login, scav_case, storage_dir, canary_pdf):
    client = login("worker.scav")
    _upload(client, scav_case, "abîmé.pdf", canary_pdf)
    document = Document.objects.filter(case=scav_case).order_by("-uploaded_at").first()
    blob = storage_dir / document.blob_name
    blob.write_bytes(blob.read_bytes()[:-5])
    response = client.get(reverse("documents:download", args=[scav_case.pk, document.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[scav_case.pk])
    blob.unlink()
    response = client.get(reverse("documents:download", args=[scav_case.pk, document.pk]), follow=True)
    assert response.status_code == 200
    assert "abîmé.pdf" in response.content.decode()  # the case page, with the message
