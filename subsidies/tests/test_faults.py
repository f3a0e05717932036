"""Issue 14, faults: a run survives a worker killed with `kill -9` and a Redis restart, done exactly once with the
output of an uninterrupted run. Each test starts its own Redis (never the machine's shared one on 6379) and real
Celery worker processes (`celery -A config worker`) on the test database; the run is slowed by a trigger that
sleeps on each statement written (test-only, dropped afterwards) and a chunk of one statement, and the test waits
on the run's progress field before it strikes."""

import os
import signal
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from conftest import build_world
from subsidies import services
from subsidies.models import Line, Statement, SubsidyRun
from tests import factories as f

from .conftest import JUNE, cadre_in_post, days, finance_of

ROOT = Path(__file__).resolve().parents[2]
CADRES = 30
VISIBILITY = 3  # seconds: the workers of these tests hand out again a message unacknowledged that long
TASK = "subsidies.tasks.subsidy_run_task"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test alone, on a free port, with no persistence: a restart loses every message."""

    def __init__(self):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(  # noqa: S603
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


@pytest.fixture
def private_redis():
    r = PrivateRedis()
    r.start()
    yield r
    r.kill()


class Workers:
    """Celery worker processes, each in its own process group (kill -9 takes the main process and its pool)."""

    def __init__(self, broker_url: str, log_dir: Path):
        db = settings.DATABASES["default"]
        self.env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test", "DB_CONN_MAX_AGE": "0",
            "DATABASE_URL": f"postgres://{db['USER']}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}"
                            f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": broker_url, "CELERY_RESULT_BACKEND": broker_url,
            "SUBSIDY_RUN_CHUNK": "1", "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY)}
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        n = len(self.procs)
        log = open(self.log_dir / f"worker{n}.log", "wb")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "prefork", "-c", "1", "-l", "info",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"faults{n}-{os.getpid()}@%h"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        proc.log = log
        self.procs.append(proc)
        return proc

    @staticmethod
    def kill9(proc: subprocess.Popen):
        """kill -9 of the worker's whole process group: no warm shutdown, no reject, no ack."""
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(10)
        proc.log.close()

    def log(self, n: int) -> str:
        return (self.log_dir / f"worker{n}.log").read_text(errors="replace")

    def stop_all(self):
        for proc in self.procs:
            if proc.poll() is None:
                self.kill9(proc)


@pytest.fixture
def workers(private_redis, tmp_path):
    w = Workers(private_redis.url, tmp_path)
    yield w
    w.stop_all()


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


def _send(broker_url: str, run_id: int) -> str:
    """Publish the run's task on the test's own Redis (the producer pointed at it, as the API's would be)."""
    producer = Celery("faults-producer")
    # an explicit connection: the environment's CELERY_BROKER_URL would win over a `broker=` argument
    with producer.connection_for_write(broker_url) as conn:
        return producer.send_task(TASK, args=[run_id], ignore_result=True, connection=conn).id


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
    _send(private_redis.url, run.id)
    _wait(run.id, lambda r: r.progress >= 20, 25, "the first worker's progress", lambda: workers.log(0))
    delivered_at = time.monotonic()
    workers.kill9(first)

    killed = SubsidyRun.objects.get(pk=run.id)
    written = Statement.objects.filter(month=JUNE).count()
    assert killed.status == SubsidyRun.Status.RUNNING and 0 < written < CADRES, (killed.status, written)

    time.sleep(max(0.0, VISIBILITY - (time.monotonic() - delivered_at)))  # the message is due to be handed out again
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
    _send(private_redis.url, run.id)
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
    task_id = _send(private_redis.url, run.id)
    deadline = time.monotonic() + 30
    while f"[{task_id}] succeeded" not in workers.log(0) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert f"[{task_id}] succeeded" in workers.log(0), workers.log(0)[-3000:]
    again = SubsidyRun.objects.get(pk=run.id)
    assert (again.attempts, again.total, again.statement_count) == (1, expected_total, expected_count)
    assert _output() == expected


def _pool_children(main_pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(main_pid)], capture_output=True, text=True)  # noqa: S603, S607
    return [int(p) for p in out.stdout.split()]


@pytest.mark.celery_worker
def test_a_pool_process_killed_mid_run_under_a_live_worker_is_requeued_at_once_and_the_run_resumes(
        seeded_transactional_db, slow_statements, private_redis, workers):
    """task_reject_on_worker_lost: the main process sees its pool child die and requeues the message (without it the
    task is marked failed with WorkerLostError, acknowledged, and the run stays 'running' for ever)."""
    w, fin = _month_of_cadres()
    expected, expected_total, expected_count = _uninterrupted(w, fin)

    run = SubsidyRun.objects.create(jurisdiction=w.jurisdiction, month=JUNE, created_by=fin)
    main = workers.start()
    _send(private_redis.url, run.id)
    _wait(run.id, lambda r: r.progress >= 20, 25, "the worker's progress", lambda: workers.log(0))
    children = _pool_children(main.pid)
    assert len(children) == 1, children
    os.kill(children[0], signal.SIGKILL)
    done = _wait(run.id, lambda r: r.status in ("done", "failed"), 40, "the run to be resumed", lambda: workers.log(0))

    assert main.poll() is None  # the worker itself lived on
    assert done.status == "done", (done.error, workers.log(0)[-3000:])
    assert done.attempts == 2
    assert Statement.objects.filter(month=JUNE).count() == CADRES
    assert _output() == expected
    assert (done.total, done.statement_count) == (expected_total, expected_count)
