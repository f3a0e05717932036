"""Money is Decimal yuan rounded to the fen, half up (四舍五入), everywhere: rules, policy values, pages."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
