"""bench/monthly_api.py (issue 15: where one `attendance/monthly/` request spends its time) cannot rot: it runs here
at a small size, in its own database. Its figures are printed, never asserted (the machine is shared)."""

from tests.bench import bench_run


def test_the_in_process_monthly_benchmark_prints_each_query_of_a_request_and_the_time_per_request():
    with bench_run("monthly_api.py", "--cadres", "20", "--requests", "20", db_suffix="bench_monthly_test") as done:
        pass
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "one request: " in out and " queries, " in out and "ms of it at the driver" in out, out
    assert "20 requests: " in out and "ms of this process's CPU" in out, out
    assert '"required_days"' in out and '"rule_ref"' in out, out  # the answer of the API, as a client gets it
