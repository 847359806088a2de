"""The auditable actions. Kept out of the model's choices so adding one needs no migration."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    LOGIN = "login", _("login")
    LOGIN_FAILED = "login_failed", _("failed login")
    LOGOUT = "logout", _("logout")
    ACCESS_REFUSED = "access_refused", _("access refused")
    CASE_LIST = "case_list", _("case list viewed")
    CASE_VIEW = "case_view", _("case viewed")
    CASE_EXPORT = "case_export", _("case exported")
    CASE_CREATE = "case_create", _("case created")
    CASE_UPDATE = "case_update", _("case updated")
    CASE_CLOSE = "case_close", _("case closed")
    CASE_REOPEN = "case_reopen", _("case reopened")
    CASE_PURGE = "case_purge", _("case purged after retention")
    CASE_ASSIGN = "case_assign", _("worker assigned")
    CASE_UNASSIGN = "case_unassign", _("worker unassigned")
    CASE_DUPLICATE_CHECK = "case_duplicate_check", _("duplicate check")
    SESSION_CREATE = "session_create", _("session recorded")
    SESSION_UPDATE = "session_update", _("session updated")
    ROLE_GRANT = "role_grant", _("role granted")
    ROLE_REVOKE = "role_revoke", _("role revoked")
    KEY_ROTATION = "key_rotation", _("key rotation")
    AUDIT_VIEW = "audit_view", _("audit log viewed")
    AUDIT_EXPORT = "audit_export", _("audit log exported")
    AUDIT_VERIFY = "audit_verify", _("audit chain verified")
    ANOMALY_REVIEW = "anomaly_review", _("anomaly reviewed")
    ANOMALY_DETECT = "anomaly_detect", _("anomaly detection run")
    BREAK_GLASS = "break_glass", _("emergency access")
    INDICATORS_COMPUTE = "indicators_compute", _("indicators computed")
    INDICATORS_EXPORT = "indicators_export", _("indicators exported")
    PLAN_CHANGE = "plan_change", _("plan loaded or copied")
    INDICATOR_ENTRY = "indicator_entry", _("indicator activity or attestation entered")
