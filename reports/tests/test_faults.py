"""Issue 14, faults: a monthly report whose worker is killed with `kill -9` mid-generation is generated once, by the
next worker, with the figures of an uninterrupted generation (the report is written in one transaction: the killed
attempt leaves nothing). Its own Redis and real worker processes (tests/celery_faults.py)."""

import time

import pytest
from django.db import connection

from conftest import build_world
from reports import services
from reports.models import MonthlyReport, ReportRow
from tests.celery_faults import VISIBILITY, own_redis, send, wait_for, worker_processes

from .conftest import MARCH, seed_month

TASK = "reports.tasks.monthly_report_task"


@pytest.fixture
def private_redis():
    yield from own_redis()


@pytest.fixture
def workers(private_redis, tmp_path):
    yield from worker_processes(private_redis, tmp_path)


@pytest.fixture
def slow_report_rows(transactional_db):
    """slow(): from then on each report row written takes 0.5 s (a row trigger that sleeps; dropped afterwards)."""
    table = ReportRow._meta.db_table

    def slow():
        with connection.cursor() as c:
            c.execute("CREATE OR REPLACE FUNCTION faults_test_slow_rows() RETURNS trigger AS "
                      "$$ BEGIN PERFORM pg_sleep(0.5); RETURN NEW; END $$ LANGUAGE plpgsql")
            c.execute(f"CREATE TRIGGER faults_test_slow_rows BEFORE INSERT ON {table} "
                      "FOR EACH ROW EXECUTE FUNCTION faults_test_slow_rows()")

    yield slow
    with connection.cursor() as c:
        c.execute(f"DROP TRIGGER IF EXISTS faults_test_slow_rows ON {table}")
        c.execute("DROP FUNCTION IF EXISTS faults_test_slow_rows()")


def _figures(report):
    rows = sorted((r.level, r.name, sorted(r.figures().items())) for r in ReportRow.objects.filter(report=report))
    return report.totals, rows


def _sleeping_in_the_database() -> int:
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep'")
        return c.fetchone()[0]


@pytest.mark.celery_worker
def test_a_report_whose_worker_is_killed_mid_generation_is_generated_once_by_the_next_worker(
        seeded_transactional_db, slow_report_rows, private_redis, workers):
    m = seed_month(build_world("ganzhou"))
    baseline = services.report_generate(report_id=MonthlyReport.objects.create(
        jurisdiction=m.world.jurisdiction, month=MARCH, created_by=m.org_dept).id)
    slow_report_rows()

    report = MonthlyReport.objects.create(jurisdiction=m.world.jurisdiction, month=MARCH, created_by=m.org_dept)
    first = workers.start()
    send(private_redis.url, TASK, report.id)
    wait_for(_sleeping_in_the_database, bool, 25, "the worker to be writing rows", lambda: workers.log(0))
    taken_by = time.monotonic()  # the worker took the message before this (the restore counts from then)
    workers.kill9(first)

    report.refresh_from_db()
    assert report.status == "pending" and report.attempts == 0 and not ReportRow.objects.filter(report=report).exists()

    # the message is due to be handed out again when the next worker starts (it looks once then, then every ~100 s)
    time.sleep(max(0.0, VISIBILITY + 0.5 - (time.monotonic() - taken_by)))
    workers.start()
    done = wait_for(lambda: MonthlyReport.objects.get(pk=report.pk), lambda r: r.status != "pending", 40,
                    "the next worker to generate the report", lambda: workers.log(1))

    assert done.status == "done", (done.error, workers.log(1)[-3000:])
    assert done.attempts == 1 and done.version == baseline.version + 1  # one generation, one version
    assert MonthlyReport.objects.filter(month=MARCH, status="done").count() == 2
    assert _figures(done) == _figures(baseline)


def test_the_sweep_queues_again_a_report_pending_past_the_visibility_timeout_but_not_one_just_asked_for(db):
    """Issue 14: a Redis restart loses a queued report's message; beat's sweep finds it (and only it)."""
    from datetime import timedelta

    from django.utils import timezone

    from reports.tasks import stalled_report_ids

    w = build_world("ganzhou")
    lost = MonthlyReport.objects.create(jurisdiction=w.jurisdiction, month=MARCH)
    MonthlyReport.objects.create(jurisdiction=w.jurisdiction, month=MARCH)  # just asked for
    done = MonthlyReport.objects.create(jurisdiction=w.jurisdiction, month=MARCH, status="done", version=1)
    MonthlyReport.objects.filter(pk__in=[lost.pk, done.pk]).update(created_at=timezone.now() - timedelta(hours=1))
    assert stalled_report_ids() == [lost.id]


def test_the_beat_schedule_sweeps_stalled_runs_and_reports_every_15_minutes(settings):
    from celery.schedules import crontab

    import reports.tasks  # noqa: F401  (registers the tasks with the app)
    import subsidies.tasks  # noqa: F401
    from config.celery import app

    for name, task in (("requeue-stalled-runs", "subsidies.tasks.requeue_stalled_runs"),
                       ("requeue-stalled-reports", "reports.tasks.requeue_stalled_reports")):
        entry = settings.CELERY_BEAT_SCHEDULE[name]
        assert entry["task"] == task and entry["schedule"] == crontab(minute="*/15") and task in app.tasks
