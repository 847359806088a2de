"""A worker's and a lead's day: home pages, appointments, follow-ups due, who saw my file, handover."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "casework.agenda"
    label = "agenda"
    verbose_name = _("Agenda")
    default_auto_field = "django.db.models.BigAutoField"

    def workspaces(self, user, roles):
        """"Today" comes first for workers and leads: it is where they land after logging in."""
        if not roles.casework_teams:
            return []
        from django.urls import reverse

        from casework.workspaces import Workspace

        return [Workspace("today", _("Today"), reverse("agenda:home"), order=5)]

    def case_panels(self, request, case, *, emergency):
        """The case's planned appointments and "who saw this file" (assigned workers and lead only)."""
        if emergency:
            return []
        from django.template.loader import render_to_string

        from casework import access
        from casework.agenda import selectors
        from casework.agenda.models import Appointment

        if not access.has_case_permission(request.user, case, access.CHANGE):
            return []
        planned = list(case.appointments.filter(status=Appointment.Status.PLANNED).select_related("kind", "worker")[:5])
        readings = [selectors.describe_reading(e) for e in selectors.file_readers(case)[:8]]
        return [render_to_string("agenda/_case_panel.html", {"case": case, "planned": planned, "readings": readings},
                                 request=request)]

    def case_actions(self, request, case, *, emergency):
        if emergency:
            return []
        from django.urls import reverse

        from casework import access
        from casework.extensions import CaseAction

        actions = []
        if case.is_open and access.has_case_permission(request.user, case, access.CHANGE):
            actions.append(CaseAction(_("Plan an appointment"), reverse("agenda:plan", kwargs={"case_id": case.pk})))
        if access.is_lead_of(request.user, case.team) and case.is_open:
            actions.append(CaseAction(_("Reassign"), reverse("agenda:reassign", kwargs={"case_id": case.pk})))
        return actions

    def seed_demo(self, *, stdout, users):
        from casework.agenda.demo import seed_agenda_demo

        seed_agenda_demo(stdout, users)
