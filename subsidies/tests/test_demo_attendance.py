"""`load_demo_attendance`: two complete months of demo attendance and confirmed sheets, written once."""

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from attendance.management.commands.load_demo_attendance import complete_months
from attendance.models import AttendanceSheet, DailyRecord
from jurisdictions.calendar import month_calendar
from jurisdictions.models import DispatchUnit
from subsidies.models import Statement
from tests import factories as f

from .conftest import cadre_in_post, run_month


def _load() -> str:
    out = StringIO()
    call_command("load_demo_attendance", stdout=out)
    return out.getvalue()


def test_demo_attendance_fills_two_complete_months_and_confirms_the_sheets_once(world, other_world):
    admin = f.UserFactory(username="admin", is_superuser=True, is_staff=True)
    older, newer = complete_months(timezone.localdate())
    a1 = cadre_in_post(world, start=older.replace(year=older.year - 1))  # team A, in a village of township A
    a2 = cadre_in_post(world, start=older.replace(year=older.year - 1))
    town_team = f.TeamFactory(jurisdiction=world.jurisdiction, kind="town", host_unit=world.township_b)
    b1 = cadre_in_post(world, start=older.replace(year=older.year - 1), team=town_team)
    left = cadre_in_post(world, start=older.replace(year=older.year - 1), end=older)  # not active: no days
    fengdu = f.MembershipFactory(team=other_world.team_a, start_date=older.replace(year=older.year - 1),
                                 cadre=f.CadreFactory(jurisdiction=other_world.jurisdiction,
                                                      dispatch_unit=other_world.dispatch_unit,
                                                      dispatch_level=DispatchUnit.Level.COUNTY)).cadre

    assert "已生成" in _load()

    working = {m: month_calendar(m.year, m.month).working_days for m in (older, newer)}
    for cadre, township in ((a1, world.township_a), (a2, world.township_a), (b1, world.township_b),
                            (fengdu, other_world.township_a)):
        rows = DailyRecord.objects.filter(cadre=cadre)
        assert sorted(rows.values_list("date", flat=True)) == working[older] + working[newer]
        assert set(rows.values_list("township_id", flat=True)) == {township.id}  # the team's township
        assert rows.filter(status="on_duty").count() >= len(working[older] + working[newer]) - 6
    assert set(DailyRecord.objects.values_list("status", flat=True)) > {"on_duty"}  # some rest/leave/absent
    assert not DailyRecord.objects.filter(cadre=left).exists()

    sheets = set(AttendanceSheet.objects.values_list("township_id", "month"))
    # the older month: every township; the newer: all but one per jurisdiction (fengdu has only one)
    assert {(t.id, older) for t in (world.township_a, world.township_b, other_world.township_a)} <= sheets
    newer_ganzhou = {t for (t, m) in sheets if m == newer} & {world.township_a.id, world.township_b.id}
    assert len(newer_ganzhou) == 1 and (other_world.township_a.id, newer) in sheets
    assert len(sheets) == 5
    assert set(AttendanceSheet.objects.values_list("confirmed_by", flat=True)) == {admin.id}

    before = (DailyRecord.objects.count(), AttendanceSheet.objects.count())
    assert "已存在" in _load()
    assert (DailyRecord.objects.count(), AttendanceSheet.objects.count()) == before

    # the newer month can be run and names the township left unconfirmed
    run = run_month(world, newer)
    assert run.status == "done" and len(run.missing_sheets) == 1
    assert Statement.objects.filter(month=newer).count() == run.statement_count >= 1


def test_demo_attendance_does_nothing_without_the_demo_admin(world):
    cadre_in_post(world)
    assert "load_demo" in _load()
    assert not DailyRecord.objects.exists() and not AttendanceSheet.objects.exists()
