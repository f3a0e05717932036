"""POST attendance-sheets/: the township confirms (locks) its month (ganzhou art.27(二) township-stamped sheet)."""

import threading
from datetime import date

import pytest
from django.db import connection
from rest_framework.test import APIClient

from jurisdictions.models import AuditEvent, Role
from tests import factories as f

from ..models import AttendanceSheet

URL = "/api/v1/attendance-sheets/"


@pytest.mark.django_db
def test_the_clerk_confirms_the_month_and_later_edits_answer_409(api, clerk, member, world):
    r = api(clerk).post(URL, {"org_unit": world.township_a.id, "month": "2026-10"}, format="json")
    assert r.status_code == 201, r.data
    assert r.data["confirmed_by"] == clerk.id and r.data["confirmed_at"] and r.data["id"]
    assert AuditEvent.objects.filter(action="attendance.sheet_confirm").count() == 1
    r = api(clerk).post("/api/v1/attendance/", {"cadre": member.id, "date": "2026-10-05", "status": "on_duty"},
                        format="json")
    assert r.status_code == 409 and r.data["code"] == "month_confirmed" and r.data["detail"]
    r = api(clerk).post(URL, {"org_unit": world.township_a.id, "month": "2026-10"}, format="json")
    assert r.status_code == 409 and r.data["code"] == "already_confirmed"


@pytest.mark.django_db
def test_a_month_not_yet_over_cannot_be_confirmed(api, clerk, world):
    r = api(clerk).post(URL, {"org_unit": world.township_a.id, "month": "2099-10"}, format="json")
    assert r.status_code == 400 and r.data["code"] == "month_not_over"


@pytest.mark.django_db
def test_a_bad_month_or_a_village_is_a_400(api, alice, world):
    assert api(alice).post(URL, {"org_unit": world.township_a.id, "month": "2026-13"},
                           format="json").status_code == 400
    r = api(alice).post(URL, {"org_unit": world.village_a.id, "month": "2026-10"}, format="json")
    assert r.status_code == 400


@pytest.mark.django_db
def test_bob_charlie_and_the_county_cannot_confirm_township_a(api, bob, charlie, world):
    for user in (bob, charlie):
        r = api(user).post(URL, {"org_unit": world.township_a.id, "month": "2026-10"}, format="json")
        assert r.status_code == 400 and r.data["code"] == "invalid_org_unit"
    county = f.UserFactory(username="cty", jurisdiction=world.jurisdiction)
    f.grant(county, Role.COUNTY_OFFICE, jurisdiction=world.jurisdiction)
    r = api(county).post(URL, {"org_unit": world.township_a.id, "month": "2026-10"}, format="json")
    assert r.status_code == 403
    assert not AttendanceSheet.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_clerks_confirming_at_once_give_one_sheet_and_one_409(reseed):
    from conftest import build_world

    w = build_world("ganzhou")
    users = []
    for name in ("c1", "c2"):
        u = f.UserFactory(username=name, jurisdiction=w.jurisdiction)
        f.grant(u, Role.ATTENDANCE_CLERK, org_unit=w.township_a)
        users.append(u)
    barrier = threading.Barrier(2)
    codes = []

    def confirm(user):
        client = APIClient()
        client.force_authenticate(user=user)
        barrier.wait()
        try:
            codes.append(client.post(URL, {"org_unit": w.township_a.id, "month": "2026-10"},
                                     format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [201, 409]
    assert AttendanceSheet.objects.filter(township=w.township_a, month=date(2026, 10, 1)).count() == 1
