"""``get_FOO_display`` at the cost of one dictionary lookup.

Django's generated method builds ``dict(make_hashable(field.flatchoices))`` on every call, and
hashing each choice's lazy label translates it: a field of ten choices costs ten ``gettext``
calls per row of a list. Here the labels by value are built once per field (a field's choices
are fixed when its model class is made) and only the label returned is translated, in the
language active for the call, as Django's is. simple-history's copies keep Django's method."""

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


class ChoiceLabels:
    """Put first among a model's bases: ``class Notification(ChoiceLabels, models.Model)``."""

    def _get_FIELD_display(self, field):
        labels = field.__dict__.get("_choice_labels")
        if labels is None:
            labels = {make_hashable(value): label for value, label in field.flatchoices}
            field._choice_labels = labels
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)
