"""The contract paths as an independent client uses them: token auth, JSON in and out; and the Linfen extras."""

from datetime import date

import pytest

from jurisdictions.models import Role
from tests import factories as f

from ..models import DailyRecord, Inspection
from .conftest import world_with_clerk

pytestmark = pytest.mark.django_db


def test_an_independent_client_records_reads_the_month_and_confirms_with_a_token(client, member, world):
    clerk = f.UserFactory(username="tok_clerk", jurisdiction=world.jurisdiction)
    f.grant(clerk, Role.ATTENDANCE_CLERK, org_unit=world.township_a)
    token = client.post("/api/v1/auth/token/", {"username": "tok_clerk", "password": "pass-1234"},
                        content_type="application/json").json()["token"]
    h = {"HTTP_AUTHORIZATION": f"Token {token}"}
    r = client.post("/api/v1/attendance/", {"cadre": member.id, "date": "2026-10-10", "status": "on_duty"},
                    content_type="application/json", **h)
    assert r.status_code == 200
    body = client.get(f"/api/v1/attendance/monthly/?cadre={member.id}&month=2026-10", **h).json()
    assert set(body) >= {"cadre", "month", "on_duty_days", "official_business_days", "leave_days", "rest_days",
                         "absent_days", "unrecorded_days", "counted_days", "paid_days", "required_days",
                         "compliant", "rule_ref"}
    assert body["month"] == "2026-10" and body["on_duty_days"] == 1
    r = client.post("/api/v1/attendance-sheets/", {"org_unit": world.township_a.id, "month": "2026-10"},
                    content_type="application/json", **h)
    assert r.status_code == 400 and r.json()["code"] == "shortfall_unacknowledged"  # 1 of 22 working days recorded
    r = client.post("/api/v1/attendance-sheets/", {"org_unit": world.township_a.id, "month": "2026-10",
                                                   "acknowledge_shortfall": True},
                    content_type="application/json", **h)
    assert r.status_code == 201 and set(r.json()) >= {"id", "confirmed_by", "confirmed_at"}
    r = client.post("/api/v1/attendance/", {"cadre": member.id, "date": "2026-10-11", "status": "rest"},
                    content_type="application/json", **h)
    assert r.status_code == 409 and set(r.json()) >= {"code", "detail"}


def test_the_schema_documents_the_attendance_paths(admin_client):
    r = admin_client.get("/api/schema/")
    assert r.status_code == 200
    text = r.content.decode()
    for path in ("/api/v1/attendance/", "/api/v1/attendance/monthly/", "/api/v1/attendance-sheets/",
                 "/api/v1/inspections/", "/api/v1/cadres/{id}/flags/", "/api/v1/whereabouts/", "/api/v1/diaries/"):
        assert path in text, path


def test_linfen_daily_counts_per_township_art_8(api):
    w, clerk, cadre = world_with_clerk("linfen")
    DailyRecord.objects.create(jurisdiction=w.jurisdiction, cadre=cadre, township=w.township_a,
                               date=date(2026, 10, 9), status="on_duty")
    r = api(clerk).get("/api/v1/attendance/daily-counts/", {"org_unit": w.township_a.id, "month": "2026-10"})
    assert r.status_code == 200 and r.data["rule_ref"] == "linfen art.8"
    assert len(r.data["days"]) == 31 and r.data["days"][8] == {"date": "2026-10-09", "on_duty": 1,
                                                               "official_business": 0, "leave": 0, "rest": 0,
                                                               "absent": 0}


def test_linfen_monthly_inspection_log_lists_cadres_not_yet_inspected_art_9(api):
    w, clerk, cadre = world_with_clerk("linfen")
    county = f.UserFactory(username="lf_c", jurisdiction=w.jurisdiction)
    f.grant(county, Role.COUNTY_OFFICE, jurisdiction=w.jurisdiction)
    r = api(county).get("/api/v1/inspections/log/", {"org_unit": w.township_a.id, "month": "2026-10"})
    assert r.data["rule_ref"] == "linfen art.9" and r.data["missing"] == [cadre.id]
    Inspection.objects.create(jurisdiction=w.jurisdiction, cadre=cadre, date=date(2026, 10, 5), level="county",
                              result="present", recorded_by=county)
    r = api(county).get("/api/v1/inspections/log/", {"org_unit": w.township_a.id, "month": "2026-10"})
    assert r.data["missing"] == [] and r.data["cadres"][0]["inspections"][0]["result"] == "present"


def test_the_township_extras_are_404_for_bob_and_charlie(api, bob, charlie, world):
    for user in (bob, charlie):
        for url in ("/api/v1/attendance/daily-counts/", "/api/v1/inspections/log/"):
            assert api(user).get(url, {"org_unit": world.township_a.id, "month": "2026-10"}).status_code == 404
