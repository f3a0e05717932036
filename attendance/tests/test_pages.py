"""Pages: check-in, the clerk's grid (htmx cell edit), confirm, print view, diaries, inspections."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from jurisdictions.models import Role
from tests import factories as f

from ..models import AttendanceSheet, DailyRecord
from .conftest import place

pytestmark = pytest.mark.django_db


def test_the_check_in_page_marks_today_on_duty_with_the_location(client, cadre_user):
    user, cadre = cadre_user
    client.force_login(user)
    page = client.get("/attendance/check-in/")
    assert page.status_code == 200 and "在岗打卡" in page.content.decode()
    client.post("/attendance/check-in/", {"latitude": "25.831234", "longitude": "114.933456"})
    rec = DailyRecord.objects.get(cadre=cadre, date=timezone.localdate())
    assert (rec.status, rec.source, rec.latitude) == ("on_duty", "check_in", Decimal("25.831234"))
    html = client.get("/attendance/check-in/").content.decode()
    assert "今日已在岗" in html and "ganzhou art.16" in html


def test_the_township_sees_the_location_of_a_check_in_on_the_grid(client, api, cadre_user, clerk):
    user, cadre = cadre_user
    api(user).post("/api/v1/attendance/check-in/", {"latitude": "25.8312", "longitude": "114.9334"}, format="json")
    client.force_login(clerk)
    html = client.get("/attendance/sheet/").content.decode()
    assert "本人打卡，位置 25.831200,114.933400" in html


def test_the_check_in_api_works_without_a_location_and_refuses_a_non_cadre(api, cadre_user, alice):
    user, cadre = cadre_user
    r = api(user).post("/api/v1/attendance/check-in/", {}, format="json")
    assert r.status_code == 200 and r.data["status"] == "on_duty" and r.data["latitude"] is None
    assert api(alice).post("/api/v1/attendance/check-in/", {}, format="json").status_code == 403
    r = api(user).post("/api/v1/attendance/check-in/", {"latitude": "95", "longitude": "1"}, format="json")
    assert r.status_code == 400


def test_a_garbled_location_from_the_page_is_a_message_not_a_crash(client, cadre_user):
    user, cadre = cadre_user
    client.force_login(user)
    r = client.post("/attendance/check-in/", {"latitude": "abc", "longitude": "NaN"}, follow=True)
    assert r.status_code == 200 and "纬度格式有误" in r.content.decode()
    assert not DailyRecord.objects.filter(cadre=cadre).exists()


def test_the_check_in_on_a_leave_day_asks_to_cancel_the_leave_first(api, cadre_user, world):
    user, cadre = cadre_user
    DailyRecord.objects.create(jurisdiction=world.jurisdiction, cadre=cadre, township=world.township_a,
                               date=timezone.localdate(), status="leave")
    r = api(user).post("/api/v1/attendance/check-in/", {}, format="json")
    assert r.status_code == 409 and r.data["code"] == "on_leave"


def test_the_clerk_grid_shows_the_cadres_and_a_cell_edit_saves_through_the_service(client, clerk, member, world):
    client.force_login(clerk)
    page = client.get("/attendance/sheet/", {"month": "2026-10"})
    html = page.content.decode()
    assert page.status_code == 200 and member.name in html and "ganzhou art.16" in html
    r = client.post("/attendance/sheet/cell/", {"cadre": member.id, "date": "2026-10-10", "status": "on_duty"},
                    HTTP_HX_REQUEST="true")
    # the answer is the cell showing the saved status (it was a <select> with the status selected, issue 15)
    assert r.status_code == 200 and 'data-status="on_duty"><button type="button" title="在岗">√</button>' in \
        r.content.decode() and 'hx-swap-oob' in r.content.decode()
    assert DailyRecord.objects.get(cadre=member, date=date(2026, 10, 10)).status == "on_duty"


def test_a_locked_month_shows_no_selects_and_a_cell_post_shows_the_409_reason(client, clerk, member, world):
    client.force_login(clerk)
    r = client.post("/attendance/sheet/confirm/", {"township": world.township_a.id, "month": "2026-10",
                                                   "acknowledge_shortfall": "true"})
    assert r.status_code == 302 and AttendanceSheet.objects.count() == 1
    html = client.get("/attendance/sheet/", {"month": "2026-10"}).content.decode()
    grid = html.split('id="sheet"')[1]
    assert "已确认锁定" in html and "<select" not in grid and "<button" not in grid and 'id="picker"' not in html
    r = client.post("/attendance/sheet/cell/", {"cadre": member.id, "date": "2026-10-10", "status": "on_duty"})
    assert "已确认锁定" in r.content.decode()
    assert not DailyRecord.objects.exists()


def test_the_print_view_looks_like_the_paper_sheet(client, clerk, member, world):
    DailyRecord.objects.create(jurisdiction=world.jurisdiction, cadre=member, township=world.township_a,
                               date=date(2026, 10, 9), status="on_duty")
    client.force_login(clerk)
    html = client.get("/attendance/sheet/print/", {"township": world.township_a.id, "month": "2026-10"}
                      ).content.decode()
    assert "驻村干部考勤表" in html and "盖章" in html and "√" in html and member.name in html


def test_bob_cannot_open_township_a_sheet_or_print_it(client, bob, world):
    client.force_login(bob)
    assert client.get("/attendance/sheet/", {"township": world.township_a.id}).status_code == 404
    assert client.get("/attendance/sheet/print/", {"township": world.township_a.id}).status_code == 404


def test_a_user_without_a_township_role_sees_a_clear_message_not_a_404(client, world):
    user = f.UserFactory(username="finance_x", jurisdiction=world.jurisdiction)
    f.grant(user, Role.FINANCE, jurisdiction=world.jurisdiction)
    client.force_login(user)
    r = client.get("/attendance/sheet/")
    assert r.status_code == 200 and "考勤表由乡镇考勤员填报" in r.content.decode()


def test_a_county_user_chooses_a_township_with_its_month_status_and_sees_it_read_only(client, county_office,
                                                                                     clerk, member, world):
    AttendanceSheet.objects.create(jurisdiction=world.jurisdiction, township=world.township_a,
                                   month=date(2026, 10, 1), confirmed_by=clerk)
    client.force_login(county_office)
    html = client.get("/attendance/sheet/", {"month": "2026-10"}).content.decode()
    assert world.township_a.name in html and world.township_b.name in html
    assert "已确认" in html and "未确认" in html
    r = client.get("/attendance/sheet/", {"township": world.township_b.id, "month": "2026-11"})
    html = r.content.decode()
    assert r.status_code == 200 and "只读查看" in html and "<select name=\"status\"" not in html
    assert "确认并锁定本月考勤" not in html


def test_charlie_as_fengdu_admin_is_offered_only_fengdu_townships(client, charlie, world, other_world):
    client.force_login(charlie)
    html = client.get("/attendance/sheet/").content.decode()
    assert other_world.township_a.name in html and f"township={world.township_a.id}&" not in html
    assert client.get("/attendance/sheet/", {"township": world.township_a.id}).status_code == 404


def test_linfen_print_view_has_the_daily_count_and_the_monthly_evaluation_art_8(client):
    from .conftest import world_with_clerk

    w, clerk, cadre = world_with_clerk("linfen")
    DailyRecord.objects.create(jurisdiction=w.jurisdiction, cadre=cadre, township=w.township_a,
                               date=date(2026, 10, 9), status="on_duty")
    client.force_login(clerk)
    html = client.get("/attendance/sheet/print/", {"township": w.township_a.id, "month": "2026-10"}).content.decode()
    assert "当日在岗人数" in html and "月度评价" in html and "linfen art.8" in html


def test_the_diary_and_inspection_pages_render_and_save(client, world, city_office, member):
    user = f.UserFactory(username="dp", jurisdiction=world.jurisdiction)
    place(world.team_a, user=user)
    client.force_login(user)
    client.post("/diaries/", {"date": "2026-10-12", "content": "页面日志", "duty_area": "project", "kind": "entry"})
    assert "页面日志" in client.get("/diaries/", {"view": "month", "month": "2026-10"}).content.decode()
    client.force_login(city_office)
    client.post("/inspections/", {"cadre": member.id, "date": "2026-10-12", "level": "city",
                                  "result": "absent_unexcused"})
    html = client.get("/inspections/", {"month": "2026-10"}).content.decode()
    assert "ganzhou art.21" in html and "通报" in html


def test_the_grid_page_takes_as_many_queries_for_30_cadres_as_for_3(client, clerk, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .test_monthly import _township_of

    client.force_login(clerk)
    client.get("/attendance/sheet/", {"month": "2026-10"})  # the first visit makes the villages' board links
    _township_of(world, 3)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/attendance/sheet/", {"month": "2026-10"}).status_code == 200
    _township_of(world, 27)
    with CaptureQueriesContext(connection) as big:
        html = client.get("/attendance/sheet/", {"month": "2026-10"}).content.decode()
    assert html.count('class="name">批量') == 30
    # session, user, grants, user's cadre, townships held, memberships, records, policy, calendar days, counts,
    # postings, approved leave, yearly counts, sheet, policy again and calendar again for the page header: none per
    # cadre
    assert len(big.captured_queries) == len(small.captured_queries) <= 18


def _editable(html: str, cadre) -> bool:
    """The cadre's row is editable on this page: its day cells are buttons in a row the picker knows."""
    return (f'<tr data-cadre="{cadre.pk}">' in html
            and re.search(f'<td id="cell-{cadre.pk}-1" class="cell( off)?" data-status=""><button type="button"',
                          html) is not None)


def test_fengdu_grid_shows_rows_kept_by_the_team_leader_read_only_art_9(client):
    from teams.models import Membership

    from .conftest import township_team, world_with_clerk

    w, clerk, village_member = world_with_clerk("fengdu")
    team = township_team(w)
    kept_by_leader = place(team, name="乡队队员")
    client.force_login(clerk)
    html = client.get("/attendance/sheet/", {"month": "2026-10"}).content.decode()
    # a cell the clerk may edit is a button the shared picker opens (it had a per-cell select named after the cadre)
    assert "由队长记录" in html and not _editable(html, kept_by_leader)
    assert Membership.objects.filter(cadre=village_member).exists()
    assert "去向牌" in html and w.village_a.name in html


def test_fengdu_team_leader_keeps_its_members_on_its_own_grid_art_9(client):
    from teams.models import Membership

    from .conftest import township_team, world_with_clerk

    w, _, _ = world_with_clerk("fengdu")
    team = township_team(w)
    leader_user = f.UserFactory(username="fd_lead_page", jurisdiction=w.jurisdiction)
    leader = place(team, role=Membership.Role.LEADER, user=leader_user, name="乡队队长")
    member = place(team, name="乡队队员")
    client.force_login(leader_user)
    html = client.get("/attendance/sheet/", {"month": "2026-10"}).content.decode()
    assert team.name in html and _editable(html, member)
    assert not _editable(html, leader)  # the township keeps the leader
    assert "确认并锁定" not in html
    r = client.post("/attendance/sheet/cell/", {"cadre": member.id, "date": "2026-10-09", "status": "on_duty"})
    assert r.status_code == 200 and DailyRecord.objects.get(cadre=member).source == "team_leader"


def test_a_check_in_does_not_overwrite_an_absence_the_township_recorded(api, cadre_user, world):
    user, cadre = cadre_user
    DailyRecord.objects.create(jurisdiction=world.jurisdiction, cadre=cadre, township=world.township_a,
                               date=timezone.localdate(), status="absent", source="clerk")
    r = api(user).post("/api/v1/attendance/check-in/", {}, format="json")
    assert r.status_code == 409 and r.data["code"] == "recorded_by_township"
    assert DailyRecord.objects.get(cadre=cadre).status == "absent"


def test_a_second_check_in_on_the_same_day_is_accepted(api, cadre_user):
    user, cadre = cadre_user
    assert api(user).post("/api/v1/attendance/check-in/", {}, format="json").status_code == 200
    assert api(user).post("/api/v1/attendance/check-in/", {}, format="json").status_code == 200
    assert DailyRecord.objects.filter(cadre=cadre).count() == 1
