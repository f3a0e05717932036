"""Writes on attendance. Leave approval marks days as `leave` through `records_mark_leave`."""

import json
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from config import prepared
from jurisdictions.audit import audit_record
from jurisdictions.errors import InvalidInput, NotPermitted, RuleViolation, StateConflict
from jurisdictions.models import CITY_ROLES, COUNTY_ROLES, OrgUnit, Role
from jurisdictions.policy import policy_in_force
from jurisdictions.scoping import scope_for

from . import rules
from .models import AttendanceSheet, DailyRecord, DiaryEntry, Flag, Inspection, Status
from .selectors import membership_on, month_bounds


def _month_starts(start: date, end: date):
    first = start.replace(day=1)
    while first <= end:
        yield first
        first = (first + timedelta(days=32)).replace(day=1)


def _days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def month_is_confirmed(*, township_id: int, day: date) -> bool:
    return AttendanceSheet.objects.filter(township_id=township_id, month=day.replace(day=1)).exists()


def _confirmed_months(township_id: int, start: date, end: date) -> set[date]:
    return set(AttendanceSheet.objects.filter(township_id=township_id, month__range=(start.replace(day=1), end))
               .values_list("month", flat=True))


@transaction.atomic
def records_mark_leave(*, actor, cadre, township, start: date, end: date, leave_request_id: int,
                       status: str = Status.LEAVE) -> int:
    """Approved leave shows in attendance as `leave` (an approved official trip as `official_business`, which
    Ganzhou counts as present, art.16). Days of a confirmed month are left alone (a correction there is the
    township's call). Returns the number of days written."""
    for first in _month_starts(start, end):  # check-ins of those months (they take no row lock); before the row lock
        _lock_month_exclusively(township.pk, first)
    # serialize with the month's confirmation (NO KEY: see _lock_month_exclusively)
    OrgUnit.objects.select_for_update(no_key=True).filter(pk=township.pk).first()
    confirmed = _confirmed_months(township.id, start, end)
    days = [day for day in _days(start, end) if day.replace(day=1) not in confirmed]
    existing = {r.date: r for r in DailyRecord.objects.filter(cadre=cadre, date__in=days)}
    values = {"jurisdiction_id": cadre.jurisdiction_id, "township": township, "status": status,
              "source": DailyRecord.Source.LEAVE, "leave_request_id": leave_request_id,
              "recorded_by": actor if getattr(actor, "pk", None) else None, "note": "请假审批通过"}
    for record in existing.values():
        for field, value in values.items():
            setattr(record, field, value)
    DailyRecord.objects.bulk_update(existing.values(), list(values))
    DailyRecord.objects.bulk_create([DailyRecord(cadre=cadre, date=day, **values) for day in days
                                     if day not in existing])
    if days:
        audit_record(actor=actor, action="attendance.leave_marked", obj=cadre,
                     summary=f"{cadre.name} {start}至{end} 记为{Status(status).label}",
                     data={"leave_request": leave_request_id, "status": status})
    return len(days)


@transaction.atomic
def records_release_leave(*, actor, cadre, start: date, end: date, leave_request_id: int) -> int:
    """Days given back (early return, cancellation) stop being `leave`: the records are removed so the day is
    ordinary again (on duty only once the cadre checks in, POLICY.md §5)."""
    qs = DailyRecord.objects.filter(cadre=cadre, date__range=(start, end), leave_request_id=leave_request_id,
                                    status__in=[Status.LEAVE, Status.OFFICIAL_BUSINESS])
    records = list(qs)
    # lock the townships (in id order) so a confirmation cannot slip in between the check and the delete
    list(OrgUnit.objects.select_for_update(no_key=True).filter(pk__in={r.township_id for r in records})
         .order_by("pk"))
    confirmed = {(t, m) for t, m in AttendanceSheet.objects.filter(
        township_id__in={r.township_id for r in records}, month__range=(start.replace(day=1), end))
        .values_list("township_id", "month")}
    released = [r for r in records if (r.township_id, r.date.replace(day=1)) not in confirmed]
    DailyRecord.objects.filter(pk__in=[r.pk for r in released]).delete()
    if released:
        audit_record(actor=actor, action="attendance.leave_released", obj=cadre,
                     summary=f"{cadre.name} {start}至{end} 请假记录撤销", data={"leave_request": leave_request_id})
    return len(released)


# ---- daily records, check-in, the monthly sheet ---------------------------------------------------

TOWNSHIP_KEEPERS = {Role.ATTENDANCE_CLERK, Role.TOWNSHIP_SECRETARY}
STATUS_LABELS = dict(Status.choices)


def _lock_open_month(township: OrgUnit, day: date) -> None:
    """Lock the township row (record writes and the confirmation serialize on it) and refuse a confirmed month."""
    _lock_month_exclusively(township.pk, day.replace(day=1))  # a check-in of the same day inserts without a row lock
    OrgUnit.objects.select_for_update(no_key=True).filter(pk=township.pk).first()
    if month_is_confirmed(township_id=township.pk, day=day):
        raise StateConflict(f"{township.name}{day.year}年{day.month}月考勤表已确认锁定，不能再修改。",
                            code="month_confirmed")


def _placement(cadre, day: date):
    membership = membership_on(cadre, day)
    if membership is None:
        raise InvalidInput(f"{cadre.name}在{day:%Y-%m-%d}没有在岗任职，不能记录考勤。", code="no_membership")
    return membership, membership.team.township


def recorder_check(*, actor, membership, township, policy) -> tuple[str, str]:
    """POLICY.md §4 'who keeps attendance': (source, rule_ref) if the actor may record this cadre, else 403."""
    post = rules.recorder_post(role=membership.role, first_secretary=membership.first_secretary,
                               team_kind=membership.team.kind)
    who, ref = rules.recorder_for(policy, post)
    scope = scope_for(actor)
    if scope.is_superuser:
        return DailyRecord.Source.CLERK, ref
    if who == "township" and scope.holds_any(TOWNSHIP_KEEPERS, jurisdiction_id=township.jurisdiction_id,
                                             org_path=township.path):
        return DailyRecord.Source.CLERK, ref
    if who == "team_leader" and membership.team_id in scope.led_team_ids:
        return DailyRecord.Source.TEAM_LEADER, ref
    if who == "first_secretary" and scope.cadre_id and scope.member_team_id == membership.team_id:
        from teams.models import Membership

        if Membership.objects.filter(cadre_id=scope.cadre_id, team_id=membership.team_id, first_secretary=True,
                                     end_date__isnull=True).exists():
            return DailyRecord.Source.FIRST_SECRETARY, ref
    names = {"township": "乡镇考勤员或党委书记", "team_leader": "本队队长", "first_secretary": "本村第一书记"}
    raise NotPermitted(f"该干部的考勤由{names.get(who, who)}负责记录（{ref or '系统默认'}）。", code="not_recorder",
                       rule_ref=ref or None)


@transaction.atomic
def record_upsert(*, actor, cadre, day: date, status: str, note: str = "") -> DailyRecord:
    """POST attendance/: one cadre, one day, by whoever the policy says keeps that cadre's attendance."""
    if status not in Status.values:
        raise InvalidInput(f"未知的考勤状态：{status}。", code="bad_status")
    if day > timezone.localdate():
        raise InvalidInput("不能登记今天以后的考勤。", code="future_date")
    membership, township = _placement(cadre, day)
    policy = policy_in_force(cadre.jurisdiction, day)
    source, _ = recorder_check(actor=actor, membership=membership, township=township, policy=policy)
    refused = rules.direct_entry_refused(policy, status)
    if refused:
        raise RuleViolation(f"{cadre.name} {day:%Y-%m-%d}：{_request_only_detail(status, refused)}",
                            code="needs_approved_request", rule_ref=refused, overridable=False)
    _lock_open_month(township, day)
    previous = DailyRecord.objects.filter(cadre=cadre, date=day).values_list("status", flat=True).first()
    record, _ = DailyRecord.objects.update_or_create(
        cadre=cadre, date=day,
        defaults={"jurisdiction_id": cadre.jurisdiction_id, "township": township, "status": status, "note": note,
                  "source": source, "recorded_by": actor, "leave_request_id": None},
    )
    audit_record(actor=actor, action="attendance.record", obj=record, jurisdiction=cadre.jurisdiction,
                 summary=f"{cadre.name} {day} {STATUS_LABELS[status]}", data={"previous": previous, "status": status})
    if Status.ABSENT in (status, previous):
        attendance_flags_raise(actor=actor, cadre=cadre, year=day.year, policy=policy)
    return record


def _request_only_detail(status: str, rule_ref: str) -> str:
    """Why a keeper may not enter this status (ganzhou art.17, qujiang art.14), in the clerk's words."""
    from jurisdictions.templatetags.portal import rule_label

    what = "因公外出申请" if status == Status.OFFICIAL_BUSINESS else "请假申请"
    return (f"“{STATUS_LABELS[status]}”只能由审批通过的{what}自动记入考勤，不能直接登记"
            f"（{rule_label(rule_ref)}）。请由本人提交{what}。")


@transaction.atomic
def records_fill(*, actor, cadre, start: date, end: date, status: str, note: str = "",
                 working_days_only: bool = True, blanks_only: bool = True) -> list[DailyRecord]:
    """The sheet's "fill a row or a range" action: one cadre, the days from `start` to `end` (one month, up to today,
    within the cadre's posting), all in one transaction: any refused day (a confirmed month 409, a status only an
    approved request may write, not the cadre's keeper) refuses the whole fill. Days written by an approved leave
    request are left as they are; `blanks_only` leaves every recorded day alone; `working_days_only` skips rest days
    of the statutory calendar."""
    from jurisdictions.calendar import month_calendar

    from .selectors import postings

    if status not in Status.values:
        raise InvalidInput(f"未知的考勤状态：{status}。", code="bad_status")
    if end < start:
        raise InvalidInput("结束日期不能早于开始日期。", code="bad_range")
    if (start.year, start.month) != (end.year, end.month):
        raise InvalidInput("一次只能填写同一个月内的日期。", code="bad_range")
    today = timezone.localdate()
    if start > today:
        raise InvalidInput("不能登记今天以后的考勤。", code="future_date")
    end = min(end, today)
    refused = rules.direct_entry_refused(policy_in_force(cadre.jurisdiction, start), status)
    if refused:
        raise RuleViolation(_request_only_detail(status, refused), code="needs_approved_request", rule_ref=refused,
                            overridable=False)
    spans = postings([cadre.pk], start, end).get(cadre.pk, [])
    working = set(month_calendar(start.year, start.month).working_days) if working_days_only else None
    days = [d for d in _days(start, end) if any(a <= d <= b for a, b in spans) and (working is None or d in working)]
    existing = {r.date: r for r in DailyRecord.objects.filter(cadre=cadre, date__in=days)}
    days = [d for d in days if d not in existing or (existing[d].source != DailyRecord.Source.LEAVE
                                                     and not blanks_only)]
    if not days:
        raise InvalidInput("所选日期中没有需要填写的日期（不在岗、非工作日、已登记或为已批准的请假）。",
                           code="nothing_to_fill")
    records = [record_upsert(actor=actor, cadre=cadre, day=d, status=status, note=note) for d in days]
    audit_record(actor=actor, action="attendance.fill", obj=cadre, jurisdiction=cadre.jurisdiction,
                 summary=f"{cadre.name} {days[0]}至{days[-1]} 共{len(days)}天 批量记为{STATUS_LABELS[status]}",
                 data={"days": [d.isoformat() for d in days], "status": status})
    return records


def _check_in_coords(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    """The browser's location, checked and rounded to the column's 6 places; both or neither."""
    coords = []
    for value, bound, label in ((latitude, 90, "纬度"), (longitude, 180, "经度")):
        try:
            number = None if value in (None, "") else Decimal(str(value))
        except InvalidOperation:
            raise InvalidInput(f"{label}格式有误。", code="bad_location") from None
        if number is not None and not (number.is_finite() and -bound <= number <= bound):
            raise InvalidInput(f"{label}超出范围。", code="bad_location")
        coords.append(number)
    if None in coords:
        return None, None
    q = Decimal("0.000001")
    return coords[0].quantize(q), coords[1].quantize(q)


def township_month_lock_key(township_id: int, day: date) -> int:
    """The advisory lock of one township's month (bigint key space; the subsidy run's locks use the int pair space,
    which PostgreSQL keeps apart). Check-ins take it shared, the month's confirmation exclusively."""
    return (1 << 62) | (township_id << 16) | (day.year * 12 + day.month - 1)


# The check-in (issue 15): one call of the function `attendance_check_in` (migration attendance/0010, where its
# statements are explained), in one round trip and, outside a transaction, one statement that commits itself:
# - the cadre's placement on the day and an advisory SHARED lock on its township's month: check-ins of one township
#   never wait for each other (two check-ins only race on one cadre's day, which the unique row settles), while the
#   month's confirmation, which takes the same lock exclusively, waits for those in flight and they for it;
# - then, in a new snapshot, the write and its audit row: today's record inserted, or the day's record updated only
#   where a tap may (not a day on leave, not a day the township or a team leader recorded otherwise) and only when
#   something changes (a repeat tap writes nothing: no second audit row).
# No row: no placement. Otherwise one row: whether it wrote and, when it did not, why (whether the month is confirmed,
# the day's record as the write judged it); the cadre and township it placed; the day's record.
_CHECK_IN_SQL = """
SELECT * FROM attendance_check_in(%(user_id)s, %(day)s, %(month)s, %(lock_base)s, %(village)s, %(on_duty)s,
                                  %(leave)s, %(check_in)s, %(note)s, %(latitude)s, %(longitude)s, %(now)s,
                                  %(summary_tail)s, %(data)s)
"""
_CHECK_IN_RECORD_FIELDS = ["id", "jurisdiction_id", "cadre_id", "township_id", "date", "status", "note", "source",
                           "leave_request_id", "latitude", "longitude", "recorded_by_id", "recorded_at"]


def _lock_month_exclusively(township_id: int, first: date) -> None:
    """The confirmation (and a keeper's write) waits for the month's check-ins in flight, and later ones see it
    (check_in). Taken BEFORE the township row's lock. That row is locked FOR NO KEY UPDATE, never FOR UPDATE: a
    check-in's deferred foreign-key check takes KEY SHARE on it at commit, which FOR UPDATE would make wait, so that a
    confirmation of last month stalled this month's check-ins (and, taken the other way round, deadlocked)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("SELECT pg_advisory_xact_lock(%s)", [township_month_lock_key(township_id, first)])


def _check_in_refusal(record: DailyRecord | None) -> StateConflict | None:
    """Why a tap may not overwrite the day's record (None: it may). The same rules as _CHECK_IN_SQL's DO UPDATE."""
    if record is None:
        return None
    if record.status == Status.LEAVE:
        return StateConflict("今天登记为请假，请先办理销假再打卡。", code="on_leave")
    if record.source != DailyRecord.Source.CHECK_IN and record.status != Status.ON_DUTY:
        # a day the township (or team leader) recorded otherwise is not overwritten by a tap: an absence found
        # by an inspection must not disappear; the cadre asks the clerk to correct it
        return StateConflict(f"今天已由{record.get_source_display()}登记为“{record.get_status_display()}”，"
                             "如有异议请联系乡镇考勤员更正。", code="recorded_by_township")
    return None


def _no_placement(actor, day: date):
    from teams.models import Cadre

    cadre = Cadre.objects.filter(user=actor).first()
    if cadre is None:
        return NotPermitted("只有驻村干部本人可以打卡。", code="not_a_cadre")
    return InvalidInput(f"{cadre.name}在{day:%Y-%m-%d}没有在岗任职，不能记录考勤。", code="no_membership")


def check_in(*, actor, latitude=None, longitude=None) -> DailyRecord:
    """The cadre taps 在岗 on the phone: today becomes on_duty, with the browser's location if given.
    The hot path of the portal (every cadre, every day): on PostgreSQL one statement, which is its own transaction
    (or part of the caller's), writes nothing for a repeat and also answers a repeat or a refusal (_CHECK_IN_SQL)."""
    from django.db import connection

    latitude, longitude = _check_in_coords(latitude, longitude)
    day, now = timezone.localdate(), timezone.now()
    if connection.vendor != "postgresql":  # pragma: no cover - the demo's SQLite: same rules, plain ORM
        return _check_in_portable(actor=actor, day=day, latitude=latitude, longitude=longitude)
    with connection.cursor() as c:
        prepared.execute(c, "attendance_check_in", _CHECK_IN_SQL, {
            "user_id": actor.pk, "day": day, "month": day.replace(day=1), "lock_base": township_month_lock_key(0, day),
            "village": OrgUnit.Kind.VILLAGE, "on_duty": Status.ON_DUTY, "leave": Status.LEAVE,
            "check_in": DailyRecord.Source.CHECK_IN, "note": "本人打卡", "latitude": latitude,
            "longitude": longitude, "now": now, "summary_tail": f" {day} 打卡在岗",
            "data": json.dumps({"located": latitude is not None})})
        row = c.fetchone()
    if row is None:
        raise _no_placement(actor, day)
    written, confirmed, _cadre_id, township_id, *values = row
    record = None if values[0] is None else DailyRecord.from_db(connection.alias, _CHECK_IN_RECORD_FIELDS, values)
    if written:
        return record
    # nothing written: the function read why after the write, in a new snapshot (the record as ON CONFLICT judged
    # it): a confirmed month, a day a tap may not overwrite, or a repeat that changes nothing
    if confirmed or record is None:
        _refuse_confirmed_month(township_id, day)
    if record is None:  # pragma: no cover - a row without a record is a month confirmed (the INSERT's WHERE)
        raise StateConflict("打卡未能记录，请稍后重试。", code="check_in_not_recorded")
    if (refusal := _check_in_refusal(record)) is not None:
        raise refusal
    return record  # a repeat: the record as it stands


def _changes_nothing(record: DailyRecord, *, township_id: int, latitude, longitude) -> bool:
    """A tap that would leave `record` as it is: already the cadre's own 在岗 for this township, and no location or
    the same one (the SQLite path's form of attendance_check_in's DO UPDATE ... WHERE NOT (...))."""
    return (record.source == DailyRecord.Source.CHECK_IN and record.status == Status.ON_DUTY
            and record.township_id == township_id
            and (latitude is None or (record.latitude, record.longitude) == (latitude, longitude)))


def _refuse_confirmed_month(township_id: int, day: date) -> None:
    if month_is_confirmed(township_id=township_id, day=day):
        name = OrgUnit.objects.filter(pk=township_id).values_list("name", flat=True).first()
        raise StateConflict(f"{name}{day.year}年{day.month}月考勤表已确认锁定，不能再修改。", code="month_confirmed")


@transaction.atomic
def _check_in_portable(*, actor, day: date, latitude, longitude) -> DailyRecord:  # pragma: no cover - SQLite demo
    from teams.models import Cadre

    cadre = Cadre.objects.filter(user=actor).select_related("jurisdiction").first()
    membership = membership_on(cadre, day) if cadre else None
    if membership is None:
        raise _no_placement(actor, day)
    township = membership.team.township
    _refuse_confirmed_month(township.pk, day)
    existing = DailyRecord.objects.filter(cadre=cadre, date=day).first()
    if (refusal := _check_in_refusal(existing)) is not None:
        raise refusal
    if existing and _changes_nothing(existing, township_id=township.pk, latitude=latitude, longitude=longitude):
        return existing
    record, _ = DailyRecord.objects.update_or_create(cadre=cadre, date=day, defaults={
        "jurisdiction_id": cadre.jurisdiction_id, "township": township, "status": Status.ON_DUTY,
        "source": DailyRecord.Source.CHECK_IN, "recorded_by": actor, "note": "本人打卡", "latitude": latitude,
        "longitude": longitude})
    audit_record(actor=actor, action="attendance.check_in", obj=record, jurisdiction=cadre.jurisdiction,
                 summary=f"{cadre.name} {day} 打卡在岗", data={"located": latitude is not None})
    return record


@transaction.atomic
def sheet_confirm(*, actor, township: OrgUnit, year: int, month: int, reasons: dict | None = None,
                  acknowledge_shortfall: bool = False) -> AttendanceSheet:
    """POST attendance-sheets/: the township confirms (locks) its month. Two clerks racing: one wins, one 409.
    Where the required-days rule is soft (原则上), every cadre below it needs a reason (`reasons[cadre_id]`).
    Cadres below a hard rule (必须) or with unrecorded working days are listed and need the keeper's explicit
    acknowledgement (`acknowledge_shortfall`), stored on the sheet with the list; without it: 400."""
    if township.kind not in (OrgUnit.Kind.TOWNSHIP, OrgUnit.Kind.STREET):
        raise InvalidInput("只有乡镇（街道）可以确认月度考勤表。", code="not_a_township")
    if not scope_for(actor).holds_any(TOWNSHIP_KEEPERS, jurisdiction_id=township.jurisdiction_id,
                                      org_path=township.path):
        raise NotPermitted("只有本乡镇考勤员或党委书记可以确认考勤表。", code="not_township_keeper")
    first, last = month_bounds(year, month)
    if last > timezone.localdate():
        raise InvalidInput(f"{year}年{month}月尚未结束，不能确认。", code="month_not_over")
    _lock_month_exclusively(township.pk, first)
    OrgUnit.objects.select_for_update(no_key=True).filter(pk=township.pk).first()
    if AttendanceSheet.objects.filter(township=township, month=first).exists():
        raise StateConflict(f"{township.name}{year}年{month}月考勤表已确认。", code="already_confirmed")
    policy = policy_in_force(township.jurisdiction, first)
    shortfalls = _soft_shortfalls(township, year, month, {str(k): v for k, v in (reasons or {}).items()})
    from .selectors import sheet_shortfalls

    listed = sheet_shortfalls(township=township, year=year, month=month)
    if listed and not acknowledge_shortfall:
        raise InvalidInput(f"有{len(listed)}名干部本月未达到应出勤要求或有工作日未记录考勤，请逐一核对后勾选"
                           "“已核对，以上人员未达标情况属实”再确认。", code="shortfall_unacknowledged",
                           errors=listed)
    sheet = AttendanceSheet.objects.create(
        jurisdiction_id=township.jurisdiction_id, township=township, month=first, confirmed_by=actor,
        policy_snapshot=policy.snapshot([k for k, _ in policy.items() if k.startswith("attendance.")]),
        shortfall_reasons=shortfalls, shortfall_acknowledged=bool(listed), acknowledged_shortfalls=listed)
    audit_record(actor=actor, action="attendance.sheet_confirm", obj=sheet, jurisdiction=township.jurisdiction,
                 summary=f"确认{township.name}{year}年{month}月考勤表"
                 + (f"（已核对{len(listed)}名未达标或漏记人员）" if listed else ""),
                 data={"acknowledged_shortfalls": listed})
    return sheet


@transaction.atomic
def sheet_review(*, actor, sheet_id) -> AttendanceSheet:
    """POST attendance-sheets/{id}/review/: where the policy asks for it (fengdu art.20 报县乡村振兴局审核后, art.9 县乡村
    振兴局对每月出勤情况严格审核把关), the role it names reviews a confirmed township sheet; only then does a subsidy run pay
    it. The sheet row is locked, so two reviewers at once give one review and one 409."""
    from .selectors import access_sheet

    sheet = access_sheet(user=actor, sheet_id=sheet_id, for_update=True)  # 404 out of scope
    policy = policy_in_force(sheet.jurisdiction, sheet.month)
    pv = rules.review_rule(policy)
    if pv is None:
        raise InvalidInput("本辖区的考勤表确认后即可核发补助，不需要县级审核。", code="review_not_required")
    role = pv.value["role"]
    if not scope_for(actor).holds(role, jurisdiction_id=sheet.jurisdiction_id, org_path=sheet.township.path):
        raise NotPermitted(f"考勤表由{Role(role).label}审核（{pv.rule_ref}）。", code="not_reviewer",
                           rule_ref=pv.rule_ref)
    if sheet.reviewed_at is not None:
        raise StateConflict(f"{sheet.township.name}{sheet.month.year}年{sheet.month.month}月考勤表已于"
                            f"{timezone.localtime(sheet.reviewed_at):%Y-%m-%d %H:%M}审核。", code="already_reviewed")
    sheet.reviewed_by, sheet.reviewed_at = actor, timezone.now()
    sheet.save(update_fields=["reviewed_by", "reviewed_at"])
    audit_record(actor=actor, action="attendance.sheet_review", obj=sheet, jurisdiction=sheet.jurisdiction,
                 summary=f"审核{sheet.township.name}{sheet.month.year}年{sheet.month.month}月考勤表（{pv.rule_ref}）",
                 data={"rule_ref": pv.rule_ref, "role": role})
    return sheet


def _soft_shortfalls(township: OrgUnit, year: int, month: int, reasons: dict) -> dict:
    from .selectors import township_month

    memberships, _, figures, _ = township_month(township=township, year=year, month=month, with_records=False)
    short = [(m, figures[m.cadre_id]) for m in memberships
             if figures[m.cadre_id].required.severity == "soft" and not figures[m.cadre_id].compliant]
    missing = {str(m.cadre_id): [f"{m.name}本月计入{fig.counted_days}天，低于原则上的{fig.required.days}天，"
                                 "请填写原因。"]
               for m, fig in short if not str(reasons.get(str(m.cadre_id), "")).strip()}
    if missing:
        ref = short[0][1].required.rule_ref
        raise RuleViolation(f"有{len(missing)}名干部本月在岗天数低于原则要求（{ref}），请逐人填写原因后再确认。",
                            code="shortfall_reason_required", rule_ref=ref, overridable=True,
                            errors={"reasons": missing})
    return {str(m.cadre_id): {"reason": str(reasons[str(m.cadre_id)]).strip(), "counted_days": fig.counted_days,
                              "required_days": fig.required.days, "rule_ref": fig.required.rule_ref}
            for m, fig in short}


# ---- flags from attendance (linfen art.9(五)4) -----------------------------------------------------

def attendance_flags_raise(*, actor, cadre, year: int, policy) -> list[Flag]:
    """Unexcused absence (status `absent`) of more than N consecutive days or more than M days in a year raises a
    recall candidate, once per cadre, year and ground."""
    pv = rules.absence_rule(policy)
    if pv is None:
        return []
    days = list(DailyRecord.objects.filter(cadre=cadre, status=Status.ABSENT,
                                           date__range=(date(year, 1, 1) - timedelta(days=62), date(year, 12, 31)))
                .values_list("date", flat=True))
    in_year = [d for d in days if d.year == year]
    raised = []
    consecutive, total = rules.longest_run(days), len(in_year)
    checks = (("consecutive", consecutive, pv.value["consecutive_more_than"], "连续无故脱岗{n}天，超过{lim}天"),
              ("yearly", total, pv.value["yearly_more_than"], "全年累计无故脱岗{n}天，超过{lim}天"))
    for ground, n, limit, text in checks:
        if n > limit and in_year:
            flag, created = Flag.objects.get_or_create(
                cadre=cadre, kind=Flag.Kind.RECALL_CANDIDATE, key=f"attendance:{year}:{ground}",
                defaults={"jurisdiction_id": cadre.jurisdiction_id, "rule_ref": pv.rule_ref,
                          "source": Flag.Source.ATTENDANCE, "detail": text.format(n=n, lim=limit) + "，列为召回对象"})
            if created:
                raised.append(flag)
                audit_record(actor=actor, action="flag.raise", obj=flag, jurisdiction=cadre.jurisdiction,
                             summary=f"{cadre.name}：{flag.detail}（{pv.rule_ref}）")
    return raised


def flag_raise(*, actor, cadre, kind: str, rule_ref: str, key: str, detail: str, source: str) -> Flag | None:
    """Raise a flag from another domain (an assessment poll or grade), once per `key`; None if already raised.
    The caller runs inside its own transaction."""
    flag, created = Flag.objects.get_or_create(
        cadre=cadre, kind=kind, key=key,
        defaults={"jurisdiction_id": cadre.jurisdiction_id, "rule_ref": rule_ref, "source": source,
                  "detail": detail[:255]})
    if not created:
        return None
    audit_record(actor=actor, action="flag.raise", obj=flag, jurisdiction=cadre.jurisdiction,
                 summary=f"{cadre.name}：{detail}，{flag.get_kind_display()}（{rule_ref}）")
    return flag


# ---- inspections (POLICY.md §6) -------------------------------------------------------------------

CITY_LEVEL = CITY_ROLES | {Role.JURISDICTION_ADMIN}
COUNTY_LEVEL = COUNTY_ROLES | CITY_LEVEL
INSPECTORS = {"township": {Role.TOWNSHIP_SECRETARY}, "county": COUNTY_LEVEL, "city": CITY_LEVEL,
              "province": CITY_LEVEL}


@transaction.atomic
def inspection_record(*, actor, cadre, day: date, level: str, result: str, reprimand: str = "",
                      note: str = "") -> tuple[Inspection, list[Flag]]:
    """POST inspections/: the finding, and the notices or recall flags the policy attaches to it."""
    from teams.models import Cadre

    if level not in Inspection.Level.values:
        raise InvalidInput(f"未知的督查层级：{level}。", code="bad_level")
    if result not in Inspection.Result.values:
        raise InvalidInput(f"未知的督查结果：{result}。", code="bad_result")
    if day > timezone.localdate():
        raise InvalidInput("督查日期不能晚于今天。", code="future_date")
    membership, township = _placement(cadre, day)
    if not scope_for(actor).holds_any(INSPECTORS[level], jurisdiction_id=cadre.jurisdiction_id,
                                      org_path=township.path):
        raise NotPermitted(f"您不能录入{Inspection.Level(level).label}督查结果。", code="not_inspector")
    Cadre.objects.select_for_update().filter(pk=cadre.pk).first()  # count this cadre's findings one at a time
    policy = policy_in_force(cadre.jurisdiction, day)
    inspection = Inspection.objects.create(
        jurisdiction_id=cadre.jurisdiction_id, cadre=cadre, date=day, level=level, result=result,
        reprimand=reprimand, note=note, recorded_by=actor,
        policy_snapshot=policy.snapshot([k for k, _ in policy.items() if k.startswith("inspection.")]))
    flags = []
    if result == Inspection.Result.ABSENT_UNEXCUSED:
        flags += _unexcused_flags(actor, cadre, inspection, policy, membership)
    if reprimand:
        flags += _reprimand_flags(actor, cadre, inspection, policy, membership)
    audit_record(actor=actor, action="inspection.record", obj=inspection, jurisdiction=cadre.jurisdiction,
                 summary=f"{cadre.name} {day} {inspection.get_level_display()}督查：{inspection.get_result_display()}",
                 data={"flags": [f.kind for f in flags]})
    return inspection, flags


def _window_start(window: str | None, day: date, membership) -> date:
    if window == "year":
        return date(day.year, 1, 1)
    if window == "term":
        return membership.start_date
    return date(1900, 1, 1)


def _unexcused_flags(actor, cadre, inspection, policy, membership) -> list[Flag]:
    pv = policy.get("inspection.unexcused_absence")
    if pv is None:
        return []
    min_level = pv.value.get("min_level")
    levels = [lv for lv, r in rules.LEVEL_RANK.items() if not min_level or r >= rules.LEVEL_RANK[min_level]]
    count = Inspection.objects.filter(
        cadre=cadre, result=Inspection.Result.ABSENT_UNEXCUSED, level__in=levels,
        date__range=(_window_start(pv.value.get("window"), inspection.date, membership), inspection.date),
    ).filter(Q(date__lt=inspection.date) | Q(pk__lte=inspection.pk)).count()
    found = rules.unexcused_absence_consequence(policy, level=inspection.level, count=count)
    if not found:
        return []
    kind, ref = found
    window = {"year": "一年内", "term": "任期内"}.get(pv.value.get("window"), "")
    detail = f"{window}第{count}次被{'、'.join(Inspection.Level(lv).label for lv in levels)}督查发现无故脱岗"
    flag = _flag(actor, cadre, inspection, kind, ref, detail, membership=membership)
    if flag is None:
        return []
    recipients = rules.notice_recipients(policy, count=count)
    if recipients:
        _notify_flag(actor, cadre, flag, recipients, township=membership.team.township)
    return [flag]


def _notice_users(cadre, recipients: list[str], *, township) -> list:
    """The users a notice goes to: the cadre's own login for "cadre"; for a role, its holders over the cadre (the
    jurisdiction, the cadre's township or a unit above it, or the cadre's dispatch unit). One query for the roles."""
    from jurisdictions.models import RoleGrant

    users, seen = [], set()
    if "cadre" in recipients and cadre.user_id:
        users.append(cadre.user)
        seen.add(cadre.user_id)
    roles = [r for r in recipients if r != "cadre"]
    if roles:
        ancestors = [int(p) for p in township.path.split("/") if p.isdigit()]
        grants = (RoleGrant.objects.filter(role__in=roles, jurisdiction_id=cadre.jurisdiction_id)
                  .filter(Q(org_unit__isnull=True, dispatch_unit__isnull=True) | Q(org_unit_id__in=ancestors)
                          | Q(dispatch_unit_id=cadre.dispatch_unit_id))
                  .select_related("user").order_by("user_id"))
        for g in grants:
            if g.user_id not in seen and g.user.is_active:
                seen.add(g.user_id)
                users.append(g.user)
    return users


def _notify_flag(actor, cadre, flag, recipients: list[str], *, township) -> list:
    """fengdu art.13: the notice goes to the cadre and the dispatch unit (the policy's `notify` list): an in-portal
    notification and an email (queued after commit) to each, and the recipients in the audit."""
    from jurisdictions.services import notify

    from .tasks import send_notice_email

    users = _notice_users(cadre, recipients, township=township)
    message = f"通报：{cadre.name}{flag.detail}（{rule_label_text(flag.rule_ref)}）"
    link = f"/inspections/?month={flag.inspection.date:%Y-%m}" if flag.inspection_id else ""
    for user in users:
        notify(user=user, message=message, link=link)
        if user.email:
            transaction.on_commit(lambda uid=user.pk: send_notice_email.delay(uid, message, link))
    audit_record(actor=actor, action="flag.notify", obj=flag, jurisdiction=cadre.jurisdiction,
                 summary=f"{message}，已通知{len(users)}人",
                 data={"recipients": recipients, "users": [u.pk for u in users]})
    return users


def rule_label_text(rule_ref: str) -> str:
    from jurisdictions.templatetags.portal import rule_label

    return rule_label(rule_ref)


def _reprimand_flags(actor, cadre, inspection, policy, membership) -> list[Flag]:
    pv = policy.get("inspection.reprimand_recall")
    if pv is None:
        return []
    count = Inspection.objects.filter(cadre=cadre, date__gte=membership.start_date).exclude(reprimand="").count()
    if count < pv.value["count"]:
        return []
    flag = _flag(actor, cadre, inspection, Flag.Kind.RECALL_CANDIDATE, pv.rule_ref,
                 f"督查中被责令书面检查或诫勉谈话累计{count}次", membership=membership)
    return [flag] if flag else []


def _flag(actor, cadre, inspection, kind, ref, detail, *, membership=None) -> Flag | None:
    """A notice per finding; a recall candidate once per cause (article and posting), not again on every later
    finding (issue 11): None when that cause has already raised it."""
    if kind == Flag.Kind.RECALL_CANDIDATE and membership is not None:
        flag, created = Flag.objects.get_or_create(
            cadre=cadre, kind=kind, key=f"recall:{ref}:membership:{membership.pk}",
            defaults={"jurisdiction_id": cadre.jurisdiction_id, "rule_ref": ref, "source": Flag.Source.INSPECTION,
                      "inspection": inspection, "detail": detail})
        if not created:
            return None
    else:
        flag = Flag.objects.create(jurisdiction_id=cadre.jurisdiction_id, cadre=cadre, kind=kind, rule_ref=ref,
                                   source=Flag.Source.INSPECTION, inspection=inspection,
                                   key=f"inspection:{inspection.pk}:{ref}", detail=detail)
    audit_record(actor=actor, action="flag.raise", obj=flag, jurisdiction=cadre.jurisdiction,
                 summary=f"{cadre.name}：{detail}，{flag.get_kind_display()}（{ref}）")
    return flag


# ---- work diaries (POLICY.md §10) -----------------------------------------------------------------

@transaction.atomic
def diary_create(*, actor, day: date, content: str, duty_area: str = DiaryEntry.DutyArea.OTHER,
                 kind: str = DiaryEntry.Kind.ENTRY, photo=None) -> DiaryEntry:
    """The cadre writes its own diary; the author is always the caller."""
    from teams.models import Cadre

    cadre = Cadre.objects.filter(user=actor).select_related("jurisdiction").first()
    if cadre is None:
        raise NotPermitted("只有驻村干部本人可以填写工作日志。", code="not_a_cadre")
    if day > timezone.localdate():
        raise InvalidInput("日志日期不能晚于今天。", code="future_date")
    if not content.strip():
        raise InvalidInput("日志内容不能为空。", code="empty_content")
    if duty_area not in DiaryEntry.DutyArea.values:
        raise InvalidInput(f"未知的工作类别：{duty_area}。", code="bad_duty_area")
    if kind == DiaryEntry.Kind.MONTHLY_SUMMARY:
        day = day.replace(day=1)
        if DiaryEntry.objects.filter(cadre=cadre, kind=kind, date=day).exists():
            raise StateConflict(f"{day.year}年{day.month}月的月度小结已填写。", code="summary_exists")
    if photo is not None:  # the content decides (issue 14), stored under a generated name
        from jurisdictions.uploads import checked_kind, generated_name

        kind_ = checked_kind(photo, allowed={".jpg", ".png", ".webp", ".heic"}, max_bytes=8 * 1024 * 1024, what="照片",
                              code="bad_photo")
        photo.name = generated_name(kind_)
    entry = DiaryEntry.objects.create(jurisdiction_id=cadre.jurisdiction_id, cadre=cadre, date=day, kind=kind,
                                      duty_area=duty_area, content=content.strip(), photo=photo or "")
    audit_record(actor=actor, action="diary.create", obj=entry, jurisdiction=cadre.jurisdiction,
                 summary=f"{cadre.name} {day} {entry.get_kind_display()}")
    return entry


def board_links_ensure(*, actor, villages) -> list:
    """The public whereabouts-board link of each village (fetched with `select_related("board_link")`), made the
    first time the township's sheet shows it (issue 14: an unguessable token instead of the sequential village id).
    No query (not even a savepoint) once every village has its link; the making is one transaction with its audit
    rows. Returns the links in the given order."""
    from .models import BoardLink

    villages = list(villages)
    if any(getattr(v, "board_link", None) is None for v in villages):
        with transaction.atomic():
            for village in villages:
                if getattr(village, "board_link", None) is None:
                    link, created = BoardLink.objects.get_or_create(village=village)
                    if created:
                        audit_record(actor=actor, action="board_link.create", obj=link,
                                     jurisdiction=village.jurisdiction, summary=f"生成{village.name}去向牌公开链接")
                    village.board_link = link
    for village in villages:
        village.board_link.village = village
    return [v.board_link for v in villages]
