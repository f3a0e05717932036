"""Web benchmark (issue 15, target 3): the portal and a bare Django hello-world, both served by gunicorn the same
way (`-w` 2 × cores + 1 sync workers, gunicorn's recommended count, as in the README's production command), in the
same run, driven by the same bounded load generator; prints req/s, p50 and p95
of each request beside hello-world's at the same concurrency, and the ratio.

Not a test. `make bench` runs it after the subsidy benchmark; `subsidies/tests/test_bench.py` runs it for a second
or two at 20 cadres under `make test` (it checks that the figures are printed, never their speed).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhucuntong [BENCH_DB_NAME=zhucuntong_bench_web] \
        python bench/web.py [--cadres 400] [--seconds 5] [--clients 8,32]

The data: a Ganzhou township of `--cadres` cadres (teams of 10 in one village, each cadre with a login and an API
token, attendance for the month so far) and a township of 5, each with its clerk. Measured:
- the cadre's check-in, `POST /api/v1/attendance/check-in/` with coordinates that no other request of the run sends
  (the client's number and its own counter), so that every request writes (the record and its audit row), one cadre
  per request in turn; the run counts the audit rows written and prints them beside the requests;
- `GET /api/v1/attendance/monthly/?cadre=…&month=…` (the clerk, one cadre per request in turn);
- the clerk's sheet page `GET /attendance/sheet/?township=…` at one client, for `--cadres` and for 5 cadres, with
  the number of queries and the size of each (counted in this process with the Django test client on the same
  database).

The load generator: `clients` threads spread over up to 4 processes (so that it is not bound by one GIL), each
sending one request at a time on a new connection (gunicorn's sync workers close every connection) for `--seconds`.
"""

import argparse
import http.client
import itertools
import multiprocessing as mp
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = os.environ.get("BENCH_DB_NAME", "zhucuntong_bench_web")  # its own database, dropped and re-created
SECRET = "bench-web-only-secret-key-not-for-production-0123456789"  # noqa: S105


def bench_url() -> str:
    url = urlparse(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/zhucuntong")
    if not url.scheme.startswith("postgres"):
        sys.exit("DATABASE_URL must point at PostgreSQL")
    return urlunparse(url._replace(path=f"/{BENCH_DB}"))


def recreate_database(url: str, drop_only: bool = False) -> None:
    import psycopg2

    u = urlparse(url)
    conn = psycopg2.connect(host=u.hostname, port=u.port or 5432, user=u.username, password=u.password,
                            dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as c:
        c.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        if not drop_only:
            c.execute(f'CREATE DATABASE "{BENCH_DB}"')
    conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- data -----------------------------------------------------------------------------------------------------

def build(cadres: int):
    """Two townships of one Ganzhou county: `cadres` cadres in one, 5 in the other; a clerk each; logins and
    tokens; attendance from the 1st of this month to yesterday."""
    from datetime import date, timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from attendance.models import DailyRecord
    from jurisdictions.models import DispatchUnit, OrgUnit, Role
    from teams.models import Membership
    from tests import factories as f

    User = get_user_model()
    j = f.jurisdiction("ganzhou")
    county = f.OrgUnitFactory(jurisdiction=j, kind=OrgUnit.Kind.COUNTY, name="基准县")
    unit = f.DispatchUnitFactory(jurisdiction=j, level=DispatchUnit.Level.CITY)
    today = timezone.localdate()
    first = today.replace(day=1)
    out = {}
    for label, n in (("big", cadres), ("small", 5)):
        township = f.OrgUnitFactory(jurisdiction=j, kind=OrgUnit.Kind.TOWNSHIP, parent=county, name=f"基准镇{label}")
        village = f.OrgUnitFactory(jurisdiction=j, kind=OrgUnit.Kind.VILLAGE, parent=township, name=f"基准村{label}")
        teams = [f.TeamFactory(jurisdiction=j, host_unit=village, term_start=date(2025, 1, 1),
                               term_end=date(2028, 12, 31)) for _ in range((n + 9) // 10)]
        users = User.objects.bulk_create([User(username=f"bench_{label}_{i}", jurisdiction=j, password="!")
                                          for i in range(n)])
        people = [f.CadreFactory.build(jurisdiction=j, dispatch_unit=unit, user=u, station=village, id_number="")
                  for u in users]
        from teams.models import Cadre

        people = Cadre.objects.bulk_create(people)
        Membership.objects.bulk_create([
            f.MembershipFactory.build(team=teams[i // 10], cadre=c, start_date=date(2025, 1, 1),
                                      role=Membership.Role.LEADER if i % 10 == 0 else Membership.Role.MEMBER)
            for i, c in enumerate(people)])
        days = [first + timedelta(d) for d in range((today - first).days)]
        DailyRecord.objects.bulk_create([
            DailyRecord(jurisdiction=j, cadre=c, township=township, date=d,
                        status="rest" if d.weekday() == 6 else "on_duty") for c in people for d in days])
        clerk = f.user_with_role(Role.ATTENDANCE_CLERK, username=f"bench_clerk_{label}", org_unit=township)
        tokens = Token.objects.bulk_create([Token(user=u, key=Token.generate_key()) for u in users])
        out[label] = {"township": township, "cadres": people, "clerk": clerk,
                      "clerk_token": Token.objects.create(user=clerk).key, "tokens": [t.key for t in tokens]}
    from django.db import connection

    with connection.cursor() as c:
        c.execute("ANALYZE")
    return out, today


def session_cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def count_queries(user, path: str) -> tuple[int, int, int]:
    """(status, queries, bytes of the answer) of one GET of `path` by `user`, in this process, on the same
    database."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    client.get(path)  # warm: first-request work (policy cache, templates) is not the page's
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    return response.status_code, len(ctx.captured_queries), len(response.content)


# ---- servers --------------------------------------------------------------------------------------------------

def start_gunicorn(app: str, port: int, env: dict, workers: int) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    proc = subprocess.Popen(  # noqa: S603
        [gunicorn, app, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--chdir", str(ROOT),
         "--log-level", "warning", "--timeout", "120"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn {app} exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            conn.getresponse().read()
            conn.close()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit(f"gunicorn {app} did not answer on port {port}")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


# ---- load generator -------------------------------------------------------------------------------------------

def _client_thread(port, requests, client, offset, run, deadline, out, lock):
    """One client: one request at a time until the deadline, cycling through `requests` from `offset`. A body's
    `{run}`, `{client}` and `{seq}` become the measurement's number, this client's and its own request counter, so no
    two requests of a benchmark carry the same body (the check-in's coordinates: every tap changes the record)."""
    latencies, errors, n = [], 0, offset
    while time.perf_counter() < deadline:
        method, path, headers, body = requests[n % len(requests)]
        if body is not None:
            body = (body.replace("{run}", f"{run % 80:02d}").replace("{client}", f"{client:06d}")
                    .replace("{seq}", f"{n - offset:06d}").encode())
        n += 1
        t = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            conn.close()
            ok = response.status == 200
        except OSError:
            ok = False
        latencies.append(time.perf_counter() - t)
        errors += not ok
    with lock:
        out.append((latencies, errors))


def _client_process(port, requests, clients, run, seconds, start_at, queue):
    while time.time() < start_at:  # every process starts at the same moment
        time.sleep(0.001)
    deadline = time.perf_counter() + seconds
    out, lock = [], threading.Lock()
    threads = [threading.Thread(target=_client_thread, args=(port, requests, c, o, run, deadline, out, lock))
               for c, o in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put(out)


_RUNS = itertools.count()  # each measurement's number: a body's {run}


def load(port: int, requests: list, clients: int, seconds: float) -> dict:
    """Drive `clients` concurrent clients for `seconds`; req/s (answered 200), p50, p95, errors."""
    processes = min(clients, 4)
    offsets = [list(range(p, clients, processes)) for p in range(processes)]
    stride = max(1, len(requests) // clients)
    run = next(_RUNS)
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    start_at = time.time() + 0.3
    procs = [ctx.Process(target=_client_process,
                         args=(port, requests, [(o, o * stride) for o in offs], run, seconds, start_at, queue))
             for offs in offsets]
    for p in procs:
        p.start()
    results = [r for _ in procs for r in queue.get()]
    for p in procs:
        p.join()
    latencies = sorted(x for lat, _ in results for x in lat)
    errors = sum(e for _, e in results)
    if not latencies:
        return {"rps": 0.0, "p50": 0.0, "p95": 0.0, "n": 0, "errors": errors}
    return {"rps": (len(latencies) - errors) / seconds, "n": len(latencies), "errors": errors,
            "p50": latencies[len(latencies) // 2] * 1000, "p95": latencies[int(len(latencies) * 0.95)] * 1000}


def fmt(name: str, clients: int, r: dict, base: dict | None = None, target: str = "") -> str:
    line = (f"{name:<34} c={clients:<3} {r['rps']:8.1f} req/s  p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms"
            f"  ({r['n']} requests, {r['errors']} not 200)")
    if base is not None and base["rps"]:
        line += f"  ratio {r['rps'] / base['rps'] * 100:.1f}% of hello-world"
    return line + (f" (target {target})" if target else "")


def check_ins_written() -> int:
    """Check-ins written so far (their audit rows): a repeat that changes nothing writes none."""
    from django.db import connections

    from jurisdictions.models import AuditEvent

    n = AuditEvent.objects.filter(action="attendance.check_in").count()
    connections.close_all()
    return n


def explain_hot_queries(data) -> None:
    """EXPLAIN (plan only) of the queries behind these pages on the big tables: a missing index shows up as a
    sequential scan."""
    from django.db import connection

    from attendance.models import DailyRecord
    from jurisdictions.models import AuditEvent

    big = data["big"]
    j = big["township"].jurisdiction_id
    queries = {
        "a cadre's month (figures_for)": DailyRecord.objects.filter(
            cadre_id__in=[c.id for c in big["cadres"][:50]]).values("cadre_id", "status").order_by(),
        "check-in's record of the day": DailyRecord.objects.filter(cadre_id=big["cadres"][0].id,
                                                                  date="2026-01-05"),
        "audit log of a jurisdiction": AuditEvent.objects.filter(jurisdiction_id=j).order_by("-created_at",
                                                                                              "-id")[:50],
    }
    for name, qs in queries.items():
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as c:
            c.execute(f"EXPLAIN {sql}", params)
            plan = [r[0] for r in c.fetchall()]
        scans = [line.strip() for line in plan if "Scan" in line]
        print(f"explain {name}: " + " | ".join(scans[:2]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cadres", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=5.0, help="per measurement (keep it short: shared machine)")
    parser.add_argument("--clients", default="8,32")
    # gunicorn's documented starting point, (2 x cores) + 1, for both servers: the portal's workers wait on PostgreSQL
    # for part of each request, hello-world's never do (at -w 2 on 2 cores the cores sat idle during those waits)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    clients = [int(c) for c in args.clients.split(",")]

    url = bench_url()
    recreate_database(url)
    os.environ.update({"DATABASE_URL": url, "CELERY_BROKER_URL": "", "DJANGO_SECRET_KEY": SECRET,
                       "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.pop("DJANGO_DEBUG", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_policies", verbosity=0)
    t0 = time.perf_counter()
    data, today = build(args.cadres)
    month = f"{today:%Y-%m}"
    print(f"data: {args.cadres} cadres in one township and 5 in another, attendance to {today} "
          f"({time.perf_counter() - t0:.1f}s)")

    big, small = data["big"], data["small"]
    sheet_big = f"/attendance/sheet/?township={big['township'].id}&month={month}"
    sheet_small = f"/attendance/sheet/?township={small['township'].id}&month={month}"
    status_big, queries_big, size_big = count_queries(big["clerk"], sheet_big)
    status_small, queries_small, size_small = count_queries(small["clerk"], sheet_small)
    same = "same" if queries_big == queries_small else "DIFFER"
    print(f"sheet page queries: {queries_big} for {args.cadres} cadres, {queries_small} for 5 ({same}; "
          f"status {status_big}/{status_small})")
    print(f"sheet page size: {size_big / 1024:,.0f} KiB for {args.cadres} cadres, {size_small / 1024:,.1f} KiB for 5")
    cookie = session_cookie(big["clerk"])
    from django.db import connections

    connections.close_all()

    env = {**os.environ, "DB_CONN_MAX_AGE": "60", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
           "DJANGO_SETTINGS_MODULE": "config.settings", "REDIS_URL": ""}
    hello_port, portal_port = free_port(), free_port()
    hello = start_gunicorn("bench.hello_wsgi", hello_port, env, args.workers)
    portal = start_gunicorn("config.wsgi", portal_port, env, args.workers)
    try:
        check_in = [("POST", "/api/v1/attendance/check-in/",
                     {"Authorization": f"Token {t}", "Content-Type": "application/json"},
                     '{"latitude": "25.{seq}", "longitude": "1{run}.{client}"}') for t in big["tokens"]]
        monthly = [("GET", f"/api/v1/attendance/monthly/?cadre={c.id}&month={month}",
                    {"Authorization": f"Token {big['clerk_token']}"}, None) for c in big["cadres"]]
        hello_req = [("GET", "/", {}, None)]
        for reqs in (check_in[:1], monthly[:1], [("GET", sheet_big, {"Cookie": cookie}, None)]):
            load(portal_port, reqs, args.workers, min(args.seconds, 0.5))  # warm every worker's caches
        print(f"gunicorn -w {args.workers} (sync workers) for both; {args.seconds:g}s per measurement")
        for c in clients:
            base = load(hello_port, hello_req, c, args.seconds)
            print(fmt("hello-world GET /", c, base))
            before = check_ins_written()
            r = load(portal_port, check_in, c, args.seconds)
            print(fmt("check-in POST", c, r, base, "ratio >= 15%" + (", p95 < 300 ms" if c >= 32 else ""))
                  + f"; {check_ins_written() - before} taps written")
            r = load(portal_port, monthly, c, args.seconds)
            print(fmt("attendance/monthly/ GET", c, r, base, "ratio >= 10%"))
        for label, path, n in (("big", sheet_big, args.cadres), ("small", sheet_small, 5)):
            who = data[label]["clerk"]
            r = load(portal_port, [("GET", path, {"Cookie": session_cookie(who) if label == "small" else cookie},
                                    None)], 1, args.seconds)
            print(fmt(f"sheet page, {n} cadres", 1, r, None, "< 300 ms" if label == "big" else ""))
    finally:
        stop(portal)
        stop(hello)
    django.db.connections.close_all()
    explain_hot_queries(data)
    django.db.connections.close_all()
    if not args.keep:
        recreate_database(url, drop_only=True)


if __name__ == "__main__":
    main()
