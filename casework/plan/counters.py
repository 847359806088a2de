"""Indicators counted from the services' own records (source ``records``).

Anonymous contacts, collective activities, referrals and the social hotel live in other apps;
each app offers its counts through the ``indicator_counters`` AppConfig hook
(casework/extensions.py), so the plan computes them without importing the apps:

    def indicator_counters(self):
        return {"contacts.dropin_contacts": Counter(_("Drop-in contacts"), count_dropins, about_people=True)}

A counter's ``count(first_day, last_day)`` returns ``{month: number, …, None: period total}``
for the months of ``first_day``'s year (1–12), computed by aggregate queries only: it never
returns rows, names or identifiers. The total is its own figure (a distinct count of people does
not add up over months). ``about_people`` says whether the figure counts people or their
sessions and contacts (suppressed below k for coordination) or the services' work (meetings,
trainings: not suppressed), as decision 0004 describes.

A plan fixture names the counter: ``{"kind": "count", "source": "records", "counter":
"contacts.dropin_contacts", "target": {...}}``.
"""

from casework.extensions import IndicatorCounter, app_hooks

# Defined in casework/extensions.py so that the apps offering counters need not import the plan.
Counter = IndicatorCounter


def available_counters() -> dict[str, Counter]:
    counters = {}
    for config, hook in app_hooks("indicator_counters"):
        for code, counter in hook().items():
            if code in counters:
                raise ValueError(f"indicator counter {code!r} is offered twice ({config.label})")
            counters[code] = counter
    return counters
