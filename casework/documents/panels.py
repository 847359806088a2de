from django.template.loader import render_to_string

from audit.actions import Action
from audit.services import Origin
from casework.documents import selectors
from casework.services.cases import case_event_record


def render_panel(request, case, template, *, session=None, emergency=False, can_change=False, form=None):
    documents = list(selectors.documents_of_session(session) if session else selectors.documents_of_case(case))
    if documents:
        # The panel shows the files' names: a read of case data, audited as its own event.
        case_event_record(actor=request.user, origin=Origin.from_request(request), action=Action.DOCUMENT_LIST,
                          case=case, part="documents", shown=len(documents))
    return render_to_string(template, {
        "case": case, "session": session, "documents": documents, "emergency": emergency,
        "can_change": can_change, "form": form,
    }, request=request)
