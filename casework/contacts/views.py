from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.actions import Action
from audit.services import Origin, audit_record
from casework import access
from casework.contacts import selectors, services
from casework.contacts.forms import ActivityForm, ContactForm
from casework.forms import CaseOpenForm, DuplicateConfirmForm, IdentityForm
from casework.services.cases import case_find_duplicates
from casework.teams import details_form_for


def _member_teams(request, target_type):
    teams = access.roles_of(request.user).casework_teams
    if not teams:
        access.refuse(request, target_type=target_type, target_id="list", reason="not in a team")
    return teams


@login_required
def contact_list(request):
    _member_teams(request, "anonymouscontact")
    page = selectors.contact_page(request.user, older=request.GET.get("older"), newer=request.GET.get("newer"))
    audit_record(actor=request.user, action=Action.CONTACT_LIST, origin=Origin.from_request(request),
                 target_type="anonymouscontact", detail={"rows": len(page.rows)})
    return render(request, "contacts/contact_list.html", {
        "contacts": page.rows, "page": page, "is_lead": bool(access.roles_of(request.user).lead_teams),
    })


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request):
    teams = _member_teams(request, "anonymouscontact")
    form = ContactForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_record(actor=request.user, origin=Origin.from_request(request), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Anonymous contact recorded."))
            return redirect("contacts:detail", contact_id=contact.pk)
    return render(request, "contacts/contact_form.html", {"form": form})


@login_required
def contact_detail(request, contact_id):
    contact = selectors.get_contact_for_user(request, contact_id)
    audit_record(actor=request.user, action=Action.CONTACT_VIEW, origin=Origin.from_request(request),
                 target_type="anonymouscontact", target_id=contact.pk, team=contact.team.code)
    return render(request, "contacts/contact_detail.html", {
        "contact": contact, "is_lead": access.is_lead_of(request.user, contact.team),
    })


@login_required
@require_POST
def contact_request_case(request, contact_id):
    contact = selectors.get_contact_for_user(request, contact_id)
    services.contact_request_case(actor=request.user, origin=Origin.from_request(request), contact=contact)
    messages.success(request, _("The team lead will open a file for this person."))
    return redirect("contacts:detail", contact_id=contact.pk)


@login_required
@require_http_methods(["GET", "POST"])
def contact_convert(request, contact_id):
    """Open a case for the person of a contact: the core's case forms and ``case_open``, for a
    lead of the contact's team only."""
    contact = selectors.get_contact_for_user(request, contact_id)
    access.require_lead(request, contact.team)
    if contact.case_id:
        messages.info(request, _("A case was already opened for this contact."))
        return redirect("contacts:detail", contact_id=contact.pk)
    team = contact.team
    lead_teams = access.roles_of(request.user).lead_teams
    data = request.POST if request.method == "POST" else None
    open_form = CaseOpenForm(data, lead_teams=[team.pk], prefix="case", initial={"team": team.pk})
    identity_form = IdentityForm(data, prefix="identity")
    details_form = details_form_for(team)(data, prefix="details")
    confirm_form = DuplicateConfirmForm(data, prefix="dup")
    duplicates = []
    if request.method == "POST" and all(f.is_valid() for f in (open_form, identity_form, details_form, confirm_form)):
        origin = Origin.from_request(request)
        identity = identity_form.field_values()
        duplicates = case_find_duplicates(actor=request.user, origin=origin, teams=[team],
                                          national_number=identity["national_number"],
                                          given_names=identity["given_names"], family_name=identity["family_name"])
        if not duplicates or confirm_form.cleaned_data["confirm_new_person"]:
            try:
                case = services.contact_convert(actor=request.user, origin=origin, contact=contact,
                                                opened_on=open_form.cleaned_data["opened_on"], identity=identity,
                                                details=details_form.field_values(), workers=open_form.cleaned_data["workers"])
            except (ValidationError, PermissionDenied) as exc:
                open_form.add_error(None, exc.messages if isinstance(exc, ValidationError) else _("You cannot open this case."))
            else:
                messages.success(request, _("Case %(reference)s opened.") % {"reference": case.reference})
                return redirect("cases:detail", case_id=case.pk)
    return render(request, "casework/case_create.html", {
        "open_form": open_form, "identity_form": identity_form, "details_form": details_form,
        "confirm_form": confirm_form, "duplicates": duplicates, "team": team, "teams": [t for t in [team] if t.pk in lead_teams],
    })


@login_required
def activity_list(request):
    teams = _member_teams(request, "collectiveactivity")
    roles = access.roles_of(request.user)
    page = selectors.activity_page(request.user, older=request.GET.get("older"), newer=request.GET.get("newer"))
    audit_record(actor=request.user, action=Action.ACTIVITY_LIST, origin=Origin.from_request(request),
                 target_type="collectiveactivity", detail={"rows": len(page.rows)})
    return render(request, "contacts/activity_list.html", {
        "activities": page.rows, "page": page, "lead_teams": roles.lead_teams,
        "to_confirm": selectors.activities_to_confirm(request.user) if roles.lead_teams else 0,
        "teams": teams,
    })


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request):
    teams = _member_teams(request, "collectiveactivity")
    form = ActivityForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_record(actor=request.user, origin=Origin.from_request(request), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if activity.confirmed:
                messages.success(request, _("Collective activity recorded."))
            else:
                messages.success(request, _("Collective activity recorded. It counts for the plan once your team lead confirms it."))
            return redirect("contacts:activities")
    return render(request, "contacts/activity_form.html", {"form": form})


@login_required
@require_POST
def activity_confirm(request, activity_id):
    activity = selectors.get_activity_for_lead(request, activity_id)
    services.activity_confirm(actor=request.user, origin=Origin.from_request(request), activity=activity)
    messages.success(request, _("Activity confirmed."))
    return redirect("contacts:activities")
