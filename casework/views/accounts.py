"""Pages about one's own account and about roles: changing one's password, and the role
requests a second person approves (docs/decisions/0005-role-approval.md)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import Origin
from casework.access import refuse, roles_of
from casework.models import Role
from casework.selectors import role_requests_awaiting
from casework.services import accounts
from casework.services.roles import role_approve, role_refuse


class OwnPasswordChangeForm(PasswordChangeForm):
    def save(self, commit=True):
        raise NotImplementedError  # the view saves through casework.services.accounts


@login_required
def password_change(request):
    """Every user changes their own password here; a password set by someone else must be
    changed here before anything else (PasswordChangeRequiredMiddleware)."""
    required = accounts.must_change_password(request.user)
    form = OwnPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        accounts.account_set_password(actor=request.user, origin=Origin.from_request(request), user=request.user,
                                      raw_password=form.cleaned_data["new_password1"],
                                      keep_session_key=request.session.session_key)
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password has been changed. Your other sessions have been ended."))
        return redirect("home")
    return render(request, "registration/password_change.html", {"form": form, "required": required})


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("refuse", "refuse")])


@login_required
def role_requests(request):
    roles = roles_of(request.user)
    if not roles.lead_teams and not roles.administrator:
        refuse(request, target_type="role_requests", target_id="list", reason="not approver")
    pending = list(role_requests_awaiting(request.user))
    return render(request, "casework/role_requests.html", {"pending": pending})


@login_required
@require_POST
def role_request_decide(request, role_id):
    role = Role.all_objects.select_related("user", "team").filter(pk=role_id).first()
    if role is None or not role_requests_awaiting(request.user).filter(pk=role.pk).exists():
        refuse(request, target_type="role", target_id=role_id, reason="not approver",
               team=role.team.code if role is not None and role.team_id else "")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to refuse the request."))
        return redirect("role_requests")
    origin = Origin.from_request(request)
    try:
        if form.cleaned_data["decision"] == "approve":
            role_approve(actor=request.user, origin=origin, role=role)
            messages.success(request, _("%(user)s is now %(role)s.") % {"user": role.user.get_full_name() or role.user.get_username(),
                                                                       "role": role.get_kind_display()})
        else:
            role_refuse(actor=request.user, origin=origin, role=role)
            messages.success(request, _("The request has been refused."))
    except (ValidationError, PermissionDenied):
        messages.error(request, _("This request has already been decided."))
    return redirect("role_requests")
