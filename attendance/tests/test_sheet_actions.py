"""What users hit first on the attendance sheet: fill a row or a range in one action, no confirm button before the
month ends, and the print view prints soft-rule shortfalls as 未达原则要求 with the reasons entered."""

from datetime import date

import pytest

from ..models import AttendanceSheet, DailyRecord
from .conftest import mark, world_with_clerk
from .test_monthly import days_of, working_days

pytestmark = pytest.mark.django_db
FILL = "/attendance/sheet/fill/"


def fill(client, w, cadre, start, end, status="on_duty", **extra):
    data = {"township": w.township_a.id, "month": f"{start:%Y-%m}", "cadre": cadre.id, "start": start.isoformat(),
            "end": end.isoformat(), "status": status, "working_days_only": "on", "blanks_only": "on", **extra}
    return client.post(FILL, data)


def test_the_clerk_fills_a_cadres_whole_row_of_working_days_in_one_action_qujiang_art_13(client):
    w, clerk, cadre = world_with_clerk("qujiang")
    client.force_login(clerk)
    r = fill(client, w, cadre, date(2026, 10, 1), date(2026, 10, 31))
    assert r.status_code == 302
    assert sorted(DailyRecord.objects.filter(cadre=cadre).values_list("date", flat=True)) == working_days(2026, 10)
    html = client.get(r.url).content.decode()
    assert "已将" in html and "18天记为在岗" in html and "18/18" in html


def test_a_range_fill_leaves_recorded_days_and_approved_leave_alone_unless_asked(client):
    w, clerk, cadre = world_with_clerk("linfen")
    mark(cadre, w.township_a, [date(2026, 10, 12)], "absent")
    DailyRecord.objects.create(jurisdiction=w.jurisdiction, cadre=cadre, township=w.township_a,
                               date=date(2026, 10, 13), status="leave", source="leave", leave_request_id=5)
    client.force_login(clerk)
    fill(client, w, cadre, date(2026, 10, 12), date(2026, 10, 16))
    got = dict(DailyRecord.objects.filter(cadre=cadre).values_list("date", "status"))
    assert got == {date(2026, 10, 12): "absent", date(2026, 10, 13): "leave", date(2026, 10, 14): "on_duty",
                   date(2026, 10, 15): "on_duty", date(2026, 10, 16): "on_duty"}
    fill(client, w, cadre, date(2026, 10, 12), date(2026, 10, 16), blanks_only="")
    got = dict(DailyRecord.objects.filter(cadre=cadre).values_list("date", "status"))
    assert got[date(2026, 10, 12)] == "on_duty" and got[date(2026, 10, 13)] == "leave"


def test_a_fill_into_a_confirmed_month_saves_nothing_and_says_so(client):
    w, clerk, cadre = world_with_clerk("linfen")
    AttendanceSheet.objects.create(jurisdiction=w.jurisdiction, township=w.township_a, month=date(2026, 10, 1),
                                   confirmed_by=clerk)
    client.force_login(clerk)
    r = fill(client, w, cadre, date(2026, 10, 1), date(2026, 10, 31))
    assert "已确认锁定" in client.get(r.url).content.decode()
    assert not DailyRecord.objects.filter(cadre=cadre).exists()


def test_a_fill_of_leave_days_is_refused_with_the_article_ganzhou_art_17(client):
    w, clerk, cadre = world_with_clerk("ganzhou")
    client.force_login(clerk)
    r = fill(client, w, cadre, date(2026, 10, 12), date(2026, 10, 16), status="leave")
    assert "ganzhou art.17" in client.get(r.url).content.decode()
    assert not DailyRecord.objects.filter(cadre=cadre).exists()


def test_a_fill_is_refused_to_a_user_who_does_not_keep_the_cadre(client):
    from jurisdictions.models import Role
    from tests import factories as f

    w, clerk, cadre = world_with_clerk("linfen")
    neighbour = f.user_with_role(Role.ATTENDANCE_CLERK, username="clerk_b_lf", org_unit=w.township_b)
    client.force_login(neighbour)
    client.post(FILL, {"month": "2026-10", "cadre": cadre.id, "start": "2026-10-12", "end": "2026-10-16",
                       "status": "on_duty", "working_days_only": "on"})
    assert not DailyRecord.objects.filter(cadre=cadre).exists()


def test_the_confirm_button_is_not_offered_before_the_month_ends(client):
    from django.utils import timezone

    w, clerk, cadre = world_with_clerk("linfen")
    client.force_login(clerk)
    today = timezone.localdate()
    html = client.get("/attendance/sheet/", {"month": f"{today:%Y-%m}"}).content.decode()
    assert "结束后方可确认" in html and 'action="/attendance/sheet/confirm/"' not in html
    html = client.get("/attendance/sheet/", {"month": "2026-10"}).content.decode()
    assert 'action="/attendance/sheet/confirm/"' in html and "结束后方可确认" not in html


def test_the_print_view_prints_a_soft_shortfall_as_below_the_principle_with_its_reason_fengdu_art_9(api, client):
    w, clerk, cadre = world_with_clerk("fengdu")
    mark(cadre, w.township_a, list(days_of(2026, 10))[:15])
    r = api(clerk).post("/api/v1/attendance-sheets/", {
        "org_unit": w.township_a.id, "month": "2026-10", "acknowledge_shortfall": True,
        "reasons": {str(cadre.id): "参加县里集中培训两周"}}, format="json")
    assert r.status_code == 201, r.data
    client.force_login(clerk)
    html = client.get("/attendance/sheet/print/", {"township": w.township_a.id, "month": "2026-10"}).content.decode()
    assert "未达原则要求" in html and "不合格" not in html
    assert "参加县里集中培训两周" in html and "15/21天" in html
