"""The Django admin: accounts, teams and roles only. No case model is registered here, so no
case content can ever be shown in the admin.

Separation of duties (docs/decisions/0005-role-approval.md): roles go through the audited
services of casework.services.roles (a worker or lead role is only requested here; a second
person approves it on /role-requests/); nobody acts on a role of their own account; account
changes go through casework.services.accounts (audited); superuser, staff, groups and
permissions are not shown nor editable: they follow from roles."""

import contextvars

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy as _

from audit.services import Origin
from casework.models import Case, Role, Team
from casework.services import accounts
from casework.services.roles import check_role_request, role_request, role_revoke

admin.site.site_header = _("Casework – administration")
admin.site.site_title = _("Casework")
admin.site.index_title = _("Accounts, teams and roles")

# The request whose admin view is running, for forms Django builds without it (the password form).
_current_request = contextvars.ContextVar("casework_admin_request", default=None)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("code", "reference_prefix", "name_fr", "name_nl", "name_en")

    def get_readonly_fields(self, request, obj=None):
        # Case pages and audit events refer to a team by its code: once it has cases, the code
        # (and the prefix of its references) are fixed.
        if obj is not None and Case.objects.filter(team=obj).exists():
            return ("code", "reference_prefix")
        return ()

    def has_delete_permission(self, request, obj=None):
        return False  # cases refer to teams; a team is never deleted


class RoleRequestForm(forms.ModelForm):
    class Meta:
        model = Role
        fields = ("user", "kind", "team")

    actor = None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("user") is not None and cleaned.get("kind"):
            try:
                check_role_request(actor=self.actor, user=cleaned["user"], kind=cleaned["kind"], team=cleaned.get("team"))
            except PermissionDenied:
                raise ValidationError(_("Only an administrator can request a role.")) from None
        return cleaned

    def validate_constraints(self):
        pass  # the service checks duplicates (an open request or role is returned as it is)


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    """Roles are requested (add) and revoked (delete), never edited: a change is a revocation
    and a new request, each decided by the people the rules name."""

    form = RoleRequestForm
    delete_confirmation_template = "admin/casework/role/revoke_confirmation.html"
    list_display = ("user", "kind", "team", "status", "requested_by", "approved_by")
    list_filter = ("status", "kind", "team")
    search_fields = ("user__username",)
    list_select_related = ("user", "team", "requested_by", "approved_by")

    def get_queryset(self, request):
        return Role.all_objects.select_related("user", "team", "requested_by", "approved_by")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ("user", "kind", "team", "status", "requested_by", "requested_at", "approved_by", "decided_at", "ended_at")
        return ()

    def has_change_permission(self, request, obj=None):
        # The change page is a read-only view of the role (with "delete" to revoke it).
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.user_id == request.user.pk or obj.status not in Role.OPEN_STATUSES):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        try:
            role = role_request(actor=request.user, origin=Origin.from_request(request), user=obj.user, kind=obj.kind, team=obj.team)
        except ValidationError as error:
            # Shown as a message; the service's rule is the one that counts (the form checks it too).
            messages.error(request, " ".join(error.messages))
            raise _Refused from error
        obj.pk = role.pk
        obj.status = role.status
        if role.is_pending:
            messages.info(request, gettext("The request waits for a second person's approval (team lead for a social worker, "
                                           "another administrator for a team lead)."))

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except _Refused:
            from django.shortcuts import redirect

            return redirect(request.get_full_path())

    def delete_model(self, request, obj):
        role_revoke(actor=request.user, origin=Origin.from_request(request), role=obj)

    def response_delete(self, request, obj_display, obj_id):
        from django.http import HttpResponseRedirect
        from django.urls import reverse

        messages.success(request, gettext("The role “%(role)s” has been revoked.") % {"role": obj_display})
        return HttpResponseRedirect(reverse("admin:casework_role_changelist"))

    def delete_queryset(self, request, queryset):
        for role in queryset:
            if role.user_id != request.user.pk:
                role_revoke(actor=request.user, origin=Origin.from_request(request), role=role)

    def get_actions(self, request):
        return {}  # bulk deletion would skip the per-role checks shown on each role's page


class _Refused(Exception):
    pass


class AuditedPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's "set password" form: the change is audited and, set by someone else, must be
    replaced by its owner at the next login."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields.pop("usable_password", None)
        self.fields["password1"].required = self.fields["password2"].required = True

    def save(self, commit=True):
        request = _current_request.get()
        accounts.account_set_password(
            actor=request.user, origin=Origin.from_request(request), user=self.user,
            raw_password=self.cleaned_data["password1"], keep_session_key=request.session.session_key,
        )
        return self.user


class CaseworkUserAdmin(UserAdmin):
    """Accounts: names, username, password and active status. Roles and teams are shown, and
    managed on the roles page; Django's permission machinery is neither shown nor editable."""

    change_password_form = AuditedPasswordChangeForm
    list_display = ("username", "first_name", "last_name", "is_active", "roles_and_teams")
    list_filter = ("is_active",)
    readonly_fields = ("roles_and_teams", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Name"), {"fields": ("first_name", "last_name", "email")}),
        (_("Access"), {"fields": ("is_active", "roles_and_teams")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "first_name", "last_name", "password1", "password2")}),)

    def get_queryset(self, request):
        open_roles = Role.all_objects.filter(status__in=Role.OPEN_STATUSES).select_related("team")
        return super().get_queryset(request).prefetch_related(Prefetch("roles", queryset=open_roles, to_attr="open_roles"))

    @admin.display(description=_("roles and teams"))
    def roles_and_teams(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        rows = getattr(obj, "open_roles", None)
        if rows is None:
            rows = Role.all_objects.filter(user=obj, status__in=Role.OPEN_STATUSES).select_related("team")
        if not rows:
            return gettext("no role")
        return format_html("<ul>{}</ul>", format_html_join(
            "", "<li>{}{}{}</li>",
            ((role.get_kind_display(), f" – {role.team.name}" if role.team_id else "",
              f" ({role.get_status_display()})" if role.is_pending else "") for role in rows),
        ))

    def save_model(self, request, obj, form, change):
        origin = Origin.from_request(request)
        if not change:
            super().save_model(request, obj, form, change)
            accounts.account_created(actor=request.user, origin=origin, user=obj)
            return
        fields = [name for name in accounts.NAME_FIELDS + ("is_active",) if name in form.changed_data]
        previous = User.objects.filter(pk=obj.pk).values(*accounts.NAME_FIELDS, "is_active").get()
        if obj.pk == request.user.pk and "is_active" in fields and not obj.is_active:
            obj.is_active = True  # an administrator does not lock themselves out by a click
        super().save_model(request, obj, form, change)
        accounts.account_changed(actor=request.user, origin=origin, user=obj, previous=previous,
                                 keep_session_key=request.session.session_key)

    def user_change_password(self, request, id, form_url=""):
        token = _current_request.set(request)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _current_request.reset(token)

    def get_actions(self, request):
        return {}  # no bulk deletion: accounts are deactivated, not deleted


admin.site.unregister(User)
admin.site.register(User, CaseworkUserAdmin)

# Groups are not used: what an account may do follows from its roles.
from django.contrib.auth.models import Group  # noqa: E402

if admin.site.is_registered(Group):
    admin.site.unregister(Group)

# django-otp registers its devices' admin, which would show the TOTP secrets: not here. A lost
# phone is handled with `manage.py reset_2fa <username>` (audited).
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
