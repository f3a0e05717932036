"""`bench/monthly_report.py` cannot rot: it runs here at a small size, in its own database."""

from tests.bench import bench_run


def test_the_report_benchmark_builds_its_data_generates_the_month_and_times_a_group_by_and_the_dashboard():
    with bench_run("monthly_report.py", "--cadres", "100", db_suffix="bench_reports_test") as done:
        assert done.returncode == 0, done.stderr[-3000:]
        out = done.stdout
        assert "data: 100 cadres" in out and "status=done" in out and "cadres=100" in out, out
        assert "one GROUP BY over the same attendance rows" in out and "dashboard:" in out and "status=200" in out
