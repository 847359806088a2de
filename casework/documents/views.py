"""Document views: upload, download, delete. The case is always fetched and authorised by
``casework.access.get_case_for_user`` first; a document is then looked up *within* that case,
so a document id from another case is a 404 (audited) like a case the user may not see."""

import itertools
import logging
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.actions import Action
from audit.services import Origin
from casework import access, selectors as case_selectors
from casework.documents import selectors, services
from casework.documents.blobs import BlobError
from casework.documents.forms import UploadForm
from casework.services.cases import case_event_record

logger = logging.getLogger(__name__)


def _document_or_404(request, case, document_id):
    document = selectors.document_of_case(case, document_id)
    if document is None:
        access.refuse(request, target_type="document", target_id=document_id, reason="not in case",
                      target_ref=case.reference, team=case.team.code)
    return document


def _back(case, session):
    if session is not None:
        return redirect("cases:session_edit", case_id=case.pk, session_id=session.pk)
    return redirect("cases:detail", case_id=case.pk)


@login_required
@require_POST
def document_upload(request, case_id):
    case = access.get_case_for_user(request, case_id, perm=access.CHANGE)
    if not case.is_open:
        messages.error(request, _("Documents cannot be added to a closed case."))
        return redirect("cases:detail", case_id=case.pk)
    form = UploadForm(request.POST, request.FILES, sessions=list(case_selectors.sessions_of(case)),
                      too_large=getattr(request, "upload_too_large", False))
    if form.is_valid():
        session = form.cleaned_data["session"]
        try:
            services.document_upload(actor=request.user, origin=Origin.from_request(request), case=case,
                                     session=session, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("Document attached."))
            return _back(case, session if request.POST.get("return") == "session" else None)
    return render(request, "documents/upload_error.html", {"case": case, "form": form}, status=400)


@login_required
@require_GET
def document_download(request, case_id, document_id):
    case = access.get_case_for_user(request, case_id, perm=access.VIEW)
    document = _document_or_404(request, case, document_id)
    try:
        chunks = services.document_open(actor=request.user, origin=Origin.from_request(request), document=document)
        # The first chunk is read here, so a missing or damaged file is a message, not a 500
        # half-way through a response.
        first = next(chunks)
    except (OSError, BlobError):
        logger.error("document %s: its file is missing or does not authenticate", document.pk)
        messages.error(request, _("This document cannot be read: its file is missing or damaged. Tell the administrator."))
        return redirect("cases:detail", case_id=case.pk)
    response = StreamingHttpResponse(itertools.chain([first], chunks), content_type=document.content_type)
    response["Content-Length"] = str(document.size)
    name = document.filename
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def document_delete(request, case_id, document_id):
    case = access.get_case_for_user(request, case_id, perm=access.CHANGE)
    document = _document_or_404(request, case, document_id)
    if request.method == "POST":
        services.document_delete(actor=request.user, origin=Origin.from_request(request), document=document)
        messages.success(request, _("Document deleted."))
        return redirect("cases:detail", case_id=case.pk)
    # The page names the file: a read of case data.
    case_event_record(actor=request.user, origin=Origin.from_request(request), action=Action.DOCUMENT_LIST, case=case,
                      part="document_delete", document=str(document.pk))
    return render(request, "documents/confirm_delete.html", {"case": case, "document": document})
