"""``ChoiceLabels`` (casework/models/choices.py): get_FOO_display gives what Django's own
method gives, in each language, and every model of ours with a choices field uses it."""

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from casework.models import ChoiceLabels

OUR_APPS = ("casework", "audit", "victims", "detainees", "radicalisation")


def _our_models_with_choices():
    for model in apps.get_models():
        if not model.__module__.startswith(OUR_APPS):
            continue
        fields = [field for field in model._meta.concrete_fields if field.choices]
        # simple-history's copies are built by the library from ours; their displays follow.
        if fields and not model.__name__.startswith("Historical"):
            yield model, fields


MODELS_WITH_CHOICES = list(_our_models_with_choices())


def test_every_model_with_choices_uses_the_one_display():
    assert MODELS_WITH_CHOICES, "the models have choices fields"
    missing = [model.__name__ for model, _fields in MODELS_WITH_CHOICES if not issubclass(model, ChoiceLabels)]
    assert not missing, f"put ChoiceLabels first among the bases of: {', '.join(missing)}"


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_each_value_shows_the_label_django_would_show(language):
    checked = 0
    with translation.override(language):
        for model, fields in MODELS_WITH_CHOICES:
            for field in fields:
                for value, _label in list(field.flatchoices) + [("not-a-choice", None)]:
                    if value == "not-a-choice" and not isinstance(field, models.CharField):
                        continue
                    instance = model(**{field.attname: value})
                    ours = getattr(instance, f"get_{field.name}_display")()
                    djangos = models.Model._get_FIELD_display(instance, field)
                    assert ours == djangos and type(ours) is type(djangos), (model.__name__, field.name, value)
                    checked += 1
    assert checked > 100


def test_the_label_follows_the_language_of_each_call():
    from casework.notifications.models import Notification

    notification = Notification(kind=Notification.Kind.ASSIGNED)
    shown = {}
    for language in ("fr", "nl", "en"):
        with translation.override(language):
            shown[language] = notification.get_kind_display()
    assert shown["en"] == "a case was assigned to you"
    assert len(set(shown.values())) == 3, shown
