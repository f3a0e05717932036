from django.utils import timezone

from .errors import InvalidInput


def parse_month(value: str | None) -> tuple[int, int]:
    """'YYYY-MM' (default: this month) → (year, month); anything else is a clear 400."""
    if not value:
        today = timezone.localdate()
        return today.year, today.month
    try:
        year_s, month_s = value.split("-")
        year, month = int(year_s), int(month_s)
        if len(year_s) != 4 or not 1 <= month <= 12:
            raise ValueError
    except ValueError:
        raise InvalidInput("月份格式应为 YYYY-MM。", code="bad_month") from None
    return year, month
