"""Real Celery workers and a Redis of a test's own, for the fault tests (issue 14): `kill -9` of a worker's process
group or of its pool child, a Redis killed and started again on the same port. Never the machine's shared Redis."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from celery import Celery
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
VISIBILITY = 3  # seconds: the workers of these tests hand out again a message unacknowledged that long


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


def own_redis():
    """For a fixture (`yield from own_redis()`): a started PrivateRedis, killed afterwards."""
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


def worker_processes(redis: PrivateRedis, log_dir: Path):
    """For a fixture: Workers on that Redis, every one still alive killed afterwards."""
    w = Workers(redis.url, log_dir)
    yield w
    w.stop_all()


def send(broker_url: str, task: str, *args) -> str:
    """Publish a task on the test's own Redis (the producer pointed at it, as the API's would be)."""
    producer = Celery("faults-producer")
    # an explicit connection: the environment's CELERY_BROKER_URL would win over a `broker=` argument
    with producer.connection_for_write(broker_url) as conn:
        return producer.send_task(task, args=list(args), ignore_result=True, connection=conn).id


def pool_children(main_pid: int) -> list[int]:
    """The worker's pool processes (children of its main process), read from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == main_pid:  # after "pid (comm)": state, ppid, ...
            children.append(int(stat.parent.name))
    return children


def wait_for(fetch, done, timeout: float, what: str, log=lambda: ""):
    """Poll `fetch()` until `done(value)`; on time-out fail with the worker's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fetch()
        if done(value):
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}: {value!r}\n{log()[-4000:]}")
