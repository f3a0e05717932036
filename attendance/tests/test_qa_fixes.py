"""QA fixes on the attendance pages: the sheet's layout, the shortfall acknowledgement on the page, the inspection
and diary forms keeping input, jurisdiction-specific texts, the print and grid pages for users without one
township, the whereabouts board on a phone, and the leader-first-secretary label."""

import pytest

from jurisdictions.models import Role
from teams.models import Membership
from tests import factories as f

from ..models import AttendanceSheet, DiaryEntry, Inspection
from .conftest import board_url, place, world_with_clerk

pytestmark = pytest.mark.django_db


def test_the_whereabouts_links_appear_once_and_never_in_the_title_or_head(client, clerk, member, world):
    client.force_login(clerk)
    html = client.get("/attendance/sheet/", {"month": "2026-10"}).content.decode()
    assert html.count("去向牌（公开页面") == 1
    assert "去向牌" not in html.split("<title>")[1].split("</title>")[0]
    assert "去向牌" not in html.split("</head>")[0]


def test_the_confirm_form_lists_cadres_below_the_hard_rule_and_needs_the_checkbox_ganzhou_art_16(
        client, clerk, member, world):
    client.force_login(clerk)
    html = client.get("/attendance/sheet/", {"month": "2026-10"}).content.decode()
    assert 'id="shortfalls"' in html and member.name in html.split('id="shortfalls"')[1]
    assert 'name="acknowledge_shortfall"' in html and "已核对，以上人员未达标情况属实" in html
    r = client.post("/attendance/sheet/confirm/", {"township": world.township_a.id, "month": "2026-10"})
    assert r.status_code == 302 and not AttendanceSheet.objects.exists()
    r = client.post("/attendance/sheet/confirm/", {"township": world.township_a.id, "month": "2026-10",
                                                   "acknowledge_shortfall": "true"})
    sheet = AttendanceSheet.objects.get()
    assert sheet.shortfall_acknowledged and sheet.acknowledged_shortfalls[0]["name"] == member.name
    html = client.get("/attendance/sheet/", {"month": "2026-10"}).content.decode()
    assert "确认时已核对的未达标或漏记人员" in html


def test_the_inspection_form_offers_the_cadres_in_scope_and_defaults_to_the_county_level(
        client, county_office, member, world, other_world):
    stranger = place(other_world.team_a, name="外地干部")
    client.force_login(county_office)
    html = client.get("/inspections/").content.decode()
    assert 'type="number" name="cadre"' not in html and f'<option value="{member.id}"' in html
    assert f"{member.name} · " in html and stranger.name not in html
    assert '<option value="county" selected>' in html


def test_an_inspection_error_re_renders_the_form_with_the_note_kept(client, county_office, member, world):
    client.force_login(county_office)
    r = client.post("/inspections/", {"cadre": member.id, "date": "2099-01-01", "level": "county",
                                      "result": "present", "note": "突击检查记录"})
    html = r.content.decode()
    assert r.status_code == 200 and 'id="form-error"' in html and 'value="突击检查记录"' in html
    assert f'<option value="{member.id}" selected>' in html and not Inspection.objects.exists()


def test_a_diary_error_re_renders_with_the_text_kept(client, world):
    user = f.UserFactory(username="diary_err", jurisdiction=world.jurisdiction)
    place(world.team_a, user=user)
    client.force_login(user)
    r = client.post("/diaries/", {"date": "not-a-date", "content": "走访了三户脱贫户", "duty_area": "project"})
    html = r.content.decode()
    assert r.status_code == 200 and 'id="form-error"' in html and "走访了三户脱贫户</textarea>" in html
    assert not DiaryEntry.objects.exists()


def test_the_interpretation_follows_the_jurisdictions_counted_statuses_and_names_no_other():
    """ganzhou art.16 counts official business; linfen art.9 counts presence only."""
    w, clerk, cadre = world_with_clerk("linfen")
    from django.test import Client

    c = Client()
    c.force_login(clerk)
    html = c.get("/attendance/sheet/", {"month": "2026-10"}).content.decode()
    assert "赣州" not in html and "计入天数（用于是否达标）= 在岗天数；" in html
    g, gclerk, _ = world_with_clerk("ganzhou")
    c.force_login(gclerk)
    html = c.get("/attendance/sheet/", {"month": "2026-10"}).content.decode()
    assert "计入天数（用于是否达标）= 在岗天数＋因公外出天数；" in html


def test_the_empty_inspection_page_cites_only_the_users_own_rules(client, world, county_office, other_world):
    client.force_login(county_office)
    html = client.get("/inspections/", {"month": "2026-10"}).content.decode()
    assert "ganzhou art.14" in html and "linfen" not in html and "临汾" not in html
    fengdu_admin = f.user_with_role(Role.COUNTY_OFFICE, username="county_fd", jurisdiction=other_world.jurisdiction)
    client.force_login(fengdu_admin)
    html = client.get("/inspections/", {"month": "2026-10"}).content.decode()
    assert "fengdu art.13" in html and "ganzhou" not in html
    q = f.user_with_role(Role.COUNTY_OFFICE, username="county_qj", jurisdiction=world_with_clerk("qujiang")[0]
                         .jurisdiction)
    client.force_login(q)
    html = client.get("/inspections/", {"month": "2026-10"}).content.decode()
    assert "本月没有督查记录。</td>" in html  # qujiang has no inspection rows: nothing cited


def test_the_print_view_without_a_township_uses_the_only_one_held_or_offers_a_choice(client, clerk, member,
                                                                                     world, county_office):
    client.force_login(clerk)
    r = client.get("/attendance/sheet/print/", {"month": "2026-10"})
    assert r.status_code == 200 and "盖章" in r.content.decode() and member.name in r.content.decode()
    client.force_login(county_office)
    r = client.get("/attendance/sheet/print/", {"month": "2026-10"})
    html = r.content.decode()
    assert r.status_code == 200 and "选择乡镇" in html and world.township_b.name in html


def _board_lists_the_post(world):
    """Ganzhou's text is silent on the board; a version listing the post (as fengdu art.8 does) shows it."""
    from datetime import date

    from jurisdictions.services import policy_row_add

    policy_row_add(actor=None, jurisdiction=world.jurisdiction, key="attendance.whereabouts_board",
                   value={"fields": ["name", "post", "phone", "status"]}, effective_from=date(2026, 1, 1),
                   rule_ref="ganzhou default")


def test_the_whereabouts_board_keeps_names_and_posts_on_one_line(client, member, world):
    _board_lists_the_post(world)
    html = client.get(board_url(world.village_a)).content.decode()
    assert "white-space:nowrap" in html and "overflow-x:auto" in html
    assert f'<td class="name">{member.name}</td>' in html and '<td class="post">' in html


def test_a_leader_who_is_also_first_secretary_shows_both_posts_on_the_grid(client, clerk, world):
    place(world.team_a, role=Membership.Role.LEADER, first_secretary=True, name="双职干部")
    place(world.team_a, first_secretary=True, name="书记干部")
    client.force_login(clerk)
    html = client.get("/attendance/sheet/", {"month": "2026-10"}).content.decode()
    assert "队长 · 第一书记" in html
    assert html.count("第一书记") >= 2
    html = client.get("/attendance/sheet/print/", {"month": "2026-10"}).content.decode()
    assert "队长 · 第一书记" in html
    _board_lists_the_post(world)
    html = client.get(board_url(world.village_a)).content.decode()
    assert "队长 · 第一书记" in html


def test_a_rule_ref_is_shown_by_its_chinese_label_on_the_grid(client, clerk, member, world):
    client.force_login(clerk)
    html = client.get("/attendance/sheet/", {"month": "2026-10"}).content.decode()
    assert "文件第16条</span>" in html and 'title="ganzhou art.16"' in html
