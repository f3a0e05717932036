"""Benchmark: one jurisdiction-month of the stored monthly report (issue 12), beside one hand-written GROUP BY over
the same rows, and the dashboard page that reads the stored report (time and query count).

Not a test. Builds the same data as `bench/subsidy_run.py` (Ganzhou, 50 townships, teams of 10, a month of
attendance for every cadre, every sheet confirmed but one) in its own database, then times
(1) `reports.services.report_generate` (set-based SQL; the attendance rules evaluated once per distinct
    posting/leave shape, `reports.compliance`), from the request to the commit,
(2) a hand-written `GROUP BY township, status` over the month's attendance rows, measured in the same run,
(3) the dashboard page as the org department sees it (reads only the stored rows).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhucuntong [BENCH_DB_NAME=zhucuntong_bench_reports] \
        python bench/monthly_report.py [--cadres 20000]

`reports/tests/test_bench.py` runs it at 100 cadres under `make test`.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DB_NAME", "zhucuntong_bench_reports")

from bench.subsidy_run import bench_url, build, recreate_database  # noqa: E402  (after BENCH_DB_NAME is set)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cadres", type=int, default=20000)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--month", type=int, default=6)
    args = parser.parse_args()

    url = bench_url()
    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    # the test settings: a fixed secret key (the production settings refuse to start without one), DEBUG off
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    call_command("seed_policies", verbosity=0)
    t0 = time.perf_counter()
    j, user, first, records = build(args.cadres, args.year, args.month)
    print(f"data: {args.cadres} cadres, {records} attendance rows built in {time.perf_counter() - t0:.1f}s")

    from django.urls import reverse

    from reports import services
    from reports.models import ReportRow

    reverse("reports-dashboard")  # load the URLconf now (a worker has it loaded): its import is not the report's time
    statements = []

    def timed(execute, sql, params, many, context):  # where the report's time goes, statement by statement
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - t0, " ".join(sql.split())[:90]))

    t = time.perf_counter()
    with connection.execute_wrapper(timed):
        report, _ = services.report_request(actor=None, jurisdiction=j, month=first)
        report = services.report_generate(report_id=report.id)
    gen_s = time.perf_counter() - t
    rows = ReportRow.objects.filter(report=report).count()
    print(f"report: {gen_s:.2f}s  status={report.status} version={report.version} rows={rows} "
          f"cadres={report.totals['cadres']} on_duty_days={report.totals['on_duty_days']}")
    sql_s = sum(d for d, _ in statements)
    print(f"  {len(statements)} statements, {sql_s:.2f}s in PostgreSQL (the commit "
          f"not included), {gen_s - sql_s:.2f}s elsewhere (Python, the commit); the slowest:")
    for d, sql in sorted(statements, reverse=True)[:5]:
        print(f"    {d:6.2f}s  {sql}")

    t = time.perf_counter()
    with connection.cursor() as c:
        c.execute("""SELECT township_id, status, count(*) FROM attendance_dailyrecord
                     WHERE jurisdiction_id = %s AND date >= %s AND date < %s::date + interval '1 month'
                     GROUP BY township_id, status""", [j.id, first, first])
        grouped = c.fetchall()
    group_s = time.perf_counter() - t
    print(f"one GROUP BY over the same attendance rows: {group_s:.2f}s ({len(grouped)} groups); "
          f"report/GROUP BY = {gen_s / max(group_s, 1e-6):.1f}x")

    client = Client()
    client.force_login(user)
    page = f"/dashboard/?jurisdiction={j.code}&month={first:%Y-%m}"
    client.get(page)
    t = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(page)
    print(f"dashboard: {1000 * (time.perf_counter() - t):.0f} ms  status={r.status_code} queries={len(ctx)}")


if __name__ == "__main__":
    main()
