"""Leave page filters."""

from django import template

from leave import rules

register = template.Library()


@register.filter
def role_in(role: str, level: str | None) -> str:
    """`{{ a.role|role_in:r.jurisdiction.level }}` → 区委组织部 / 县委组织部 / 县（市、区）委组织部."""
    return rules.role_label(role, level)
