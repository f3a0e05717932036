"""`make bench` cannot rot again: the benchmark script runs here at a small size, in its own database."""

from tests.bench import bench_run


def test_the_benchmark_script_builds_its_data_runs_the_month_and_exports_at_a_small_size_beside_its_limits():
    with bench_run("subsidy_run.py", "--cadres", "100", db_suffix="bench_test") as done:
        assert done.returncode == 0, done.stderr[-3000:]
        out = done.stdout
        assert "data: 100 cadres" in out and "status=done" in out and "export:" in out, out
        statements = int(out.split("statements=")[1].split()[0])
        assert statements > 0
        # the limits printed beside the figures, in the same run (issue 15)
        assert "ratio run/lower bound:" in out and "ratio export/bare:" in out, out
        assert "(identical)" in out, out  # the hand-written SQL issues the same statements, lines and total


def test_the_web_benchmark_serves_the_portal_and_a_hello_world_with_gunicorn_and_prints_each_figure_beside_it():
    """bench/web.py at 20 cadres for a second per measurement: the figures are printed (their speed is not
    asserted: the machine is shared)."""
    with bench_run("web.py", "--cadres", "20", "--seconds", "1", "--clients", "2", db_suffix="bench_web_test") as done:
        pass
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "sheet page queries: " in out and "(same;" in out, out  # the grid's queries do not grow with cadres
    assert "sheet page size: " in out and "KiB for 20 cadres" in out, out
    for name in ("hello-world GET /", "check-in POST", "attendance/monthly/ GET", "sheet page, 20 cadres",
                 "sheet page, 5 cadres"):
        line = next(ln for ln in out.splitlines() if ln.startswith(name))
        assert "req/s" in line and "p95" in line, line
        assert ", 0 not 200)" in line, line  # every request was answered 200
        if name.startswith(("check-in", "attendance/monthly")):
            assert "% of hello-world" in line, line
    assert "explain audit log of a jurisdiction:" in out, out
