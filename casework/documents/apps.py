"""Documents attached to cases and sessions, encrypted at rest outside the database."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# (team code, file name, kind, title, lines): realistic papers a service keeps on a file.
DEMO_DOCUMENTS = [
    ("MEDLOC-SCAV", "Dépôt de plainte - PV.pdf", "pdf", "Proces-verbal d'audition",
     ["Zone de police Bruxelles-Ouest", "Plainte pour violences intrafamiliales", "Copie remise a la victime"]),
    ("MEDLOC-SCAV", "Photo constat blessure.png", "png", "", []),
    ("SCAPI", "Vonnis correctionele rechtbank.pdf", "pdf", "Vonnis - correctionele rechtbank Brussel",
     ["Uitspraak in openbare terechtzitting", "Voorwaarden: begeleiding door SCAPI"]),
    ("SCAPI", "Conditions de libération conditionnelle.pdf", "pdf", "Tribunal de l'application des peines",
     ["Conditions particulieres", "Suivi psychosocial regulier", "Interdiction de contact"]),
    ("RAD", "Verslag adviesgesprek school.pdf", "pdf", "Verslag adviesgesprek",
     ["Vraag van de school", "Afspraken voor opvolging"]),
]


class DocumentsConfig(AppConfig):
    name = "casework.documents"
    label = "documents"
    verbose_name = _("Documents")
    default_auto_field = "django.db.models.BigAutoField"

    # --- hooks (casework/extensions.py) ---

    def case_panels(self, request, case, *, emergency):
        from casework import access
        from casework.documents.forms import UploadForm
        from casework.documents.panels import render_panel
        from casework.selectors import recent_sessions

        can_change = not emergency and access.has_case_permission(request.user, case, access.CHANGE)
        form = UploadForm(sessions=recent_sessions(case)) if can_change and case.is_open else None
        return [render_panel(request, case, "documents/case_panel.html", emergency=emergency, can_change=can_change, form=form)]

    def session_panels(self, request, case, session):
        from casework import access
        from casework.documents.forms import UploadForm
        from casework.documents.panels import render_panel

        can_change = access.has_case_permission(request.user, case, access.CHANGE)
        return [render_panel(request, case, "documents/session_panel.html", session=session, can_change=can_change,
                             form=UploadForm() if can_change and case.is_open else None)]

    def case_purging(self, *, case):
        from casework.documents.services import case_documents_purge

        removed = case_documents_purge(case=case)
        return {"documents": removed} if removed else {}

    def case_subject_access(self, case):
        from casework.documents.selectors import case_document_listing

        return {"documents": case_document_listing(case)}

    def seed_demo(self, *, stdout, users):
        from casework.documents.models import Document

        if Document.objects.exists():
            return
        from django.core.files.uploadedfile import SimpleUploadedFile

        from audit.services import SYSTEM
        from casework.documents import demo
        from casework.documents.services import document_upload
        from casework.models import Case

        made = 0
        for index, (team, filename, kind, title, lines) in enumerate(DEMO_DOCUMENTS):
            case = (Case.objects.open().filter(team__code=team, assignments__isnull=False)
                    .order_by("reference").distinct()[index % 2: index % 2 + 1].first())
            if case is None:
                continue
            assignment = case.assignments.select_related("worker").first()
            content = demo.pdf(title, lines) if kind == "pdf" else demo.png(seed=index * 40)
            session = case.sessions.order_by("-held_on").first() if index % 2 else None
            document_upload(actor=assignment.worker, origin=SYSTEM, case=case, session=session,
                            upload=SimpleUploadedFile(filename, content))
            made += 1
        stdout.write(f"Documents: {made} demo documents attached.")
