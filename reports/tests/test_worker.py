"""The report on a real Celery worker (Redis broker)."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from conftest import build_world
from reports.models import MonthlyReport

from .conftest import seed_month


@pytest.mark.celery_worker
def test_a_report_posted_through_the_api_is_generated_by_a_real_celery_worker(seeded_transactional_db, api):
    import reports.tasks  # noqa: F401  (registers the task with the app)
    from config.celery import app

    m = seed_month(build_world("ganzhou"))
    with start_worker(app, perform_ping_check=False, shutdown_timeout=20):
        r = api(m.org_dept).post("/api/v1/reports/monthly/", {"jurisdiction": "ganzhou", "month": "2026-03"},
                                 format="json")
        assert r.status_code == 202 and r.json()["status"] == "pending"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            report = MonthlyReport.objects.get(pk=r.json()["id"])
            if report.status != "pending":
                break
            time.sleep(0.2)
    assert report.status == "done", report.error
    assert report.version == 1 and report.attempts == 1
    body = api(m.org_dept).get("/api/v1/reports/monthly/?jurisdiction=ganzhou&month=2026-03").json()
    assert body["id"] == report.id and body["totals"]["cadres"] == 3
