"""The form renderer: Django's own, except that a select is written in Python.

Django renders a select through a template that loops over its options, each option through
a template of its own. On the filter forms (the audit log's action filter has over a hundred
options) that was a quarter of the page's rendering time (decision 0015). The markup is the
one of Django's ``select.html`` and ``select_option.html`` (tests/casework/test_rendering.py
compares them); a widget with its own option template still goes through the templates.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name == SELECT_TEMPLATE else None
        if widget is not None and all(option["template_name"] == OPTION_TEMPLATE
                                      for _name, options, _index in widget["optgroups"] for option in options):
            return select_html(widget)
        return super().render(template_name, context, request=request)


def _attrs_html(attrs):
    """As django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name."""
    return "".join(
        "" if value is False else f" {conditional_escape(name)}" if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value if hasattr(value, "__html__") else "%s" % value)}"'
        for name, value in attrs.items()
    )


def select_html(widget):
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append(f'\n  <option value="{conditional_escape("%s" % option["value"])}"{_attrs_html(option["attrs"])}>'
                         f'{conditional_escape(localize(option["label"]))}</option>')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)
