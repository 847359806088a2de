from django import template

from audit.describe import describe_events

register = template.Library()


@register.simple_tag
def described(events):
    """The events with their sentences (audit.describe), for the events table."""
    return describe_events(events)
