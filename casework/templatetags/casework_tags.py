from django import template
from django.utils.translation import gettext as _

from casework.national_number import format_national_number

register = template.Library()


@register.simple_tag
def details_rows(details):
    """(label, value) pairs of a team details row, choices and booleans in words."""
    if details is None:
        return []
    rows = []
    for field in details._meta.concrete_fields:
        if field.name == "case":
            continue
        value = getattr(details, field.name)
        if field.choices:
            value = getattr(details, f"get_{field.name}_display")()
        elif isinstance(value, bool):
            value = _("yes") if value else _("no")
        rows.append((field.verbose_name, value))
    return rows


@register.filter
def national_number(value):
    return format_national_number(value or "")


@register.simple_tag
def page_query(query, page_number):
    return f"?{query}&page={page_number}" if query else f"?page={page_number}"
