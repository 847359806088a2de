"""Reads of the partners app: consent checks, a case's panels, the lead's inbox, the answer to
a subject access request, and the orientation counts for the plan (aggregates only)."""

from collections import defaultdict

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from audit.models import AuditEvent
from casework import access
from casework.models import Role, Team
from casework.selectors import case_timeline, sessions_of
from casework.teams import details_of
from casework.partners.models import Consent, FileLink, PartnerReferral, TeamReferral

# Consents about the person themself (not about a recipient): copied to a linked case.
PERSONAL_SCOPES = (Consent.Scope.PROCESSING, Consent.Scope.CONTACT_PHONE, Consent.Scope.CONTACT_LETTER, Consent.Scope.CONTACT_HOME)


def has_consent(case, scope, *, team=None, partner=None) -> bool:
    consents = Consent.objects.in_force().filter(case=case, scope=scope)
    if team is not None:
        consents = consents.filter(team=team)
    if partner is not None:
        consents = consents.filter(partner=partner)
    return consents.exists()


def scopes_in_force(case) -> set:
    return set(Consent.objects.in_force().filter(case=case).values_list("scope", flat=True))


def consents_of(case):
    return Consent.objects.filter(case=case).select_related("team", "partner").order_by("withdrawn_on", "-given_on", "scope")


def partner_referrals_of(case):
    return PartnerReferral.objects.filter(case=case).select_related("partner").order_by("-referred_on")


def team_referrals_of(case):
    return TeamReferral.objects.filter(case=case).select_related("to_team", "new_case").order_by("-requested_on")


def links_of(case):
    return (FileLink.objects.filter(Q(new_case=case) | Q(existing_case=case))
            .select_related("new_case__team", "existing_case__team").order_by("-found_at"))


def leads_by_team(team_ids) -> dict:
    """Whom to contact in each team: its leads' names (no case data)."""
    leads = defaultdict(list)
    roles = Role.objects.filter(kind=Role.Kind.LEAD, team_id__in=set(team_ids)).select_related("user").order_by("user__last_name")
    for role in roles:
        leads[role.team_id].append(role.user.get_full_name() or role.user.username)
    return leads


def inbox_for(user):
    """A lead's pending referrals from other teams and files found in other teams."""
    lead_teams = access.roles_of(user).lead_teams
    referrals = (TeamReferral.objects.filter(to_team__in=lead_teams, status=TeamReferral.Status.PENDING)
                 .select_related("from_team", "to_team", "requested_by", "case").order_by("requested_on"))
    links = (FileLink.objects.filter(status=FileLink.Status.FOUND)
             .filter(Q(new_case__team__in=lead_teams, new_lead_accepted_by__isnull=True)
                     | Q(existing_case__team__in=lead_teams, existing_lead_accepted_by__isnull=True))
             .select_related("new_case__team", "existing_case__team").order_by("-found_at"))
    return list(referrals), list(links)


def subject_access_cases(user, case):
    """The files about the person of ``case`` among those ``user`` may open: same national
    number (blind index) or, without one, the same full name."""
    visible = access.visible_cases(user)
    if case.national_number_index:
        same = visible.filter(national_number_index=case.national_number_index)
    else:
        same = visible.filter(name_index=case.name_index)
    return list(same.select_related("team").order_by("opened_on", "reference"))


def _name(user):
    if user is None:
        return _("system")
    return user.get_full_name() or user.username


def _date(value):
    return value.strftime("%d/%m/%Y") if value else ""


def _yes_no(value):
    return _("yes") if value else _("no")


HISTORY_WHAT = {
    ("case", "+"): "case opened", ("case", "~"): "case changed",
    ("details", "+"): "team details recorded", ("details", "~"): "team details changed",
    ("session", "+"): "session recorded", ("session", "~"): "session changed", ("session", "-"): "session deleted",
}


def _history_rows(case):
    rows = []
    for entry in case_timeline(case):
        if entry["object"] == "assignment":
            name = _name(entry["worker"])
            what = (_("%(name)s assigned") if entry["type"] == "+" else _("%(name)s unassigned")) % {"name": name}
        else:
            what = _(HISTORY_WHAT.get((entry["object"], entry["type"]), "case changed"))
        rows.append({_("When"): timezone.localtime(entry["when"]).strftime("%d/%m/%Y %H:%M"), _("Who"): _name(entry["who"]),
                     _("What"): what, _("Fields"): ", ".join(str(f) for f in entry["fields"])})
    return rows


def _access_rows(references):
    events = AuditEvent.objects.filter(target_ref__in=references).select_related("actor").order_by("seq")
    return [{_("When"): timezone.localtime(e.at).strftime("%d/%m/%Y %H:%M"),
             _("Who"): _name(e.actor) if e.actor_id else (e.actor_username or _("system")),
             _("Reference"): e.target_ref, _("What"): str(e.action_label)} for e in events]


def _details_fields(case):
    details = details_of(case)
    if details is None:
        return {}
    fields = {}
    for field in details._meta.concrete_fields:
        if field.name == "case":
            continue
        value = getattr(details, field.name)
        if field.choices:
            value = getattr(details, f"get_{field.name}_display")()
        elif isinstance(value, bool):
            value = _yes_no(value)
        elif hasattr(value, "isoformat"):
            value = _date(value)
        fields[str(field.verbose_name).capitalize()] = str(value or "")
    return fields


def subject_access_answer(user, cases, language):
    """Everything held about the person in ``cases``, in ``language``, with labels not codes.

    Returns a list of files, each a title and its sections; a section is either fields
    (label → value) or rows (a list of label → value), so the JSON and the letter say the same."""
    with override(language):
        files = []
        for case in cases:
            sections = []
            sections.append({"title": _("Identity"), "fields": {
                _("Given names"): case.given_names, _("Family name"): case.family_name,
                _("Date of birth"): _date(case.date_of_birth), _("National register number"): case.national_number,
                _("Phone"): case.phone, _("Address"): case.address, _("Notes"): case.notes,
            }})
            file_fields = {
                _("Team"): case.team.name, _("Status"): str(case.get_status_display()),
                _("Opened on"): _date(case.opened_on), _("Closed on"): _date(case.closed_on),
                _("Closure reason"): str(case.get_closure_reason_display()) if case.closure_reason else "",
                _("Legal hold"): _yes_no(case.legal_hold),
            }
            file_fields.update(_details_fields(case))
            sections.append({"title": _("The file"), "fields": file_fields})
            sections.append({"title": _("Sessions"), "rows": [
                {_("Date"): _date(s.held_on), _("Kind"): s.kind.name, _("Duration (minutes)"): s.duration_minutes,
                 _("Worker"): _name(s.worker), _("Notes"): s.notes} for s in sessions_of(case)]})
            sections.append({"title": _("Consents"), "rows": [
                {_("Agreed to"): str(c.get_scope_display()), _("Recipient"): str(c.recipient or ""),
                 _("Given on"): _date(c.given_on), _("How"): str(c.get_manner_display()), _("Note"): c.note,
                 _("Withdrawn on"): _date(c.withdrawn_on), _("Note on the withdrawal"): c.withdrawal_note}
                for c in consents_of(case)]})
            sections.append({"title": _("Referrals to partners"), "rows": [
                {_("Date"): _date(r.referred_on), _("Partner"): r.partner.name, _("Reason"): str(r.get_reason_display()),
                 _("Follow-up"): r.follow_up, _("Outcome"): str(r.get_outcome_display()), _("Legal ground"): r.legal_ground}
                for r in partner_referrals_of(case)]})
            sections.append({"title": _("Referrals to other teams"), "rows": [
                {_("Date"): _date(r.requested_on), _("Kind"): str(r.get_kind_display()), _("To team"): r.to_team.name,
                 _("Reason"): str(r.get_reason_display()), _("Status"): str(r.get_status_display())}
                for r in team_referrals_of(case)]})
            sections.append({"title": _("Change history"), "rows": _history_rows(case)})
            sections.append({"title": _("Who accessed the file, and when"), "rows": _access_rows([case.reference])})
            files.append({"title": f"{case.reference} · {case.team.name}", "sections": sections})
        return files


def subject_access_json(user, cases, language):
    with override(language):
        return {
            _("Subject access request (GDPR art. 15)"): {
                _("Produced on"): timezone.localdate().strftime("%d/%m/%Y"),
                _("Produced by"): _name(user),
            },
            _("Files"): [
                {_("File"): f["title"], **{s["title"]: s.get("fields", s.get("rows")) for s in f["sections"]}}
                for f in subject_access_answer(user, cases, language)
            ],
        }


def orientation_counts(team_code, first_day, last_day):
    """Referrals to partners per month of the year by ``team_code``'s cases (an aggregate)."""
    referrals = PartnerReferral.objects.filter(case__team__code=team_code, referred_on__gte=first_day, referred_on__lte=last_day)
    counts = {month: 0 for month in range(1, 13)}
    for row in referrals.annotate(month=ExtractMonth("referred_on")).values("month").annotate(n=Count("pk")).order_by():
        counts[row["month"]] = row["n"]
    counts[None] = sum(counts.values())
    return counts


def teams():
    return Team.objects.order_by("code")
