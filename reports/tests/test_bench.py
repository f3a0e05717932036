"""`bench/monthly_report.py` cannot rot: it runs here at a small size, in its own database."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_the_report_benchmark_builds_its_data_generates_the_month_and_times_a_group_by_and_the_dashboard():
    db = settings.DATABASES["default"]
    bench_db = f"{db['NAME']}_bench_reports_test"  # never `make bench`'s database nor another checkout's
    env = {**os.environ, "BENCH_DB_NAME": bench_db, "CELERY_BROKER_URL": "",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"}
    command = [sys.executable, str(ROOT / "bench" / "monthly_report.py"), "--cadres", "100"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603
    try:
        assert done.returncode == 0, done.stderr[-3000:]
        out = done.stdout
        assert "data: 100 cadres" in out and "status=done" in out and "cadres=100" in out, out
        assert "one GROUP BY over the same attendance rows" in out and "dashboard:" in out and "status=200" in out
    finally:
        import psycopg2

        conn = psycopg2.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                                password=db["PASSWORD"] or None, dbname="postgres")
        conn.autocommit = True
        with conn.cursor() as c:
            c.execute(f'DROP DATABASE IF EXISTS "{bench_db}"')
        conn.close()
