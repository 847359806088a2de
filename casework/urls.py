from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from casework.views import accounts, errors, home, two_factor


urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", home.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/2fa/setup/", two_factor.setup, name="two_factor_setup"),
    path("accounts/2fa/verify/", two_factor.verify, name="two_factor_verify"),
    # Not under accounts/2fa/: only a session verified by the second factor reaches it.
    path("accounts/recovery-codes/", two_factor.recovery_codes, name="recovery_codes"),
    path("accounts/password/", accounts.password_change, name="password_change"),
    path("role-requests/", accounts.role_requests, name="role_requests"),
    path("role-requests/<int:role_id>/decide/", accounts.role_request_decide, name="role_request_decide"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("cases/", include("casework.case_urls")),
    path("audit/", include("audit.urls")),
    path("indicators/", include("casework.plan.urls")),
    path("notifications/", include("casework.notifications.urls")),
    path("agenda/", include("casework.agenda.urls")),
    path("partners/", include("casework.partners.urls")),
    path("contacts/", include("casework.contacts.urls")),
    path("documents/", include("casework.documents.urls")),
    path("victims/", include("victims.urls")),
    path("admin/", admin.site.urls),
]

handler404 = errors.not_found
handler500 = errors.server_error
handler403 = errors.forbidden
handler400 = errors.bad_request
