"""The Django admin: accounts, teams and roles only. No case model is registered here, so no
case content can ever be shown in the admin. Role changes go through the audited services."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from audit.services import Origin
from casework.models import Role, Team
from casework.services.roles import role_grant, role_revoke


class RoleInline(admin.TabularInline):
    model = Role
    extra = 1
    fields = ("kind", "team")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("code", "reference_prefix", "name_fr", "name_nl", "name_en")

    def has_delete_permission(self, request, obj=None):
        return False  # cases refer to teams; a team is never deleted


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "team")
    list_filter = ("kind", "team")
    search_fields = ("user__username",)

    def save_model(self, request, obj, form, change):
        if change:
            previous = Role.objects.get(pk=obj.pk)
            if (previous.user_id, previous.kind, previous.team_id) == (obj.user_id, obj.kind, obj.team_id):
                return  # saved unchanged: nothing granted or revoked, nothing to audit
            role_revoke(actor=request.user, origin=Origin.from_request(request), role=previous)
        role = role_grant(actor=request.user, origin=Origin.from_request(request), user=obj.user, kind=obj.kind, team=obj.team)
        obj.pk = role.pk

    def delete_model(self, request, obj):
        role_revoke(actor=request.user, origin=Origin.from_request(request), role=obj)

    def delete_queryset(self, request, queryset):
        for role in queryset:
            role_revoke(actor=request.user, origin=Origin.from_request(request), role=role)


class CaseworkUserAdmin(UserAdmin):
    inlines = [RoleInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Role:
            return super().save_formset(request, form, formset, change)
        origin = Origin.from_request(request)
        roles = formset.save(commit=False)
        for role in formset.deleted_objects:
            role_revoke(actor=request.user, origin=origin, role=role)
        for role in roles:
            if role.pk:
                role_revoke(actor=request.user, origin=origin, role=Role.objects.get(pk=role.pk))
            role_grant(actor=request.user, origin=origin, user=form.instance, kind=role.kind, team=role.team)


admin.site.unregister(User)
admin.site.register(User, CaseworkUserAdmin)

# django-otp registers its devices' admin, which would show the TOTP secrets: not here. A lost
# phone is handled with `manage.py reset_2fa <username>` (audited).
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
