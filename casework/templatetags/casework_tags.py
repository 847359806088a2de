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


@register.simple_tag
def field_widget(field):
    """The field's widget pointing ``aria-describedby`` at the help and error texts that the
    field template really renders (``<id>_helptext``, ``<id>_error``), and ``aria-invalid`` when
    the value was refused."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        described.append(f"{field.auto_id}_error")
    attrs = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.inclusion_tag("casework/_error_summary.html")
def error_summary(*forms):
    """At the top of a form: every refused field, each linked to its input, and the form-wide
    errors. Lets a screen reader or a phone user find the problems of a long form."""
    items = []
    for form in forms:
        if form is None or not getattr(form, "is_bound", False) or not form.errors:
            continue
        for message in form.non_field_errors():
            items.append({"anchor": None, "label": "", "message": message})
        for name, errors in form.errors.items():
            if name == "__all__" or name not in form.fields:
                continue
            bound = form[name]
            anchor = bound.auto_id
            if bound.use_fieldset:
                anchor = f"{bound.auto_id}_0"
            for message in errors:
                items.append({"anchor": anchor, "label": bound.label, "message": message})
    return {"items": items}
