"""Writes on attendance. Leave approval marks days as `leave` through `records_mark_leave`."""

from datetime import date, timedelta

from django.db import transaction

from jurisdictions.audit import audit_record

from .models import AttendanceSheet, DailyRecord, Status


def _days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def month_is_confirmed(*, township_id: int, day: date) -> bool:
    return AttendanceSheet.objects.filter(township_id=township_id, month=day.replace(day=1)).exists()


@transaction.atomic
def records_mark_leave(*, actor, cadre, township, start: date, end: date, leave_request_id: int) -> int:
    """Approved leave shows in attendance as `leave`. Days of a confirmed month are left alone (a correction
    there is the township's call). Returns the number of days written."""
    written = 0
    for day in _days(start, end):
        if month_is_confirmed(township_id=township.id, day=day):
            continue
        DailyRecord.objects.update_or_create(
            cadre=cadre, date=day,
            defaults={"jurisdiction_id": cadre.jurisdiction_id, "township": township, "status": Status.LEAVE,
                      "source": DailyRecord.Source.LEAVE, "leave_request_id": leave_request_id,
                      "recorded_by": actor if getattr(actor, "pk", None) else None, "note": "请假审批通过"},
        )
        written += 1
    if written:
        audit_record(actor=actor, action="attendance.leave_marked", obj=cadre,
                     summary=f"{cadre.name} {start}至{end} 记为请假", data={"leave_request": leave_request_id})
    return written


@transaction.atomic
def records_release_leave(*, actor, cadre, start: date, end: date, leave_request_id: int) -> int:
    """Days given back (early return, cancellation) stop being `leave`: the records are removed so the day is
    ordinary again (on duty only once the cadre checks in, POLICY.md §5)."""
    qs = DailyRecord.objects.filter(cadre=cadre, date__range=(start, end), leave_request_id=leave_request_id,
                                    status=Status.LEAVE)
    released = [r for r in qs.select_related("township") if not month_is_confirmed(township_id=r.township_id,
                                                                                     day=r.date)]
    DailyRecord.objects.filter(pk__in=[r.pk for r in released]).delete()
    if released:
        audit_record(actor=actor, action="attendance.leave_released", obj=cadre,
                     summary=f"{cadre.name} {start}至{end} 请假记录撤销", data={"leave_request": leave_request_id})
    return len(released)
