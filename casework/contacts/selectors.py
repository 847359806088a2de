"""Reads of anonymous contacts and collective activities, filtered by who may see them."""

from casework.access import refuse, roles_of
from casework.contacts.models import AnonymousContact, CollectiveActivity
from casework.keyset import newest_first

PAGE_SIZE = 50
# The lists' order, newest first; unique together, and served by the indexes of
# migration 0002 (by team, and by who recorded the contact).
NEWEST_FIRST = ("date", "created_at", "id")


def visible_contacts(user):
    """A lead sees the contacts of the teams they lead; a worker the contacts they recorded.

    Written as one condition per case, so that a lead's list and a worker's are each one
    ordered index scan; only someone who leads a team and works in another gets both."""
    roles = roles_of(user)
    worker_only_teams = set(roles.worker_teams) - set(roles.lead_teams)
    own = AnonymousContact.objects.filter(team__in=worker_only_teams, recorded_by=user)
    led = AnonymousContact.objects.filter(team__in=roles.lead_teams)
    if not worker_only_teams and not roles.lead_teams:
        visible = AnonymousContact.objects.none()
    elif not roles.lead_teams:
        visible = own
    elif not worker_only_teams:
        visible = led
    else:
        visible = own | led
    return visible.select_related("team", "recorded_by", "case")


def contact_page(user, *, older=None, newer=None):
    return newest_first(visible_contacts(user), NEWEST_FIRST, older=older, newer=newer, size=PAGE_SIZE)


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


def activity_page(user, *, older=None, newer=None):
    return newest_first(visible_activities(user), NEWEST_FIRST, older=older, newer=newer, size=PAGE_SIZE)


def activities_to_confirm(user) -> int:
    """How many activities of the teams the user leads wait for the lead's confirmation."""
    return CollectiveActivity.objects.filter(team__in=roles_of(user).lead_teams, confirmed_at__isnull=True).count()


def get_activity_for_lead(request, activity_id) -> CollectiveActivity:
    activity = CollectiveActivity.objects.select_related("team").filter(
        pk=activity_id, team__in=roles_of(request.user).lead_teams).first()
    if activity is None:
        refuse(request, target_type="collectiveactivity", target_id=activity_id, reason="not a lead of the team")
    return activity
