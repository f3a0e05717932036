"""The stored report's counted / required days and compliance are computed set-based (reports.compliance, issue 12
scale) and must stay identical to the sheet's figures (`attendance.selectors.figures_for`) for every jurisdiction's
rule: statutory working days (qujiang art.13, linfen art.8, xinfeng default), a fixed number on the year-to-date
average (ganzhou art.16), a fraction of the month (fengdu art.9), postings that begin or end inside the month
(prorated, qujiang art.14 / fengdu art.9) and approved leave (excused where the policy says so)."""

from datetime import date, timedelta

import pytest

from attendance.selectors import figures_for
from conftest import build_world
from jurisdictions.models import Role
from reports import services
from reports.models import ReportRow
from tests import factories as f

APRIL = date(2026, 4, 1)


def span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def approved_leave(cadre, township, days, request_id):
    """Days written as leave by an approved leave request (what the leave service writes)."""
    from attendance.models import DailyRecord

    DailyRecord.objects.filter(cadre=cadre, date__in=days).delete()
    DailyRecord.objects.bulk_create([
        DailyRecord(jurisdiction_id=cadre.jurisdiction_id, cadre=cadre, township=township, date=d, status="leave",
                    source="leave", leave_request_id=request_id) for d in days])


def seed_shapes(w) -> list:
    """Cadres of township A (confirmed sheet) in every shape the required-days rule distinguishes."""
    ta, last = w.township_a, date(2026, 4, 30)
    cadres = []
    # in post all year, on duty most working days, a few absences and trips; two months before on record
    for n, absent in enumerate((0, 3, 8)):
        c = f.MembershipFactory(team=w.team_a, start_date=date(2025, 1, 1)).cadre
        f.attendance_days(c, ta, [d for d in span(APRIL, last) if d.weekday() < 5][absent:])
        f.attendance_days(c, ta, [d for d in span(APRIL, last) if d.weekday() < 5][:absent], status="absent")
        f.attendance_days(c, ta, span(date(2026, 2, 1), date(2026, 2, 18 + 4 * n)))  # February: 18–26 days
        f.attendance_days(c, ta, span(date(2026, 3, 1), date(2026, 3, 10)), status="official_business")
        cadres.append(c)
    # arrived on the 10th (prorated), on duty from then on
    c = f.MembershipFactory(team=w.team_a, start_date=date(2026, 4, 10)).cadre
    f.attendance_days(c, ta, span(date(2026, 4, 10), date(2026, 4, 25)))
    cadres.append(c)
    # left on the 20th
    c = f.MembershipFactory(team=w.team_a, start_date=date(2025, 6, 1), end_date=date(2026, 4, 20)).cadre
    f.attendance_days(c, ta, span(date(2026, 4, 1), date(2026, 4, 14)))
    cadres.append(c)
    # approved leave on working days and a weekend (excused or not, by the policy)
    c = f.MembershipFactory(team=w.team_a, start_date=date(2025, 1, 1)).cadre
    f.attendance_days(c, ta, span(APRIL, last))
    approved_leave(c, ta, span(date(2026, 4, 9), date(2026, 4, 14)), request_id=900001)
    f.attendance_days(c, ta, span(date(2026, 1, 5), date(2026, 1, 20)))
    cadres.append(c)
    # two postings in the month (team A until the 12th, another team of township A from the 15th), with leave
    team2 = f.TeamFactory(jurisdiction=w.jurisdiction, host_unit=w.village_a, name="甲村第二工作队")
    m = f.MembershipFactory(team=w.team_a, start_date=date(2026, 3, 1), end_date=date(2026, 4, 12))
    c = m.cadre
    f.MembershipFactory(team=team2, cadre=c, start_date=date(2026, 4, 15))
    f.attendance_days(c, ta, span(date(2026, 4, 1), date(2026, 4, 12)) + span(date(2026, 4, 15), last))
    approved_leave(c, ta, [date(2026, 4, 20), date(2026, 4, 21)], request_id=900002)
    f.attendance_days(c, ta, span(date(2026, 3, 1), date(2026, 3, 15)))
    cadres.append(c)
    # nothing recorded at all this month
    cadres.append(f.MembershipFactory(team=w.team_a, start_date=date(2025, 1, 1)).cadre)
    clerk = f.UserFactory(jurisdiction=w.jurisdiction)
    f.confirm_sheet(ta, APRIL, clerk)
    return cadres


@pytest.mark.parametrize("code", ["qujiang", "ganzhou", "linfen", "xinfeng", "fengdu"])
def test_each_cadres_counted_required_and_compliance_in_the_report_equal_the_sheets_figures(db, code):
    """qujiang art.13/14, ganzhou art.16 (year-to-date average of a fixed 20 days), linfen art.8, xinfeng default,
    fengdu art.9 (2/3 of the month, soft): prorated postings, two postings in a month and approved leave included."""
    w = build_world(code)
    cadres = seed_shapes(w)
    actor = f.user_with_role(Role.JURISDICTION_ADMIN, jurisdiction=w.jurisdiction)
    report, _ = services.report_request(actor=actor, jurisdiction=w.jurisdiction, month=APRIL)
    report = services.report_generate(report_id=report.id)
    rows = {r.cadre_id: r for r in ReportRow.objects.filter(report=report, level="cadre")}
    figures = figures_for(jurisdiction=w.jurisdiction, year=2026, month=4, cadre_ids=[c.id for c in cadres])
    got = {c.id: (rows[c.id].counted_days, rows[c.id].required_days, rows[c.id].compliant) for c in cadres}
    want = {c.id: (figures[c.id].counted_days, figures[c.id].required.days, int(figures[c.id].compliant))
            for c in cadres}
    assert got == want
    assert {v[2] for v in want.values()} == {0, 1}  # both outcomes are exercised
    assert len({v[1] for v in want.values()}) >= 3  # whole month, prorated and leave-reduced requirements differ
    if code == "ganzhou":  # the year-to-date average decides, not the month on its own (ganzhou art.16)
        assert any(fg.year_to_date and fg.compliant != fg.month_compliant for fg in figures.values())
