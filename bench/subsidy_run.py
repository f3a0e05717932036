"""Benchmark: one month's allowance run and its Excel export for a jurisdiction of 20,000 cadres.

Not a test. `make bench` runs it with DATABASE_URL pointing at the PostgreSQL server; the script works in
its own database (`zhucuntong_bench`, dropped and re-created each time), builds the data with set-based SQL,
then times (1) the run service and (2) the export, and prints seconds, peak RSS and the peak of Python
allocations (tracemalloc, measured in a second pass because tracing slows everything down).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhucuntong [BENCH_DB_NAME=zhucuntong_bench] \
        python bench/subsidy_run.py [--cadres 20000]

Columns a statement leaves out are filled with the model defaults (`insert_select`), so a column added to a model
later does not break it; `subsidies/tests/test_bench.py` runs it at 100 cadres under `make test`.
"""

import argparse
import json
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = os.environ.get("BENCH_DB_NAME", "zhucuntong_bench")  # its own database, dropped and re-created


def bench_url() -> str:
    url = urlparse(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/zhucuntong")
    if not url.scheme.startswith("postgres"):
        sys.exit("DATABASE_URL must point at PostgreSQL")
    return urlunparse(url._replace(path=f"/{BENCH_DB}"))


def recreate_database(url: str) -> None:
    import psycopg2

    u = urlparse(url)
    conn = psycopg2.connect(host=u.hostname, port=u.port or 5432, user=u.username, password=u.password,
                            dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as c:
        c.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        c.execute(f'CREATE DATABASE "{BENCH_DB}"')
    conn.close()


def _status_mb(field: str) -> float | None:
    """A figure of /proc/self/status in MiB (Linux), or None elsewhere."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return None


def rss_mb() -> float:
    """The process's resident memory now (MiB)."""
    now = _status_mb("VmRSS")
    return now if now is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_reset() -> bool:
    """Start a new peak: Linux resets VmHWM (the resident high-water mark) on `5 > /proc/self/clear_refs`, so the run
    and the export each get their own peak. False where that is not possible (the peak then spans the process)."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def peak_rss_mb() -> float:
    """The resident high-water mark since the last `peak_reset` (since the process started without one)."""
    peak = _status_mb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def unset_columns(model, given: str) -> tuple[str, str]:
    """(", col…", ", literal…") for the NOT NULL columns of `model` that an INSERT naming `given` columns leaves
    out, filled with the model's defaults, so that a column added to a model later does not break the bench."""
    from django.db import connection
    from django.utils import timezone

    named = {c.strip() for c in given.split(",")}
    cols, vals = [], []
    for fld in model._meta.concrete_fields:
        if fld.primary_key or fld.null or fld.column in named:
            continue
        value = timezone.now() if getattr(fld, "auto_now", False) or getattr(fld, "auto_now_add", False) \
            else fld.get_default()
        if value is None:
            continue  # no default: the INSERT fails loudly, as it should
        with connection.cursor() as c:
            literal = c.mogrify("%s", [fld.get_db_prep_save(value, connection)]).decode()
        cols.append(fld.column)
        vals.append(literal.replace("%", "%%"))
    return "".join(f", {c}" for c in cols), "".join(f", {v}" for v in vals)


def insert_select(cursor, model, sql: str, params) -> None:
    """Run `[WITH …] INSERT INTO t (cols) SELECT exprs FROM …` with the columns it leaves out set to their defaults."""
    ins = sql.index("INSERT INTO")
    open_, close = sql.index("(", ins), sql.index(")", ins)
    extra_cols, extra_vals = unset_columns(model, sql[open_ + 1:close])
    sel = sql.index("SELECT", close)
    depth, i = 0, sel
    while True:  # the first FROM of the SELECT list at parenthesis depth 0
        ch = sql[i]
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and sql.startswith("FROM", i) and sql[i - 1].isspace():
            break
        i += 1
    head = sql[:i].rstrip()
    sql = f"{sql[:close]}{extra_cols}{head[close:]}{extra_vals}\n            {sql[i:]}"
    cursor.execute(sql, params)


def build(cadres: int, year: int, month: int):
    """Ganzhou (seeded policy): 1 county, 50 townships, 8 villages each, 100 dispatch units, teams of 10."""
    from datetime import date

    from django.contrib.auth import get_user_model
    from django.db import connection

    from attendance.models import AttendanceSheet, DailyRecord
    from jurisdictions.models import DispatchUnit, Jurisdiction, OrgUnit
    from teams.models import Cadre, Membership, Team

    j = Jurisdiction.objects.get(code="ganzhou")
    county = OrgUnit.objects.create(jurisdiction=j, kind="county", name="基准县", path="/0/")
    county.path = f"/{county.id}/"
    county.save(update_fields=["path"])
    first = date(year, month, 1)
    with connection.cursor() as c:
        insert_select(c, OrgUnit, """
            INSERT INTO jurisdictions_orgunit (jurisdiction_id, kind, name, parent_id, path, town_type)
            SELECT %s, 'township', '基准镇' || g, %s, '/0/', '' FROM generate_series(1, 50) g""", [j.id, county.id])
        c.execute("UPDATE jurisdictions_orgunit SET path = %s || id || '/' WHERE parent_id = %s",
                  [county.path, county.id])
        insert_select(c, OrgUnit, """
            INSERT INTO jurisdictions_orgunit (jurisdiction_id, kind, name, parent_id, path, town_type)
            SELECT %s, 'village', t.name || '村' || g, t.id, t.path, '' FROM jurisdictions_orgunit t,
                   generate_series(1, 8) g WHERE t.parent_id = %s""", [j.id, county.id])
        c.execute("UPDATE jurisdictions_orgunit v SET path = v.path || v.id || '/' WHERE v.kind = 'village' "
                  "AND v.jurisdiction_id = %s", [j.id])
        insert_select(c, DispatchUnit, """
            INSERT INTO jurisdictions_dispatchunit (jurisdiction_id, name, level)
            SELECT %s, '基准派出单位' || g, CASE WHEN g %% 4 = 0 THEN 'county' ELSE 'city' END
            FROM generate_series(1, 100) g""", [j.id])
        teams = cadres // 10
        insert_select(c, Team, """
            INSERT INTO teams_team (jurisdiction_id, kind, name, host_unit_id, dispatch_level, term_start,
                                    term_rule_ref, created_at)
            SELECT %s, 'village', '基准工作队' || g,
                   (SELECT id FROM jurisdictions_orgunit WHERE kind = 'village' AND jurisdiction_id = %s
                    ORDER BY id OFFSET (g %% 400) LIMIT 1), 'city', %s, '', now()
            FROM generate_series(1, %s) g""", [j.id, j.id, date(year - 1, 1, 1), teams])
        insert_select(c, Cadre, """
            WITH units AS (SELECT id, level, row_number() OVER (ORDER BY id) - 1 AS n FROM jurisdictions_dispatchunit
                           WHERE name LIKE '基准派出单位%%'),
                 ts AS (SELECT id, host_unit_id, row_number() OVER (ORDER BY id) - 1 AS n FROM teams_team
                        WHERE name LIKE '基准工作队%%')
            INSERT INTO teams_cadre (jurisdiction_id, name, gender, birth_date, id_number, party_status, rank,
                                     reserve_cadre, category, dispatch_unit_id, dispatch_level, phone, self_driving,
                                     station_id, created_at)
            SELECT %s, '干部' || g, 'male', DATE '1985-06-15', '', 'member', 'section', false, 'civil_servant',
                   u.id, u.level, '', false, t.host_unit_id, now()
            FROM generate_series(0, %s - 1) g
            JOIN units u ON u.n = g %% 100
            JOIN ts t ON t.n = g / 10""", [j.id, cadres])
        # memberships: most from last year (township allowance due), some arriving this month (prorated)
        insert_select(c, Membership, """
            INSERT INTO teams_membership (team_id, cadre_id, role, first_secretary, start_date, term_rule_ref,
                                          end_kind, end_ground, end_rule_ref, end_note, policy_snapshot, created_at)
            SELECT t.id, c.id, 'member', false,
                   CASE WHEN c.id %% 20 = 0 THEN %s::date + 10 ELSE DATE %s END, '', '', '', '', '', '{}', now()
            FROM teams_cadre c JOIN teams_team t ON t.host_unit_id = c.station_id
                 AND t.name = '基准工作队' || ((c.id - (SELECT min(id) FROM teams_cadre)) / 10 + 1)
            WHERE c.jurisdiction_id = %s""", [first, f"{year - 1}-01-01", j.id])
        # a month of attendance: on duty except Sundays (rest) and a few leave days
        insert_select(c, DailyRecord, """
            INSERT INTO attendance_dailyrecord (jurisdiction_id, cadre_id, township_id, date, status, note, source,
                                                recorded_at)
            SELECT %s, c.id, v.parent_id, d::date,
                   CASE WHEN extract(dow FROM d) = 0 THEN 'rest'
                        WHEN (c.id + extract(day FROM d)::int) %% 17 = 0 THEN 'leave' ELSE 'on_duty' END,
                   '', 'clerk', now()
            FROM teams_cadre c JOIN jurisdictions_orgunit v ON v.id = c.station_id,
                 generate_series(%s::date, (%s::date + interval '1 month' - interval '1 day'), interval '1 day') d
            WHERE c.jurisdiction_id = %s""", [j.id, first, first, j.id])
        user = get_user_model().objects.create(username="bench_finance", jurisdiction=j, is_superuser=True)
        # every township confirms its sheet except one (it shows up in missing_sheets)
        insert_select(c, AttendanceSheet, """
            INSERT INTO attendance_attendancesheet (jurisdiction_id, township_id, month, confirmed_by_id,
                                                    confirmed_at, policy_snapshot)
            SELECT %s, id, %s, %s, now(), '{}' FROM jurisdictions_orgunit
            WHERE parent_id = %s ORDER BY id OFFSET 1""", [j.id, first, user.id, county.id])
        c.execute("ANALYZE")
    return j, user, first, DailyRecord.objects.filter(jurisdiction=j).count()


def lower_bound(j, first) -> tuple[float, int, int, object]:
    """The hand-written SQL limit: one statement aggregating the month in PostgreSQL and writing the same
    statements and lines (living allowance by dispatch level, communication prorated by days in post, the two
    allowances of the bench's Ganzhou data) into copies of the two tables, with their indexes. → (seconds,
    statements, lines, total)."""
    from django.db import connection, transaction

    from attendance.selectors import payable_township_ids
    from subsidies import services

    policy = services.policy_for_month(j, first)
    living = policy.value("subsidy.living_per_day")
    comm = policy.value("subsidy.communication_monthly")
    levels = living.get("levels", {"central": "city", "province": "city", "city": "city", "county": "county"})
    rate = {lvl: living[name] for lvl, name in levels.items()}
    last = services.rules.month_last(first)
    with connection.cursor() as c:
        c.execute("DROP TABLE IF EXISTS lb_line, lb_statement")
        c.execute("CREATE TABLE lb_statement (LIKE subsidies_statement INCLUDING ALL)")
        c.execute("CREATE TABLE lb_line (LIKE subsidies_line INCLUDING ALL)")
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as c:
        confirmed = list(payable_township_ids(jurisdiction=j, year=first.year, month=first.month, policy=policy))
        c.execute("""
            WITH att AS (
                SELECT cadre_id, min(township_id) AS township_id,
                       count(*) FILTER (WHERE status = 'on_duty') AS days
                FROM attendance_dailyrecord
                WHERE jurisdiction_id = %(j)s AND date BETWEEN %(first)s AND %(last)s
                      AND township_id = ANY(%(confirmed)s)
                GROUP BY cadre_id),
            mem AS (
                SELECT m.cadre_id, greatest(min(m.start_date), %(first)s::date) AS since
                FROM teams_membership m JOIN att USING (cadre_id)
                WHERE m.start_date <= %(last)s AND (m.end_date IS NULL OR m.end_date >= %(first)s)
                GROUP BY m.cadre_id),
            fig AS (
                SELECT att.cadre_id, att.township_id, att.days, c.dispatch_unit_id,
                       round(att.days * (%(rate)s::jsonb ->> c.dispatch_level)::numeric, 2) AS living,
                       (%(rate)s::jsonb ->> c.dispatch_level)::numeric AS living_rate,
                       round(%(comm)s::numeric * (%(last)s::date - mem.since + 1) / %(mdays)s, 2) AS comm
                FROM att JOIN teams_cadre c ON c.id = att.cadre_id JOIN mem USING (cadre_id)),
            st AS (
                INSERT INTO lb_statement (run_id, jurisdiction_id, cadre_id, month, township_id, dispatch_unit_id,
                                          paid_days, total, created_at)
                SELECT 0, %(j)s, cadre_id, %(first)s, township_id, dispatch_unit_id, days, living + comm, now()
                FROM fig RETURNING id, cadre_id)
            INSERT INTO lb_line (statement_id, jurisdiction_id, kind, quantity, rate, amount, rule_ref, note,
                                 for_month, base_kind, position)
            SELECT st.id, %(j)s, k.kind, k.qty, k.rate, k.amount, k.ref, k.note, %(first)s, k.kind, k.pos
            FROM st JOIN fig USING (cadre_id),
                 LATERAL (VALUES ('living', fig.days, fig.living_rate, fig.living, %(living_ref)s, '生活补助×驻村天数', 0),
                                 ('communication', 1, fig.comm, fig.comm, %(comm_ref)s,
                                  '通信补贴，整月，月标准' || %(comm)s || '元', 1)) k(kind, qty, rate, amount, ref, note, pos)
            """, {"j": j.id, "first": first, "last": last, "confirmed": confirmed, "rate": json.dumps(rate),
                  "comm": comm["amount"], "mdays": last.day, "living_ref": policy.get("subsidy.living_per_day").rule_ref,
                  "comm_ref": policy.get("subsidy.communication_monthly").rule_ref})
    seconds = time.perf_counter() - t
    with connection.cursor() as c:
        c.execute("SELECT count(*), coalesce(sum(total), 0) FROM lb_statement")
        statements, total = c.fetchone()
        c.execute("SELECT count(*) FROM lb_line")
        lines = c.fetchone()[0]
        c.execute("DROP TABLE lb_line, lb_statement")
    return seconds, statements, lines, total


def bare_export(run) -> tuple[float, float]:
    """The export's limit: a bare XlsxWriter (constant_memory) loop writing the same cells from the same three
    streamed queries (the same values in the same columns: the line kind and the article in words, the unit's name),
    without formats, print setup, title, header and total rows, or the formula guard.
    → (seconds, CPU seconds of this process)."""
    import tempfile
    from itertools import groupby

    import xlsxwriter

    from jurisdictions.templatetags.portal import rule_label
    from subsidies import selectors
    from subsidies.export import KIND

    t, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryFile(suffix=".xlsx") as out:
        wb = xlsxwriter.Workbook(out, {"constant_memory": True})
        ws = wb.add_worksheet("s")
        units = selectors.export_units(run=run)
        names = {u["dispatch_unit_id"]: u["dispatch_unit__name"] for u in units}
        for r, u in enumerate(units):
            ws.write_row(r, 0, (r, u["dispatch_unit__name"], u["cadres"], u["total"]))
        kinds = selectors.export_kinds(run=run)
        ws = wb.add_worksheet("c")
        for r, (unit, name, town, days, total, *by_kind) in enumerate(
                selectors.export_cadre_rows(run=run, kinds=kinds).iterator(chunk_size=2000)):
            ws.write_row(r, 0, (r, name, unit, town or "", days, *(v or 0 for v in by_kind), total))
        labels = {}
        rows = selectors.export_rows(run=run).iterator(chunk_size=2000)
        for n, (unit, unit_rows) in enumerate(groupby(rows, key=lambda r: r[0])):
            ws = wb.add_worksheet(f"u{n}")
            unit_name = names[unit]
            for r, (_, _, name, town, days, _, kind, qty, rate, amount, ref, note) in enumerate(unit_rows):
                label = labels.get(ref)
                if label is None:
                    label = labels[ref] = rule_label(ref)
                ws.write_row(r, 0, (r, name, unit_name, town or "", days, KIND[kind], qty, rate, amount, label, note))
        wb.close()
    return time.perf_counter() - t, time.process_time() - cpu


def explain_hot_queries(j, first) -> None:
    """EXPLAIN (plan only) of the run's attendance aggregate and the export's line stream: the access path each
    takes, printed so that a missing index shows up as a sequential scan of a big table."""
    from django.db import connection

    from attendance.models import DailyRecord
    from subsidies import rules, selectors, services
    from subsidies.models import SubsidyRun
    from teams.models import Cadre

    run = SubsidyRun.objects.filter(jurisdiction=j, month=first).first()
    ids = list(Cadre.objects.filter(jurisdiction=j).order_by("id").values_list("id", flat=True)[:services.CHUNK])
    towns = list(DailyRecord.objects.filter(jurisdiction=j).values_list("township_id", flat=True).distinct())
    queries = {"attendance aggregate of a chunk of cadres": services.attendance_rows(
        j, first, rules.month_last(first), towns, ids[0], ids[-1])}
    if run is not None:
        queries["export lines"] = selectors.export_rows(run=run)
    for name, qs in queries.items():
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as c:
            c.execute(f"EXPLAIN {sql}", params)
            plan = [r[0] for r in c.fetchall()]
        scans = [line.strip() for line in plan if "Scan" in line]
        print(f"explain {name}: " + " | ".join(scans[:3]))


def mib(x: float) -> str:
    return f"{x:.0f} MiB"


def flatness(args) -> None:
    """Several sizes: each in a fresh process of its own (a process's peak only grows), then the memory figures side
    by side, each beside the smallest size's."""
    import subprocess

    sizes = sorted(int(n) for n in args.cadres.split(","))
    figures = {}
    for n in sizes:
        cmd = [sys.executable, __file__, "--cadres", str(n), "--year", str(args.year), "--month", str(args.month),
               "--repeat", str(args.repeat)] + (["--no-trace"] if args.no_trace else [])
        print(f"== {n} cadres", flush=True)
        done = subprocess.run(cmd, capture_output=True, text=True)  # noqa: S603
        print(done.stdout, end="", flush=True)
        if done.returncode:
            sys.exit(f"{n} cadres failed:\n{done.stderr[-3000:]}")
        line = next(ln for ln in done.stdout.splitlines() if ln.startswith("memory: "))
        figures[n] = dict(kv.split("=") for kv in line.split()[1:])
    base = sizes[0]
    b = {k: float(v) for k, v in figures[base].items()}
    print(f"flatness (each size in its own process; baseline: {base} cadres):")
    for n in sizes:
        f = {k: float(v) for k, v in figures[n].items()}
        print(f"  {n:>7} cadres ({n / base:.0f}x the cadres): "
              f"run peak {mib(f['run_peak'])} vs {mib(b['run_peak'])} ({f['run_peak'] / b['run_peak']:.2f}x), "
              f"growth +{mib(f['run_growth'])} vs +{mib(b['run_growth'])}; "
              f"export peak {mib(f['export_peak'])} vs {mib(b['export_peak'])} "
              f"({f['export_peak'] / b['export_peak']:.2f}x), growth +{mib(f['export_growth'])} vs "
              f"+{mib(b['export_growth'])}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cadres", default="20000",
                        help="a size, or sizes separated by commas (each run in its own process, then the memory "
                             "figures side by side)")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--month", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=1,
                        help="time the export and the bare loop this many times, alternately, and keep the fastest "
                             "of each (a shared machine's load comes and goes)")
    parser.add_argument("--no-trace", action="store_true",
                        help="skip the second pass under tracemalloc (slow at 100,000 cadres; RSS is still printed)")
    args = parser.parse_args()
    if "," in args.cadres:
        flatness(args)
        return
    args.cadres = int(args.cadres)

    url = bench_url()
    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["CELERY_BROKER_URL"] = ""  # the run is called in-process; nothing is queued
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    call_command("seed_policies", verbosity=0)
    t0 = time.perf_counter()
    j, user, first, records = build(args.cadres, args.year, args.month)
    from jurisdictions.management.commands.load_demo import enter_demo_rates

    enter_demo_rates(actor=user, jurisdiction=j)  # the rates Ganzhou art.27 leaves open, as an admin enters them
    print(f"data: {args.cadres} cadres, {records} attendance rows built in {time.perf_counter() - t0:.1f}s")

    from subsidies import export, services
    from subsidies.models import Line, Statement, SubsidyRun

    def timed_export(run):
        t, cpu = time.perf_counter(), time.process_time()
        f = export.write_workbook(run=run)
        size = f.seek(0, 2)
        f.close()
        return time.perf_counter() - t, time.process_time() - cpu, size

    def one_run(trace: bool):
        run = SubsidyRun.objects.create(jurisdiction=j, month=first, created_by=user)
        if trace:
            tracemalloc.start()
        t = time.perf_counter()
        run = services.subsidy_run_execute(run_id=run.id)
        run_s = time.perf_counter() - t
        run_peak = tracemalloc.get_traced_memory()[1] if trace else None
        if trace:
            tracemalloc.reset_peak()
        export_s, _, size = timed_export(run)
        export_peak = tracemalloc.get_traced_memory()[1] if trace else None
        if trace:
            tracemalloc.stop()
        return run, run_s, export_s, size, run_peak, export_peak

    # the run, with its own peak of resident memory
    rss0 = rss_mb()
    own_peaks = peak_reset()
    run = SubsidyRun.objects.create(jurisdiction=j, month=first, created_by=user)
    t = time.perf_counter()
    run = services.subsidy_run_execute(run_id=run.id)
    run_s = time.perf_counter() - t
    run_peak = peak_rss_mb()
    lines = Line.objects.filter(statement__run=run).count()
    print(f"run:    {run_s:.1f}s  status={run.status} statements={run.statement_count} lines={lines} "
          f"total={run.total} missing_sheets={len(run.missing_sheets)}")
    lb_s, lb_statements, lb_lines, lb_total = lower_bound(j, first)
    same = "identical" if (lb_statements, lb_lines, lb_total) == (run.statement_count, lines, run.total) else "DIFFER"
    print(f"lower bound (one hand-written SQL statement): {lb_s:.2f}s  statements={lb_statements} lines={lb_lines} "
          f"total={lb_total} ({same})")
    print(f"ratio run/lower bound: {run_s / lb_s:.2f}x (target <= 4x)")

    # the export beside the bare loop, alternately, the fastest of each; the export's own peak of resident memory
    rss1 = rss_mb()
    peak_reset()
    export_s = export_cpu = bare_s = bare_cpu = float("inf")
    for _ in range(max(1, args.repeat)):
        e_s, e_cpu, size = timed_export(run)
        export_peak = peak_rss_mb()
        b_s, b_cpu = bare_export(run)
        export_s, export_cpu = min(export_s, e_s), min(export_cpu, e_cpu)
        bare_s, bare_cpu = min(bare_s, b_s), min(bare_cpu, b_cpu)
    best = f" (fastest of {args.repeat} each)" if args.repeat > 1 else ""
    print(f"export: {export_s:.1f}s  {size / 1024 / 1024:.1f} MiB .xlsx{best}; CPU of this process {export_cpu:.1f}s")
    print(f"bare XlsxWriter loop over the same cells: {bare_s:.2f}s; CPU of this process {bare_cpu:.1f}s")
    print(f"ratio export/bare: {export_s / bare_s:.2f}x (target <= 1.2x); "
          f"CPU of this process: {export_cpu / bare_cpu:.2f}x")
    scope = "each its own peak" if own_peaks else "peaks since the process started"
    print(f"peak RSS of the run: {run_peak:.0f} MiB (before the run: {rss0:.0f} MiB, +{run_peak - rss0:.0f} MiB, "
          f"{run_peak / rss0:.2f}x)")
    print(f"peak RSS of the export: {export_peak:.0f} MiB (before the export: {rss1:.0f} MiB, "
          f"+{export_peak - rss1:.0f} MiB, {export_peak / rss1:.2f}x) [{scope}]")
    print(f"memory: cadres={args.cadres} rss_before={rss0:.1f} run_peak={run_peak:.1f} "
          f"run_growth={run_peak - rss0:.1f} export_before={rss1:.1f} export_peak={export_peak:.1f} "
          f"export_growth={export_peak - rss1:.1f}")
    explain_hot_queries(j, first)

    if args.no_trace:
        return
    with transaction.atomic():  # second pass with tracemalloc, on the same data
        from subsidies.models import Trip

        Trip.objects.update(statement=None)
        Line.objects.all().delete()
        Statement.objects.all().delete()
        SubsidyRun.objects.all().delete()
    _, run_t, export_t, _, run_peak, export_peak = one_run(trace=True)
    print(f"tracemalloc peak: run {run_peak / 1024 / 1024:.0f} MiB, export {export_peak / 1024 / 1024:.0f} MiB "
          f"(traced pass took {run_t:.1f}s + {export_t:.1f}s)")


if __name__ == "__main__":
    main()
