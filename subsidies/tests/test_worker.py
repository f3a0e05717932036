"""The run on a real Celery worker (Redis broker), and races that two people can start at once."""

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection

from conftest import build_world
from jurisdictions.errors import RuleViolation
from subsidies import services
from subsidies.models import Statement, SubsidyRun, Trip
from tests import factories as f

from .conftest import JUNE, cadre_in_post, days, enter_open_rates, finance_of


@pytest.mark.celery_worker
def test_a_run_posted_through_the_api_is_computed_by_a_real_celery_worker(seeded_transactional_db, api):
    import subsidies.tasks  # noqa: F401  (registers the task with the app)
    from config.celery import app

    w = build_world("fengdu")
    c = cadre_in_post(w)
    clerk = f.UserFactory(jurisdiction=w.jurisdiction)
    f.attendance_days(c, w.township_a, days(JUNE, 21))
    f.confirm_sheet(w.township_a, JUNE, clerk)
    fin = finance_of(w)
    with start_worker(app, perform_ping_check=False, shutdown_timeout=20):
        r = api(fin).post("/api/v1/subsidy-runs/", {"jurisdiction": "fengdu", "month": "2025-06"}, format="json")
        assert r.status_code == 201 and r.json()["status"] == "pending"
        run_id = r.json()["id"]
        deadline = time.monotonic() + 30
        seen = set()
        while time.monotonic() < deadline:
            body = api(fin).get(f"/api/v1/subsidy-runs/{run_id}/").json()
            seen.add(body["status"])
            if body["status"] in ("done", "failed"):
                break
            time.sleep(0.2)
    assert body["status"] == "done", body
    assert body["progress"] == 100 and body["missing_sheets"] == []
    st = Statement.objects.get(cadre=c, month=JUNE)
    assert st.total == Decimal("2100.00")
    assert SubsidyRun.objects.get(pk=run_id).attempts == 1


def _in_thread(fn):
    box = {}

    def target():
        try:
            box["value"] = fn()
        except Exception as exc:  # collected and asserted by the test
            box["error"] = exc
        finally:
            connection.close()

    t = threading.Thread(target=target)
    t.start()
    return t, box


def test_two_runs_of_the_same_month_started_together_issue_each_statement_once(seeded_transactional_db):
    w = enter_open_rates(build_world("ganzhou"))
    clerk = f.UserFactory(jurisdiction=w.jurisdiction)
    cadres = [cadre_in_post(w) for _ in range(5)]
    for c in cadres:
        f.attendance_days(c, w.township_a, days(JUNE, 20))
    f.confirm_sheet(w.township_a, JUNE, clerk)
    fin = finance_of(w)
    runs = [services.subsidy_run_create(actor=fin, jurisdiction=w.jurisdiction, month=JUNE) for _ in range(2)]
    threads = [_in_thread(lambda r=r: services.subsidy_run_execute(run_id=r.id, chunk=2)) for r in runs]
    for t, _ in threads:
        t.join(30)
    assert all("error" not in box for _, box in threads), [box.get("error") for _, box in threads]
    assert Statement.objects.filter(month=JUNE).count() == 5
    assert sorted(SubsidyRun.objects.filter(pk__in=[r.id for r in runs]).values_list("statement_count", flat=True)) \
        == [0, 5]


def test_two_trips_posted_together_cannot_exceed_the_monthly_cap_ganzhou_art27(seeded_transactional_db):
    w = enter_open_rates(build_world("ganzhou"))
    c = cadre_in_post(w, self_driving=True, commute_km=Decimal("30.0"))
    fin = finance_of(w)
    services.trip_create(actor=fin, cadre=c, day=date(2025, 6, 3))
    barrier = threading.Barrier(2)

    def post(day):
        def go():
            barrier.wait()
            return services.trip_create(actor=type(fin).objects.get(pk=fin.pk), cadre=c, day=day)
        return go

    threads = [_in_thread(post(date(2025, 6, d))) for d in (10, 11)]
    for t, _ in threads:
        t.join(30)
    errors = [box.get("error") for _, box in threads if "error" in box]
    assert len(errors) == 1 and isinstance(errors[0], RuleViolation) and errors[0].code == "trip_cap"
    assert Trip.objects.filter(cadre=c).count() == 2
