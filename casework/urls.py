from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from casework.views import errors, home, two_factor

admin.site.site_header = "Casework – administration"
admin.site.site_title = "Casework"

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", home.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/2fa/setup/", two_factor.setup, name="two_factor_setup"),
    path("accounts/2fa/verify/", two_factor.verify, name="two_factor_verify"),
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
