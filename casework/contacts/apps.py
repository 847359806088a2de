"""Anonymous contacts and collective activities: the services' work that is not a session on a named file."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "casework.contacts"
    label = "contacts"
    verbose_name = _("Contacts and activities")
    default_auto_field = "django.db.models.BigAutoField"

    def workspaces(self, user, roles):
        from django.urls import reverse

        from casework.workspaces import Workspace

        if roles.casework_teams:
            return [Workspace("contacts", _("Contacts and activities"), reverse("contacts:list"), order=25)]
        return []

    def indicator_counters(self):
        from casework.contacts.counters import counters

        return counters()

    def seed_demo(self, *, stdout, users):
        from casework.contacts.demo import seed_contacts_demo

        seed_contacts_demo(stdout=stdout, users=users)
