"""Reads of anonymous contacts and collective activities, filtered by who may see them."""

from casework.access import refuse, roles_of
from casework.contacts.models import AnonymousContact, CollectiveActivity

LIST_LIMIT = 100


def visible_contacts(user):
    """A lead sees the contacts of the teams they lead; a worker the contacts they recorded."""
    roles = roles_of(user)
    if not roles.casework_teams:
        return AnonymousContact.objects.none()
    own = AnonymousContact.objects.filter(team__in=roles.worker_teams, recorded_by=user)
    return (own | AnonymousContact.objects.filter(team__in=roles.lead_teams)).select_related("team", "recorded_by", "case")


def get_contact_for_user(request, contact_id) -> AnonymousContact:
    """Fetch-and-authorise: a contact the user may not see is a 404, audited."""
    contact = visible_contacts(request.user).filter(pk=contact_id).first()
    if contact is None:
        refuse(request, target_type="anonymouscontact", target_id=contact_id, reason="not visible")
    return contact


def visible_activities(user):
    """Collective activities are the team's work, not about people: every member of the team
    sees them."""
    roles = roles_of(user)
    return (CollectiveActivity.objects.filter(team__in=roles.casework_teams)
            .select_related("team", "recorded_by", "confirmed_by").prefetch_related("workers"))


def get_activity_for_lead(request, activity_id) -> CollectiveActivity:
    activity = CollectiveActivity.objects.select_related("team").filter(
        pk=activity_id, team__in=roles_of(request.user).lead_teams).first()
    if activity is None:
        refuse(request, target_type="collectiveactivity", target_id=activity_id, reason="not a lead of the team")
    return activity
