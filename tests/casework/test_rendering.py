"""Selects written in Python (casework.rendering) give the markup of Django's own templates."""

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from casework.rendering import SELECT_TEMPLATE, FormRenderer


class WithoutSelectTemplate(FormRenderer):
    """Proves the selects are written in Python: their template cannot be loaded here."""

    def get_template(self, template_name):
        assert template_name != SELECT_TEMPLATE, "the select went through its template"
        return super().get_template(template_name)


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("", "all"), ("a&b", 'A <b> & "c"'), ("x", "X")], initial="a&b")
    many = forms.MultipleChoiceField(choices=[("1", "one"), ("2", "two"), ("3", "three")], initial=["1", "3"])
    grouped = forms.ChoiceField(choices=[("Group <1>", [("p", "P"), ("q", "Q")]), ("r", "R")], required=False)
    numbers = forms.TypedChoiceField(choices=[(2025, 2025), (2026, 2026)], coerce=int, initial=2026)
    lazy = forms.ChoiceField(choices=[("s", mark_safe("<em>safe</em>"))],
                             widget=forms.Select(attrs={"class": "wide", "data-x": 'q"uote', "disabled": True, "hidden": False}))
    yes_no = forms.NullBooleanField(widget=forms.NullBooleanSelect)


def _normalised(html):
    # Django's option template ends with a newline; the page renders the same elements.
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("bound", [False, True])
def test_selects_match_djangos_templates(bound):
    data = {"plain": "x", "many": ["2"], "grouped": "q", "numbers": "2025", "lazy": "s", "yes_no": "true"} if bound else None
    ours = Everything(data, renderer=WithoutSelectTemplate())
    django = Everything(data, renderer=DjangoTemplates())
    for name in Everything.base_fields:
        assert _normalised(str(ours[name])) == _normalised(str(django[name])), name
        assert "<select" in str(ours[name])


def test_a_widget_with_its_own_option_template_still_uses_the_templates():
    class CustomOption(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    class Form(forms.Form):
        field = forms.ChoiceField(choices=[("a", "A")], widget=CustomOption)

    assert _normalised(str(Form(renderer=FormRenderer())["field"])) == _normalised(str(Form(renderer=DjangoTemplates())["field"]))
