"""Reads of documents. Callers have already authorised the case (casework.access)."""

from casework.documents.models import Document


def documents_of_case(case):
    return Document.objects.for_case(case).select_related("uploaded_by", "session").order_by("-uploaded_at")


def documents_of_session(session):
    return Document.objects.filter(session=session).select_related("uploaded_by").order_by("-uploaded_at")


def document_of_case(case, document_id):
    return Document.objects.select_related("case__team").filter(case=case, pk=document_id).first()


def case_document_listing(case):
    """What a subject-access answer lists for ``case``: one entry per document, decrypted
    file name included (the caller audits the export)."""
    return [
        {"id": str(doc.pk), "filename": doc.filename, "content_type": doc.content_type, "size": doc.size,
         "uploaded_at": doc.uploaded_at.isoformat(), "session": str(doc.session_id or "")}
        for doc in documents_of_case(case)
    ]
