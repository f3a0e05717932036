"""In-process figures for `GET /api/v1/attendance/monthly/` (issue 15, target 3): what one request costs and where.

Not a test, not a load test (bench/web.py is that): it runs the API through Django's test client in this process,
against bench/web.py's data (a Ganzhou township of `--cadres` cadres, the clerk asking one cadre after another with
a token, as bench/web.py does), and prints
- the mean time per request over `--requests` requests (wall, at the driver, and this process's CPU time, which
  other load on the machine disturbs less than wall time), and the queries of one request;
- each query of one request with its time at the driver (psycopg2 `execute` + fetch, measured with
  `connection.execute_wrapper`) and its first characters, so ORM/Python time = request time − driver time;
- with `--profile`, the top functions by cumulative time (cProfile).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhucuntong BENCH_DB_NAME=zhucuntong_bench_monthly \
        python bench/monthly_api.py [--cadres 400] [--requests 300] [--reuse] [--profile]

`--reuse` keeps a database built by an earlier run (or by `bench/web.py --keep` with the same BENCH_DB_NAME).
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DB_NAME", "zhucuntong_bench_monthly")

from bench import web  # noqa: E402  (after sys.path; reads BENCH_DB_NAME)


class DriverTimer:
    """An execute_wrapper: the time of each query at the driver, in order."""

    def __init__(self):
        self.rows: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.rows.append((time.perf_counter() - t, sql))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cadres", type=int, default=400)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--reuse", action="store_true", help="use the database of an earlier run as it is")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--profile", action="store_true", help="print the top functions by cumulative time")
    args = parser.parse_args()

    url = web.bench_url()
    if not args.reuse:
        web.recreate_database(url)
    os.environ.update({"DATABASE_URL": url, "CELERY_BROKER_URL": "", "DJANGO_SECRET_KEY": web.SECRET,
                       "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "REDIS_URL": "",
                       "DB_CONN_MAX_AGE": "60"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.pop("DJANGO_DEBUG", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from jurisdictions.models import Role, RoleGrant

    if args.reuse:
        grant = RoleGrant.objects.filter(role=Role.ATTENDANCE_CLERK, user__username="bench_clerk_big").first()
        if grant is None:
            sys.exit(f"--reuse: no bench data in {web.BENCH_DB}")
        from teams.models import Membership

        cadre_ids = list(Membership.objects.filter(team__host_unit__parent=grant.org_unit)
                         .order_by("cadre_id").values_list("cadre_id", flat=True))
        token = Token.objects.get(user=grant.user).key
        today = timezone.localdate()
    else:
        call_command("migrate", verbosity=0)
        call_command("seed_policies", verbosity=0)
        data, today = web.build(args.cadres)
        cadre_ids = [c.id for c in data["big"]["cadres"]]
        token = data["big"]["clerk_token"]
    month = f"{today:%Y-%m}"
    paths = [f"/api/v1/attendance/monthly/?cadre={cid}&month={month}" for cid in cadre_ids]
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    if client.get(paths[0]).status_code != 200:  # warm: imports, URL resolver, per-process caches
        sys.exit("the first request was not answered 200")

    timer = DriverTimer()
    with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timer):
        t = time.perf_counter()
        response = client.get(paths[1 % len(paths)])
        one = time.perf_counter() - t
    if response.status_code != 200:
        sys.exit(f"not 200: {response.content[:500]}")
    print(f"one request: {one * 1000:.1f} ms, {len(ctx.captured_queries)} queries, "
          f"{sum(d for d, _ in timer.rows) * 1000:.1f} ms of it at the driver")
    for i, (d, sql) in enumerate(timer.rows, 1):
        print(f"  {i:>2}. {d * 1000:6.2f} ms  {' '.join(sql.split())[:150]}")
    print(f"answer: {response.content.decode()[:400]}")

    timer = DriverTimer()
    with connection.execute_wrapper(timer):
        t, cpu = time.perf_counter(), time.process_time()
        for i in range(args.requests):
            if client.get(paths[i % len(paths)]).status_code != 200:
                sys.exit("a request was not answered 200")
        total, cpu = time.perf_counter() - t, time.process_time() - cpu
    driver = sum(d for d, _ in timer.rows)
    print(f"{args.requests} requests: {total / args.requests * 1000:.2f} ms per request "
          f"({args.requests / total:.0f} req/s in one process), {driver / args.requests * 1000:.2f} ms of it at "
          f"the driver, {cpu / args.requests * 1000:.2f} ms of this process's CPU, "
          f"{len(timer.rows) / args.requests:.1f} queries per request")

    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        for i in range(args.requests):
            client.get(paths[i % len(paths)])
        prof.disable()
        pstats.Stats(prof).sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative")).print_stats(45)

    connection.close()
    if not (args.keep or args.reuse):
        web.recreate_database(url, drop_only=True)


if __name__ == "__main__":
    main()
