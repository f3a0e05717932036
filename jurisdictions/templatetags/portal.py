"""Template filters shared by every page."""

import re
from functools import lru_cache

from django import template

register = template.Library()

_REF = re.compile(r"^(?P<code>[a-z_]+) (?:(?P<kind>art|sec)\.(?P<num>\S+)|(?P<default>default))$")


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    from jurisdictions.models import Jurisdiction

    return dict(Jurisdiction.objects.values_list("code", "name"))


@register.filter
def rule_label(rule_ref: str | None) -> str:
    """'ganzhou art.17' → '赣州市文件第17条'; 'xinfeng sec.四' → '新丰县文件第四部分';
    'linfen default' → '临汾市：文件未规定，系统默认'. Unknown shapes are shown as they are."""
    if not rule_ref:
        return ""
    m = _REF.match(str(rule_ref).strip())
    if not m:
        return str(rule_ref)
    name = _names().get(m["code"], m["code"])
    if m["default"]:
        return f"{name}：文件未规定，系统默认"
    if m["kind"] == "sec":
        return f"{name}文件第{m['num']}部分"
    return f"{name}文件第{m['num']}条"


@register.filter
def money(value) -> str:
    """Yuan with 2 decimals and thousands separators: 12345.6 → '12,345.60'."""
    from decimal import Decimal, InvalidOperation

    try:
        return f"{Decimal(str(value)).quantize(Decimal('0.01')):,}"
    except (InvalidOperation, ValueError):
        return str(value)
