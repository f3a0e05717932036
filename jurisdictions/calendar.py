"""China's statutory calendar: entered days win, then the chinese-calendar package, then Mon–Fri.

The package covers the years it was released with (2004–2026 in the pinned version). For a year
it does not know and no one has entered, we fall back to Monday–Friday and say so, so the figure
is never silently wrong: the warning asks for the year's schedule to be entered.
"""

import calendar as pycal
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

from . import reference_cache
from .models import CalendarDay


@dataclass
class MonthCalendar:
    year: int
    month: int
    working_days: list[date]
    warnings: list[str] = field(default_factory=list)

    @property
    def working_day_count(self) -> int:
        return len(self.working_days)

    @property
    def days_in_month(self) -> int:
        return pycal.monthrange(self.year, self.month)[1]


def _package_says(day: date) -> bool | None:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def entered_days(year: int) -> dict[date, bool]:
    """The days entered for a year (date → is a working day). One query, none in a request while the process's copy
    is true (`reference_cache`: read again after any write to the calendar or the policy table). Do not mutate."""

    def load():
        return dict(CalendarDay.objects.filter(date__range=(date(year, 1, 1), date(year, 12, 31)))
                    .values_list("date", "is_working_day")), None

    return reference_cache.cached("calendar", year, load)


def _year_entered(year: int) -> bool:
    return bool(entered_days(year))


def month_calendar(year: int, month: int) -> MonthCalendar:
    """Working days of a month. One query at most (none in a request while the process's copy of the calendar is
    true, nor the day-by-day computation: that is kept too)."""

    def load():
        c = _month_calendar(year, month)
        return (tuple(c.working_days), tuple(c.warnings)), None

    days, warnings = reference_cache.cached("calendar_month", (year, month), load)
    return MonthCalendar(year, month, list(days), list(warnings))


def _month_calendar(year: int, month: int) -> MonthCalendar:
    first = date(year, month, 1)
    last = date(year, month, pycal.monthrange(year, month)[1])
    entered = entered_days(year)
    warnings: list[str] = []
    days: list[date] = []
    fallback = False
    day = first
    while day <= last:
        if day in entered:
            working = entered[day]
        else:
            known = _package_says(day)
            if known is None:
                fallback = True
                working = day.weekday() < 5
            else:
                working = known
        if working:
            days.append(day)
        day += timedelta(days=1)
    if fallback and not _year_entered(year):
        warnings.append(
            f"{year}年的法定节假日安排尚未录入，本月工作日暂按周一至周五计算，请管理员录入国务院公布的{year}年放假调休安排。"
        )
    elif fallback:
        warnings.append(f"{year}年{month}月部分日期未录入节假日安排，按周一至周五计算。")
    return MonthCalendar(year, month, days, warnings)


def is_working_day(day: date) -> tuple[bool, list[str]]:
    entered = entered_days(day.year).get(day)
    if entered is not None:
        return entered, []
    known = _package_says(day)
    if known is None:
        return day.weekday() < 5, [f"{day.year}年的法定节假日安排尚未录入，按周一至周五计算。"]
    return known, []
