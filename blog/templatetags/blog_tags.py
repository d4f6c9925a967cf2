"""Template helpers for the public pages."""

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def date_ja(value):
    """「2026年2月24日」 in Tokyo time."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{local.year}年{local.month}月{local.day}日"


@register.filter
def iso(value):
    """A machine-readable datetime for <time datetime> and meta tags (Tokyo offset)."""
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")
