"""Issue 14, faults: a run survives a worker killed with `kill -9` and a Redis restart, done exactly once with the
output of an uninterrupted run. Each test starts its own Redis (never the machine's shared one on 6379) and real
Celery worker processes (`celery -A config worker`) on the test database; the run is slowed by a trigger that
sleeps on each statement written (test-only, dropped afterwards) and a chunk of one statement, and the test waits
on the run's progress field before it strikes."""

import os
import signal
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from conftest import build_world
from subsidies import services
from subsidies.models import Line, Statement, SubsidyRun
from tests import factories as f
from tests.celery_faults import VISIBILITY, own_redis, pool_children, send, worker_processes

from .conftest import JULY, JUNE, cadre_in_post, days, finance_of

CADRES = 30
TASK = "subsidies.tasks.subsidy_run_task"


@pytest.fixture
def private_redis():
    yield from own_redis()


@pytest.fixture
def workers(private_redis, tmp_path):
    yield from worker_processes(private_redis, tmp_path)


@pytest.fixture
def slow_statements(transactional_db):
    """Each statement written takes 0.1 s (a row trigger that sleeps), so a run of 30 cadres lasts seconds."""
    with connection.cursor() as c:
        c.execute("CREATE OR REPLACE FUNCTION faults_test_slow() RETURNS trigger AS "
                  "$$ BEGIN PERFORM pg_sleep(0.1); RETURN NEW; END $$ LANGUAGE plpgsql")
        c.execute("CREATE TRIGGER faults_test_slow BEFORE INSERT ON subsidies_statement "
                  "FOR EACH ROW EXECUTE FUNCTION faults_test_slow()")
    yield
    with connection.cursor() as c:
        c.execute("DROP TRIGGER IF EXISTS faults_test_slow ON subsidies_statement")
        c.execute("DROP FUNCTION IF EXISTS faults_test_slow()")


def _month_of_cadres():
    """Fengdu, June 2025: 30 cadres in post with 21 to 25 days each, the townships' sheets confirmed and reviewed."""
    w = build_world("fengdu")
    clerk = f.UserFactory(jurisdiction=w.jurisdiction)
    for i in range(CADRES):
        c = cadre_in_post(w)
        f.attendance_days(c, w.township_a, days(JUNE, 21 + i % 5))
    f.confirm_sheet(w.township_a, JUNE, clerk)
    return w, finance_of(w)


def _output():
    """What a run issues: each cadre's statement with its lines (kind, amount, article)."""
    out = {}
    for st in Statement.objects.filter(month=JUNE).prefetch_related("lines"):
        out[st.cadre_id] = (st.total, st.paid_days, sorted((ln.kind, ln.quantity, ln.rate, ln.amount, ln.rule_ref,
                                                             ln.for_month) for ln in st.lines.all()))
    return out


def _uninterrupted(w, fin):
    """The same month computed in-process without interruption; then its statements and run are removed again."""
    run = SubsidyRun.objects.create(jurisdiction=w.jurisdiction, month=JUNE, created_by=fin)
    run = services.subsidy_run_execute(run_id=run.id, chunk=1)
    expected = (_output(), run.total, run.statement_count)
    Line.objects.filter(statement__month=JUNE).delete()
    Statement.objects.filter(month=JUNE).delete()
    run.delete()
    return expected


def _wait(run_id: int, done, timeout: float, what: str, log=lambda: "") -> SubsidyRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = SubsidyRun.objects.get(pk=run_id)
        if done(run):
            return run
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}: {run.status} {run.progress}%\n{log()[-4000:]}")


@pytest.mark.celery_worker
def test_a_worker_killed_with_kill_9_mid_run_is_resumed_by_the_next_worker_once_with_identical_output(
        seeded_transactional_db, slow_statements, private_redis, workers):
    w, fin = _month_of_cadres()
    expected, expected_total, expected_count = _uninterrupted(w, fin)
    assert expected_count == CADRES and expected_total > Decimal("0.00")

    run = SubsidyRun.objects.create(jurisdiction=w.jurisdiction, month=JUNE, created_by=fin)
    first = workers.start()
    send(private_redis.url, TASK, run.id)
    _wait(run.id, lambda r: r.progress >= 20, 25, "the first worker's progress", lambda: workers.log(0))
    delivered_at = time.monotonic()
    workers.kill9(first)

    killed = SubsidyRun.objects.get(pk=run.id)
    written = Statement.objects.filter(month=JUNE).count()
    assert killed.status == SubsidyRun.Status.RUNNING and 0 < written < CADRES, (killed.status, written)

    # the message is due to be handed out again when the next worker starts (it looks once then, then every ~100 s)
    time.sleep(max(0.0, VISIBILITY + 0.5 - (time.monotonic() - delivered_at)))
    workers.start()
    done = _wait(run.id, lambda r: r.status in ("done", "failed"), 40, "the second worker to finish the run",
                 lambda: workers.log(1))

    assert done.status == "done", (done.error, workers.log(1)[-3000:])
    assert done.attempts == 2  # the killed attempt and the resumed one
    assert SubsidyRun.objects.filter(month=JUNE).count() == 1
    assert Statement.objects.filter(month=JUNE).count() == CADRES  # each cadre once
    assert _output() == expected
    assert (done.total, done.statement_count) == (expected_total, expected_count)


@pytest.mark.celery_worker
def test_a_run_under_way_when_redis_restarts_finishes_once_and_the_worker_takes_tasks_again(
        seeded_transactional_db, slow_statements, private_redis, workers):
    w, fin = _month_of_cadres()
    expected, expected_total, expected_count = _uninterrupted(w, fin)

    run = SubsidyRun.objects.create(jurisdiction=w.jurisdiction, month=JUNE, created_by=fin)
    workers.start()
    send(private_redis.url, TASK, run.id)
    _wait(run.id, lambda r: r.progress >= 20, 25, "the worker's progress", lambda: workers.log(0))
    private_redis.kill()  # every message and unacknowledged delivery is lost with it (no persistence)
    time.sleep(1)
    assert SubsidyRun.objects.get(pk=run.id).status == SubsidyRun.Status.RUNNING
    private_redis.start()  # the same port, empty
    done = _wait(run.id, lambda r: r.status in ("done", "failed"), 40, "the run to finish", lambda: workers.log(0))

    assert done.status == "done", (done.error, workers.log(0)[-3000:])
    assert done.attempts == 1
    assert Statement.objects.filter(month=JUNE).count() == CADRES
    assert _output() == expected
    assert (done.total, done.statement_count) == (expected_total, expected_count)

    # the worker reconnected: the same run sent again (a duplicate delivery) is taken and changes nothing
    task_id = send(private_redis.url, TASK, run.id)
    deadline = time.monotonic() + 30
    while f"[{task_id}] succeeded" not in workers.log(0) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert f"[{task_id}] succeeded" in workers.log(0), workers.log(0)[-3000:]
    again = SubsidyRun.objects.get(pk=run.id)
    assert (again.attempts, again.total, again.statement_count) == (1, expected_total, expected_count)
    assert _output() == expected


@pytest.mark.celery_worker
def test_a_pool_process_killed_mid_run_under_a_live_worker_is_requeued_at_once_and_the_run_resumes(
        seeded_transactional_db, slow_statements, private_redis, workers):
    """task_reject_on_worker_lost: the main process sees its pool child die and requeues the message (without it the
    task is marked failed with WorkerLostError, acknowledged, and the run stays 'running' for ever)."""
    w, fin = _month_of_cadres()
    expected, expected_total, expected_count = _uninterrupted(w, fin)

    run = SubsidyRun.objects.create(jurisdiction=w.jurisdiction, month=JUNE, created_by=fin)
    main = workers.start()
    send(private_redis.url, TASK, run.id)
    _wait(run.id, lambda r: r.progress >= 20, 25, "the worker's progress", lambda: workers.log(0))
    children = pool_children(main.pid)
    assert len(children) == 1, children
    os.kill(children[0], signal.SIGKILL)
    done = _wait(run.id, lambda r: r.status in ("done", "failed"), 40, "the run to be resumed", lambda: workers.log(0))

    assert main.poll() is None  # the worker itself lived on
    assert done.status == "done", (done.error, workers.log(0)[-3000:])
    assert done.attempts == 2
    assert Statement.objects.filter(month=JUNE).count() == CADRES
    assert _output() == expected
    assert (done.total, done.statement_count) == (expected_total, expected_count)


@pytest.mark.celery_worker
def test_a_run_whose_message_was_lost_with_a_redis_restart_is_queued_again_by_the_sweep_and_done_once(
        seeded_transactional_db, private_redis, workers):
    w, fin = _month_of_cadres()
    run = SubsidyRun.objects.create(jurisdiction=w.jurisdiction, month=JUNE, created_by=fin)
    SubsidyRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(hours=1))  # its message: gone
    workers.start()
    send(private_redis.url, "subsidies.tasks.requeue_stalled_runs")  # what beat sends every 15 minutes
    done = _wait(run.id, lambda r: r.status in ("done", "failed"), 40, "the swept run", lambda: workers.log(0))

    assert done.status == "done" and done.attempts == 1, (done.error, workers.log(0)[-3000:])
    assert done.statement_count == CADRES == Statement.objects.filter(month=JUNE).count()


def test_the_sweep_finds_runs_whose_task_was_lost_but_not_one_just_queued_or_one_a_worker_holds(db):
    """Issue 14: pending past the visibility timeout, or running with the month's lock free (its worker died), is
    queued again; a run just created, or running under a live worker's lock, is not."""
    import psycopg2
    from django.conf import settings

    from subsidies.tasks import stalled_run_ids

    w = build_world("fengdu")
    hour_ago = timezone.now() - timedelta(hours=1)
    lost = SubsidyRun.objects.create(jurisdiction=w.jurisdiction, month=JUNE)
    fresh = SubsidyRun.objects.create(jurisdiction=w.jurisdiction, month=JULY)
    dead = SubsidyRun.objects.create(jurisdiction=w.jurisdiction, month=date(2025, 8, 1), status="running",
                                     started_at=hour_ago)
    alive = SubsidyRun.objects.create(jurisdiction=w.jurisdiction, month=date(2025, 9, 1), status="running",
                                      started_at=hour_ago)
    SubsidyRun.objects.filter(pk__in=[lost.pk, dead.pk, alive.pk]).update(created_at=hour_ago)
    db_ = settings.DATABASES["default"]
    worker = psycopg2.connect(host=db_["HOST"] or "127.0.0.1", port=db_["PORT"] or 5432, user=db_["USER"],
                              password=db_["PASSWORD"] or None, dbname=db_["NAME"])
    try:
        with worker.cursor() as c:  # a live worker computing September holds the month's lock
            c.execute("SELECT pg_advisory_lock(%s, %s)", (w.jurisdiction.id, 202509))
        assert stalled_run_ids() == sorted([lost.id, dead.id])
    finally:
        worker.close()
    assert fresh.id not in stalled_run_ids() and alive.id in stalled_run_ids()  # its worker gone: lost too
