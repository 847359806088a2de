"""Partner directory, consent, referrals and transfers, linked files, legal hold, subject access."""
import dataclasses
from collections.abc import Callable

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


@dataclasses.dataclass(frozen=True)
class OrientationCounter:
    """Shaped like casework.plan.counters.Counter (this app may not import the plan)."""

    label: str
    count: Callable
    about_people: bool = True


class PartnersConfig(AppConfig):
    name = "casework.partners"
    label = "partners"
    verbose_name = _("Partners and referrals")
    default_auto_field = "django.db.models.BigAutoField"

    def seed_demo(self, *, stdout, users):
        from casework.partners.demo import seed_partners_demo

        seed_partners_demo(stdout=stdout, users=users)

    def workspaces(self, user, roles):
        from django.urls import reverse

        from casework.workspaces import Workspace

        spaces = []
        if roles.lead_teams:
            spaces.append(Workspace("between_teams", _("Between teams"), reverse("partners:inbox"), order=15))
        if roles.lead_teams or roles.coordinator:
            spaces.append(Workspace("partners", _("Partners"), reverse("partners:directory"), order=60))
        return spaces

    def case_panels(self, request, case, *, emergency):
        from django.template.loader import render_to_string

        from casework import access
        from casework.partners import selectors

        is_lead = access.is_lead_of(request.user, case.team)
        links = list(selectors.links_of(case))
        contacts = selectors.leads_by_team({link.other_case(case).team_id for link in links})
        link_rows = []
        for link in links:
            other = link.other_case(case)
            accepted = getattr(link, f"{link.side_of(case)}_lead_accepted_by_id")
            link_rows.append({"link": link, "other": other, "contacts": contacts.get(other.team_id, []),
                              "can_accept": is_lead and not accepted and link.status == "found"})
        context = {
            "case": case, "emergency": emergency, "is_lead": is_lead,
            "can_change": access.has_case_permission(request.user, case, access.CHANGE),
            "consents": list(selectors.consents_of(case)), "referrals": list(selectors.partner_referrals_of(case)),
            "team_referrals": list(selectors.team_referrals_of(case)), "links": link_rows,
        }
        panels = [render_to_string("partners/_case_panel.html", context, request=request)]
        if is_lead and not emergency:
            # Apart from the daily buttons: answering a subject access request, a legal hold and
            # erasure are a lead's occasional, weighty acts.
            panels.append(render_to_string("partners/_data_protection_panel.html", context, request=request))
        return panels

    def indicator_counters(self):
        from casework.partners.selectors import orientation_counts

        def counter(team_code):
            return lambda first_day, last_day: orientation_counts(team_code, first_day, last_day)

        return {
            f"partners.orientations.{code}": OrientationCounter(_("Referrals to partners (orientations): %(team)s") % {"team": code}, counter(code))
            for code in ("SCAPI", "MEDLOC-SCAV", "RAD")
        }

    def case_opened(self, *, case, actor, origin):
        from casework.partners.services import file_links_on_open

        file_links_on_open(case=case, actor=actor, origin=origin)

    def case_purging(self, *, case):
        from casework.partners.services import case_rows_delete

        case_rows_delete(case=case)
