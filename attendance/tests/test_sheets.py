"""POST attendance-sheets/: the township confirms (locks) its month (ganzhou art.27(二) township-stamped sheet)."""

import threading
from datetime import date

import pytest
from django.db import connection
from rest_framework.test import APIClient

from jurisdictions.models import AuditEvent, Role
from tests import factories as f

from ..models import AttendanceSheet, DailyRecord
from .conftest import mark, place, world_with_clerk

URL = "/api/v1/attendance-sheets/"


@pytest.mark.django_db
def test_the_clerk_confirms_the_month_and_later_edits_answer_409(api, clerk, member, world):
    r = api(clerk).post(URL, {"org_unit": world.township_a.id, "month": "2026-10", "acknowledge_shortfall": True},
                        format="json")
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
def test_two_clerks_confirming_at_once_give_one_sheet_and_one_409(seeded_transactional_db):
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


@pytest.mark.django_db(transaction=True)
def test_a_record_racing_the_confirmation_lands_before_the_lock_or_gets_409(seeded_transactional_db):
    """Both writes lock the township row: an edit is never saved into a month after it was confirmed."""
    from conftest import build_world

    w = build_world("ganzhou")
    member = place(w.team_a)
    clerks = []
    for name in ("r1", "r2"):
        u = f.UserFactory(username=name, jurisdiction=w.jurisdiction)
        f.grant(u, Role.ATTENDANCE_CLERK, org_unit=w.township_a)
        clerks.append(u)
    for attempt in range(5):
        barrier = threading.Barrier(2)
        out = {}

        def run(key, user, url, body, barrier=barrier, out=out):
            client = APIClient()
            client.force_authenticate(user=user)
            barrier.wait()
            try:
                out[key] = client.post(url, body, format="json").status_code
            finally:
                connection.close()

        month = f"2026-{attempt + 1:02d}"
        threads = [
            threading.Thread(target=run, args=("confirm", clerks[0], URL, {"org_unit": w.township_a.id,
                                                                           "month": month,
                                                                           "acknowledge_shortfall": True})),
            threading.Thread(target=run, args=("record", clerks[1], "/api/v1/attendance/",
                                               {"cadre": member.id, "date": f"{month}-05", "status": "on_duty"})),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert out["confirm"] == 201 and out["record"] in (200, 409)
        sheet = AttendanceSheet.objects.get(township=w.township_a, month=date(2026, attempt + 1, 1))
        rec = DailyRecord.objects.filter(cadre=member, date=date(2026, attempt + 1, 5)).first()
        assert (rec is not None) == (out["record"] == 200)
        if rec is not None:
            assert rec.recorded_at <= sheet.confirmed_at


@pytest.mark.django_db
def test_fengdu_a_month_below_the_soft_two_thirds_rule_needs_a_reason_per_cadre_art_9(api):
    w, clerk, short = world_with_clerk("fengdu")
    full = place(w.team_a)
    mark(full, w.township_a, [date(2026, 10, d) for d in range(1, 22)])
    body = {"org_unit": w.township_a.id, "month": "2026-10", "acknowledge_shortfall": True}
    r = api(clerk).post(URL, body, format="json")
    assert r.status_code == 400 and r.data["code"] == "shortfall_reason_required"
    assert r.data["rule_ref"] == "fengdu art.9" and r.data["overridable"] is True
    assert list(r.data["errors"]["reasons"]) == [str(short.id)]
    r = api(clerk).post(URL, body | {"reasons": {str(short.id): "   "}}, format="json")
    assert r.status_code == 400
    r = api(clerk).post(URL, body | {"reasons": {str(short.id): "借调县里防汛"}}, format="json")
    assert r.status_code == 201
    sheet = AttendanceSheet.objects.get(pk=r.data["id"])
    assert sheet.shortfall_reasons == {str(short.id): {"reason": "借调县里防汛", "counted_days": 0,
                                                      "required_days": 21, "rule_ref": "fengdu art.9"}}


@pytest.mark.django_db
def test_a_hard_rule_shortfall_needs_an_explicit_acknowledgement_stored_on_the_sheet_ganzhou_art_16(
        api, clerk, member, world):
    """ganzhou art.16 (必须, hard): a cadre below it, or with unrecorded working days, is listed and the keeper must
    acknowledge the list before the month locks; the list is kept on the sheet."""
    full = place(world.team_a, since=date(2026, 10, 1))  # arrived this month: the year to date is October alone
    mark(full, world.township_a, [date(2026, 10, d) for d in range(1, 32)])  # 31 days ≥ the fixed 20
    body = {"org_unit": world.township_a.id, "month": "2026-10"}
    r = api(clerk).post(URL, body, format="json")
    assert r.status_code == 400 and r.data["code"] == "shortfall_unacknowledged" and r.data["detail"]
    assert [e["cadre"] for e in r.data["errors"]] == [member.id]
    assert r.data["errors"][0]["below_required"] is True and r.data["errors"][0]["unrecorded_working_days"] > 0
    assert r.data["errors"][0]["rule_ref"] == "ganzhou art.16"
    assert not AttendanceSheet.objects.exists()
    r = api(clerk).post(URL, body | {"acknowledge_shortfall": True}, format="json")
    assert r.status_code == 201 and r.data["shortfall_reasons"] == {} and r.data["shortfall_acknowledged"] is True
    sheet = AttendanceSheet.objects.get()
    assert sheet.shortfall_acknowledged and [a["cadre"] for a in sheet.acknowledged_shortfalls] == [member.id]


@pytest.mark.django_db
def test_a_fully_recorded_compliant_month_confirms_without_the_acknowledgement_ganzhou_art_16(api, clerk, world):
    member = place(world.team_a, since=date(2026, 10, 1))  # arrived this month: the year to date is October alone
    mark(member, world.township_a, [date(2026, 10, d) for d in range(1, 32)])
    r = api(clerk).post(URL, {"org_unit": world.township_a.id, "month": "2026-10"}, format="json")
    assert r.status_code == 201 and r.data["shortfall_acknowledged"] is False, r.data
