"""Stored monthly reports: every figure equals the sum of the records; missing is not zero; versions are kept."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum

from attendance.models import DailyRecord, DiaryEntry, Inspection
from attendance.selectors import figures_for
from jurisdictions.errors import RuleViolation
from reports import services
from reports.models import MonthlyReport, ReportRow

from .conftest import MARCH, generate


def test_the_stored_figures_equal_the_sums_of_the_records_for_a_seeded_month(month):
    m, w = month, month.world
    report = generate(m)
    t = report.totals
    march = (MARCH, date(2026, 3, 31))
    records = DailyRecord.objects.filter(jurisdiction=w.jurisdiction, date__range=march)
    assert t["cadres"] == 3 and t["teams"] == 2
    assert t["on_duty_days"] == records.filter(status="on_duty").count() == 33
    assert t["recorded_days"] == records.count() == 38
    # approved leave overlapping March, counted inside March: 3 days (9–11) + 2 days (30–31); the rejected one is not
    assert t["leave_requests"] == 2 and t["leave_days"] == 5
    assert t["inspections"] == Inspection.objects.filter(date__range=march).count() == 3
    assert t["unexcused_absences"] == 1
    assert t["flags"] == 1  # the flag raised in February is not March's
    assert t["diaries"] == DiaryEntry.objects.filter(date__range=march).count() == 4
    assert t["diaries_missing"] == 1  # cadre 2 wrote nothing in March
    assert t["fund_budget"] == "15000.00"
    assert t["fund_spent"] == "1200.50"  # approved in March only: not pending, not approved in February
    # counted/required days and compliance from the attendance rules, for township A (the only confirmed sheet)
    figs = figures_for(jurisdiction=w.jurisdiction, year=2026, month=3, cadre_ids=[m.c1.id, m.c2.id])
    assert t["counted_days"] == sum(fg.counted_days for fg in figs.values())
    assert t["required_days"] == sum(fg.required.days for fg in figs.values())
    assert t["compliant"] == sum(1 for fg in figs.values() if fg.compliant)
    assert t["compliant"] + t["non_compliant"] == 2
    # every level adds up to the level above
    rows = ReportRow.objects.filter(report=report)
    for level in ("cadre", "team", "township"):
        sums = rows.filter(level=level).aggregate(c=Sum("cadres"), d=Sum("on_duty_days"), lv=Sum("leave_days"),
                                                   s=Sum("fund_spent"))
        # funds belong to teams: a cadre row carries none
        spent = Decimal("0.00") if level == "cadre" else Decimal("1200.50")
        assert (sums["c"], sums["d"], sums["lv"], sums["s"]) == (3, 33, 5, spent), level
    county = rows.get(level="county")
    assert county.county_id == w.county.id and county.cadres == 3 and county.teams == 2


def test_a_month_without_a_confirmed_sheet_or_a_subsidy_run_shows_those_figures_as_missing_not_zero(month):
    m, w = month, month.world
    report = generate(m)
    assert report.totals["allowance_total"] is None  # no subsidy run for March
    b = ReportRow.objects.get(report=report, level="township", township=w.township_b)
    assert b.counted_days is None and b.required_days is None and b.compliant is None
    assert b.sheets_unconfirmed == 1 and b.on_duty_days == 5  # what was recorded still counts
    a = ReportRow.objects.get(report=report, level="township", township=w.township_a)
    assert a.counted_days is not None and a.sheets_unconfirmed == 0
    assert report.totals["sheets_unconfirmed"] == 1


def test_regenerating_makes_a_new_version_and_keeps_the_old_one(month):
    m = month
    first = generate(m)
    DiaryEntry.objects.create(jurisdiction=m.world.jurisdiction, cadre=m.c2, date=date(2026, 3, 20), content="补记")
    second = generate(m)
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert first.totals["diaries"] == 4 and second.totals["diaries"] == 5
    assert ReportRow.objects.filter(report=first).count() == ReportRow.objects.filter(report=second).count()


def test_a_retried_task_makes_one_version(month):
    from reports.tasks import monthly_report_task

    m = month
    report, _ = services.report_request(actor=m.org_dept, jurisdiction=m.world.jurisdiction, month=MARCH)
    monthly_report_task.apply(args=[report.id])
    monthly_report_task.apply(args=[report.id])  # delivered again (acks_late, a worker restart)
    assert MonthlyReport.objects.filter(jurisdiction=m.world.jurisdiction, month=MARCH, status="done").count() == 1
    assert ReportRow.objects.filter(report=report, level="jurisdiction").count() == 1


def test_a_generation_that_fails_midway_leaves_the_report_pending_with_no_rows(month, monkeypatch):
    m = month
    report, _ = services.report_request(actor=m.org_dept, jurisdiction=m.world.jurisdiction, month=MARCH)

    def broken(*a, **k):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(services, "_extras", broken)  # after the rows are inserted, before the version is written
    with pytest.raises(RuntimeError):
        services.report_generate(report_id=report.id)
    report.refresh_from_db()
    assert report.status == "pending" and report.version is None
    assert not ReportRow.objects.filter(report=report).exists()
    monkeypatch.undo()
    assert services.report_generate(report_id=report.id).version == 1


def test_the_beat_schedule_generates_last_months_reports_on_the_first(settings):
    from celery.schedules import crontab

    entry = settings.CELERY_BEAT_SCHEDULE["monthly-reports"]
    assert entry["task"] == "reports.tasks.monthly_reports_beat"
    assert entry["schedule"] == crontab(minute=30, hour=1, day_of_month=1)
    import reports.tasks  # noqa: F401
    from config.celery import app
    assert "reports.tasks.monthly_reports_beat" in app.tasks


def test_a_beat_run_twice_on_the_first_makes_one_report_per_jurisdiction(month):
    ids = services.beat_monthly_reports(today=date(2026, 4, 1))
    again = services.beat_monthly_reports(today=date(2026, 4, 1))
    assert ids == again and len(ids) == 5  # the five seeded jurisdictions
    for rid in ids:
        services.report_generate(report_id=rid)
    assert MonthlyReport.objects.filter(month=MARCH, trigger="beat", status="done").count() == 5
    assert services.beat_monthly_reports(today=date(2026, 4, 1)) == []


def test_a_month_before_the_regulation_took_effect_is_refused_with_no_policy(month):
    with pytest.raises(RuleViolation) as exc:
        services.report_request(actor=month.org_dept, jurisdiction=month.world.jurisdiction, month=date(2020, 1, 1))
    assert exc.value.code == "no_policy"


def test_the_receiving_roles_get_a_portal_notice_and_an_email_when_the_report_is_ready(month, mailoutbox,
                                                                                       django_capture_on_commit_callbacks, alice):
    from jurisdictions.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        generate(month)
    assert Notification.objects.filter(user=month.org_dept, message__contains="2026年03月月度报告已生成").exists()
    assert not Notification.objects.filter(user=alice).exists()  # a township secretary is not a receiver
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["zzb@example.cn"]
    assert "/dashboard/?jurisdiction=ganzhou&month=2026-03" in mailoutbox[0].body


def test_after_the_subsidy_run_the_allowance_total_equals_the_issued_statements(month):
    from subsidies.models import Statement
    from subsidies.tests.conftest import enter_open_rates, run_month

    m = month
    enter_open_rates(m.world)
    run = run_month(m.world, MARCH)
    assert run.status == "done"
    report = generate(m)
    issued = Statement.objects.filter(month=MARCH).aggregate(s=Sum("total"))["s"]
    assert issued and report.totals["allowance_total"] == f"{issued:.2f}"
    by_cadre = dict(Statement.objects.filter(month=MARCH).values_list("cadre_id", "total"))
    for row in ReportRow.objects.filter(report=report, level="cadre"):
        assert row.allowance_total == by_cadre.get(row.cadre_id, Decimal("0.00"))  # paid nothing: 0, not missing
