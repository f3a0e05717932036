"""`make bench` cannot rot again: the benchmark script runs here at a small size, in its own database."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_script_builds_its_data_runs_the_month_and_exports_at_a_small_size_beside_its_limits():
    db = settings.DATABASES["default"]
    bench_db = f"{db['NAME']}_bench_test"  # never `make bench`'s database nor another checkout's
    env = {**os.environ, "BENCH_DB_NAME": bench_db, "CELERY_BROKER_URL": "",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"}
    command = [sys.executable, str(ROOT / "bench" / "subsidy_run.py"), "--cadres", "100"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603
    try:
        assert done.returncode == 0, done.stderr[-3000:]
        out = done.stdout
        assert "data: 100 cadres" in out and "status=done" in out and "export:" in out, out
        statements = int(out.split("statements=")[1].split()[0])
        assert statements > 0
        # the limits printed beside the figures, in the same run (issue 15)
        assert "ratio run/lower bound:" in out and "ratio export/bare:" in out, out
        assert "(identical)" in out, out  # the hand-written SQL issues the same statements, lines and total
    finally:
        import psycopg2

        conn = psycopg2.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                                password=db["PASSWORD"] or None, dbname="postgres")
        conn.autocommit = True
        with conn.cursor() as c:
            c.execute(f'DROP DATABASE IF EXISTS "{bench_db}"')
        conn.close()


def test_the_web_benchmark_serves_the_portal_and_a_hello_world_with_gunicorn_and_prints_each_figure_beside_it():
    """bench/web.py at 20 cadres for a second per measurement: the figures are printed (their speed is not
    asserted: the machine is shared)."""
    db = settings.DATABASES["default"]
    bench_db = f"{db['NAME']}_bench_web_test"
    env = {**os.environ, "BENCH_DB_NAME": bench_db, "CELERY_BROKER_URL": "",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"}
    command = [sys.executable, str(ROOT / "bench" / "web.py"), "--cadres", "20", "--seconds", "1", "--clients", "2"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "sheet page queries: " in out and "(same;" in out, out  # the grid's queries do not grow with cadres
    for name in ("hello-world GET /", "check-in POST", "attendance/monthly/ GET", "sheet page, 20 cadres",
                 "sheet page, 5 cadres"):
        line = next(ln for ln in out.splitlines() if ln.startswith(name))
        assert "req/s" in line and "p95" in line, line
        assert ", 0 not 200)" in line, line  # every request was answered 200
        if name.startswith(("check-in", "attendance/monthly")):
            assert "% of hello-world" in line, line
    assert "explain audit log of a jurisdiction:" in out, out
