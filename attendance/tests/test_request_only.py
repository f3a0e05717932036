"""Issue 9, item 6: where `leave.official_business_needs_request` is on (ganzhou art.17, qujiang art.14), an
official_business or leave day only comes from an approved request; a keeper's direct entry is refused."""

from datetime import date

import pytest

from .. import services
from ..models import DailyRecord
from .conftest import world_with_clerk

pytestmark = pytest.mark.django_db
URL = "/api/v1/attendance/"


@pytest.mark.parametrize("code,ref", [("ganzhou", "ganzhou art.17"), ("qujiang", "qujiang art.14")])
@pytest.mark.parametrize("status", ["official_business", "leave"])
def test_a_clerk_cannot_enter_official_business_or_leave_directly_ganzhou_art_17_qujiang_art_14(api, code, ref,
                                                                                                 status):
    w, clerk, cadre = world_with_clerk(code)
    r = api(clerk).post(URL, {"cadre": cadre.id, "date": "2026-10-12", "status": status}, format="json")
    assert r.status_code == 400, r.data
    assert (r.data["code"], r.data["rule_ref"], r.data["overridable"]) == ("needs_approved_request", ref, False)
    assert "审批" in r.data["detail"] and not DailyRecord.objects.filter(cadre=cadre).exists()


def test_other_statuses_stay_editable_where_trips_need_a_request_ganzhou_art_17(api):
    w, clerk, cadre = world_with_clerk("ganzhou")
    for status in ("on_duty", "rest", "absent"):
        r = api(clerk).post(URL, {"cadre": cadre.id, "date": "2026-10-12", "status": status}, format="json")
        assert r.status_code == 200 and r.data["status"] == status


def test_linfen_has_no_such_row_so_its_clerk_still_records_an_official_trip(api):
    w, clerk, cadre = world_with_clerk("linfen")
    r = api(clerk).post(URL, {"cadre": cadre.id, "date": "2026-10-12", "status": "official_business"}, format="json")
    assert r.status_code == 200 and r.data["status"] == "official_business"


def test_days_written_by_an_approved_trip_still_count_ganzhou_art_16_art_17(api):
    w, clerk, cadre = world_with_clerk("ganzhou")
    n = services.records_mark_leave(actor=clerk, cadre=cadre, township=w.township_a, start=date(2026, 10, 12),
                                    end=date(2026, 10, 14), leave_request_id=9, status="official_business")
    assert n == 3
    body = api(clerk).get("/api/v1/attendance/monthly/", {"cadre": cadre.id, "month": "2026-10"}).data
    assert (body["official_business_days"], body["counted_days"]) == (3, 3)
    # and the keeper can still correct such a day to another status
    r = api(clerk).post(URL, {"cadre": cadre.id, "date": "2026-10-12", "status": "on_duty"}, format="json")
    assert r.status_code == 200


def test_the_grid_refuses_a_leave_cell_with_the_article_and_keeps_the_day_ganzhou_art_17(client):
    w, clerk, cadre = world_with_clerk("ganzhou")
    client.force_login(clerk)
    html = client.get("/attendance/sheet/", {"month": "2026-10"}).content.decode()
    assert "须经请假审批，不能直接登记" in html and "disabled" in html
    r = client.post("/attendance/sheet/cell/", {"cadre": cadre.id, "date": "2026-10-12", "status": "leave"})
    assert r.status_code == 200 and "赣州市文件第17条" in r.content.decode() and "ganzhou art.17）" not in r.content.decode()
    assert not DailyRecord.objects.filter(cadre=cadre).exists()
