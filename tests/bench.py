"""Run a `bench/` script at a small size from a test (so a benchmark that is not run cannot rot), in a database of
its own that is dropped afterwards."""

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def bench_run(script: str, *args: str, db_suffix: str, timeout: int = 300):
    """Yield the finished `subprocess.CompletedProcess` of `bench/<script> <args>`; its database (named after the
    test database plus `db_suffix`, never `make bench`'s) is dropped when the block ends."""
    db = settings.DATABASES["default"]
    bench_db = f"{db['NAME']}_{db_suffix}"
    env = {**os.environ, "BENCH_DB_NAME": bench_db, "CELERY_BROKER_URL": "",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"}
    command = [sys.executable, str(ROOT / "bench" / script), *args]
    try:
        yield subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)  # noqa: S603
    finally:
        import psycopg2

        conn = psycopg2.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                                password=db["PASSWORD"] or None, dbname="postgres")
        conn.autocommit = True
        with conn.cursor() as c:
            c.execute(f'DROP DATABASE IF EXISTS "{bench_db}"')
        conn.close()
