"""A seeded month for report tests: two teams in two townships of one county, records of every kind."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jurisdictions.models import Role
from tests import factories as f

MARCH = date(2026, 3, 1)


def aware(day: date, hour: int = 10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def days(first: date, n: int, start_day: int = 1) -> list[date]:
    return [first.replace(day=start_day) + timedelta(days=i) for i in range(n)]


@dataclass
class Month:
    world: object
    team_b: object
    c1: object
    c2: object
    c3: object
    org_dept: object
    clerk: object


def leave(cadre, team, township, start, end, status="approved", **kw):
    from leave.models import LeaveRequest

    return LeaveRequest.objects.create(
        jurisdiction_id=cadre.jurisdiction_id, cadre=cadre, team=team, township=township, kind="personal",
        start_date=start, end_date=end, days=(end - start).days + 1, reason="家中有事", status=status,
        route_key="leave.route.short", rule_ref="ganzhou art.17", submitted_by=kw.pop("by"), **kw)


def seed_month(w, month=MARCH) -> Month:
    """Team A (village A, township A: sheet confirmed) with cadres 1 and 2; team B (village B, township B: no sheet)
    with cadre 3. Attendance, approved and rejected leave, inspections, flags, diaries and fund spending."""
    from attendance.models import DiaryEntry, Flag, Inspection
    from funds.models import Expenditure, FundAccount

    clerk = f.UserFactory(jurisdiction=w.jurisdiction)
    team_b = f.TeamFactory(jurisdiction=w.jurisdiction, host_unit=w.village_b, name="乙村驻村工作队")
    c1, c2 = (f.MembershipFactory(team=w.team_a, start_date=date(2025, 1, 1)).cadre for _ in range(2))
    c3 = f.MembershipFactory(team=team_b, start_date=date(2025, 1, 1)).cadre
    f.attendance_days(c1, w.township_a, days(month, 20))
    f.attendance_days(c1, w.township_a, days(month, 2, start_day=21), status="absent")
    f.attendance_days(c2, w.township_a, days(month, 8))
    f.attendance_days(c2, w.township_a, days(month, 3, start_day=9), status="leave")
    f.attendance_days(c3, w.township_b, days(month, 5))
    f.confirm_sheet(w.township_a, month, clerk)
    # leave: 3 days inside the month, one that runs over its end (2 of its days count), a rejected one (not counted)
    leave(c2, w.team_a, w.township_a, month.replace(day=9), month.replace(day=11), by=clerk)
    leave(c3, team_b, w.township_b, month.replace(day=30), month.replace(day=30) + timedelta(days=4), by=clerk)
    leave(c1, w.team_a, w.township_a, month.replace(day=25), month.replace(day=26), status="rejected", by=clerk)
    for cadre, result in ((c1, "absent_unexcused"), (c1, "present"), (c3, "present")):
        Inspection.objects.create(jurisdiction=w.jurisdiction, cadre=cadre, date=month.replace(day=15), level="city",
                                  result=result, recorded_by=clerk)
    flag = Flag.objects.create(jurisdiction=w.jurisdiction, cadre=c1, kind="recall_candidate", rule_ref="ganzhou art.21",
                               source="inspection", key="t1", detail="无故脱岗")
    Flag.objects.filter(pk=flag.pk).update(created_at=aware(month.replace(day=16)))
    old = Flag.objects.create(jurisdiction=w.jurisdiction, cadre=c3, kind="notice", rule_ref="ganzhou art.21",
                              source="inspection", key="t2")
    Flag.objects.filter(pk=old.pk).update(created_at=aware(month - timedelta(days=3)))  # the month before
    for d in (2, 3, 4):
        DiaryEntry.objects.create(jurisdiction=w.jurisdiction, cadre=c1, date=month.replace(day=d), content="走访")
    DiaryEntry.objects.create(jurisdiction=w.jurisdiction, cadre=c3, date=month.replace(day=5), content="例会")
    acc = FundAccount.objects.create(jurisdiction=w.jurisdiction, team=w.team_a, year=month.year,
                                     source="county_finance", amount=Decimal("10000.00"))
    FundAccount.objects.create(jurisdiction=w.jurisdiction, team=team_b, year=month.year, source="county_finance",
                               amount=Decimal("5000.00"))
    for amount, status, day in ((Decimal("1200.50"), "approved", 10), (Decimal("300.00"), "pending", 11),
                                (Decimal("99.00"), "approved", None)):
        Expenditure.objects.create(jurisdiction=w.jurisdiction, account=acc, amount=amount, category="publicity",
                                   payee="宣传栏", status=status,
                                   decided_at=aware(month.replace(day=day)) if day else aware(month - timedelta(days=5)))
    org_dept = f.user_with_role(Role.COUNTY_ORG_DEPT, jurisdiction=w.jurisdiction, email="zzb@example.cn")
    return Month(w, team_b, c1, c2, c3, org_dept, clerk)


@pytest.fixture
def month(world):
    return seed_month(world)


def generate(m: Month, month=MARCH):
    from reports import services

    report, _ = services.report_request(actor=m.org_dept, jurisdiction=m.world.jurisdiction, month=month)
    return services.report_generate(report_id=report.id)
