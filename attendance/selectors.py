"""Reads of attendance that other apps (subsidies, reports) rely on. Aggregates run in the database."""

import calendar
from datetime import date

from django.db.models import Count, Q

from .models import AttendanceSheet, DailyRecord, Status


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def confirmed_township_ids(*, jurisdiction, year: int, month: int) -> set[int]:
    """Townships of the jurisdiction whose sheet for the month is confirmed. One query."""
    return set(AttendanceSheet.objects.filter(jurisdiction=jurisdiction, month=date(year, month, 1))
               .values_list("township_id", flat=True))


def month_status_counts(*, jurisdiction, year: int, month: int, township_ids=None) -> dict[int, dict[str, int]]:
    """cadre_id → {status: days} for the month, optionally only in some townships. One query."""
    first, last = month_bounds(year, month)
    qs = DailyRecord.objects.filter(jurisdiction=jurisdiction, date__range=(first, last))
    if township_ids is not None:
        qs = qs.filter(township_id__in=township_ids)
    rows = qs.values("cadre_id").annotate(**{s: Count("id", filter=Q(status=s)) for s in Status.values})
    return {r["cadre_id"]: {s: r[s] for s in Status.values} for r in rows}
