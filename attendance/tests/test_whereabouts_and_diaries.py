"""Whereabouts board (linfen art.9(二), fengdu art.8) and work diaries (qujiang art.17, POLICY.md §10)."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jurisdictions.models import Role
from teams.models import Membership
from tests import factories as f

from ..models import DiaryEntry
from .conftest import board_url, mark, place, world_with_clerk

pytestmark = pytest.mark.django_db


def test_the_board_lists_who_is_stationed_with_phone_and_status_without_login_linfen_art_9(api, client):
    """linfen art.9(二): 公示队员姓名、联系电话、去向信息 — the public board (its link) shows those three, no post."""
    w, clerk, member = world_with_clerk("linfen")
    today = timezone.localdate()
    fs = place(w.team_a, role=Membership.Role.LEADER, first_secretary=True, village=w.village_a, name="王书记",
               phone="13900001111")
    mark(fs, w.township_a, [today])
    mark(member, w.township_a, [today + timedelta(days=i) for i in range(3)], "leave")
    r = api(clerk).get("/api/v1/whereabouts/", {"village": w.village_a.id})
    assert r.status_code == 200
    rows = {x["name"]: x for x in r.data["results"]}
    assert rows["王书记"] == {"name": "王书记", "role": None, "phone": "13900001111", "status": "on_duty",
                            "until": None}
    assert rows[member.name]["status"] == "leave" and rows[member.name]["until"] == today + timedelta(days=2)
    page = client.get(board_url(w.village_a))
    assert page.status_code == 200
    html = page.content.decode()
    assert "王书记" in html and "13900001111" in html and "linfen art.9" in html and "请假" in html
    assert "职务" not in html and "第一书记" not in html


def test_the_board_of_an_unknown_place_or_a_township_is_404(api, world, admin_user):
    assert api(admin_user).get("/api/v1/whereabouts/", {"village": 999999}).status_code == 404
    assert api(admin_user).get("/api/v1/whereabouts/", {"village": world.township_a.id}).status_code == 404
    assert api(admin_user).get("/api/v1/whereabouts/", {"village": "x"}).status_code == 404
    assert api(admin_user).get("/api/v1/whereabouts/").status_code == 400


def test_the_board_takes_a_fixed_number_of_queries(api, client, world, alice, django_assert_num_queries):
    for _ in range(5):
        place(world.team_a)
    url = board_url(world.village_a)
    # 1 link → village id, 1 village, 1 memberships with cadres, 1 records ahead, 1 policy
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
    # 1 grants, 1 cadre facts of the user, 1 village in scope, then the board's 4 (village, memberships, records,
    # policy)
    with django_assert_num_queries(7):
        r = api(alice).get("/api/v1/whereabouts/", {"village": world.village_a.id})
    assert r.data["count"] == 5
    assert all(x["status"] == "unrecorded" for x in r.data["results"])


# ---- issue 14: an unguessable public link, the id for signed-in users in scope only, only the policy's fields --

def test_the_public_board_by_sequential_village_id_is_404_for_anyone_not_signed_in(api, client, world):
    place(world.team_a, name="李驻村", phone="13700002222")
    assert client.get(f"/whereabouts/{world.village_a.pk}/").status_code == 404
    assert api().get("/api/v1/whereabouts/", {"village": world.village_a.pk}).status_code in (401, 403)
    assert client.get("/whereabouts/b/not-a-real-token/").status_code == 404
    html = client.get(board_url(world.village_a)).content.decode()
    assert "李驻村" in html and "13700002222" in html


def test_the_board_by_id_is_404_for_another_jurisdiction_and_another_township(api, client, world, bob, charlie):
    place(world.team_a, name="李驻村")
    for user in (bob, charlie):
        client.force_login(user)
        assert client.get(f"/whereabouts/{world.village_a.pk}/").status_code == 404
        assert api(user).get("/api/v1/whereabouts/", {"village": world.village_a.pk}).status_code == 404


def test_the_township_sees_its_villages_board_by_id_and_their_public_links_on_the_sheet(client, world, alice):
    from attendance.models import BoardLink
    from jurisdictions.models import AuditEvent

    place(world.team_a, name="李驻村")
    client.force_login(alice)
    assert "李驻村" in client.get(f"/whereabouts/{world.village_a.pk}/").content.decode()
    html = client.get("/attendance/sheet/", {"month": "2026-10"}).content.decode()
    link = BoardLink.objects.get(village=world.village_a)
    assert len(link.token) >= 32 and f"/whereabouts/b/{link.token}/" in html
    assert f"/whereabouts/{world.village_a.pk}/" not in html
    assert AuditEvent.objects.filter(action="board_link.create").count() == 1
    client.get("/attendance/sheet/", {"month": "2026-10"})
    assert BoardLink.objects.count() == 1  # the link is made once and stays


def test_the_public_board_shows_only_the_fields_the_jurisdictions_policy_lists_linfen_art_9_fengdu_art_8(client):
    """linfen art.9(二) lists 姓名、联系电话、去向信息 (no post); fengdu art.8 lists 照片、姓名、职务、联系方式."""
    lf, _, _ = world_with_clerk("linfen")
    fd, _, _ = world_with_clerk("fengdu")
    for w in (lf, fd):
        place(w.team_a, role=Membership.Role.LEADER, name=f"{w.jurisdiction.code}队长", phone="13600003333")
    linfen = client.get(board_url(lf.village_a)).content.decode()
    fengdu = client.get(board_url(fd.village_a)).content.decode()
    assert "linfen队长" in linfen and "13600003333" in linfen and "<th>职务</th>" not in linfen
    assert "fengdu队长" in fengdu and "13600003333" in fengdu and "<th>职务</th>" in fengdu and "队长" in fengdu


def _cadre_user(world, username="diarist"):
    user = f.UserFactory(username=username, jurisdiction=world.jurisdiction)
    return user, place(world.team_a, user=user)


def test_a_cadre_writes_its_diary_and_is_the_author(api, world):
    user, cadre = _cadre_user(world)
    r = api(user).post("/api/v1/diaries/", {"date": "2026-10-12", "content": "走访结对户两户", "duty_area":
                                            "household_visit"}, format="json")
    assert r.status_code == 201, r.data
    assert r.data["cadre"] == cadre.id and r.data["duty_area"] == "household_visit"


def test_a_diary_with_a_photo_is_accepted_and_a_non_image_is_refused(api, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user, _ = _cadre_user(world)
    ok = SimpleUploadedFile("site.jpg", f.tiny_jpeg(), content_type="image/jpeg")
    r = api(user).post("/api/v1/diaries/", {"date": "2026-10-12", "content": "现场照片", "photo": ok},
                       format="multipart")
    assert r.status_code == 201, r.data
    # issue 14: the photo is served only through a scoped link, never from MEDIA_ROOT
    link = r.data["photo"]
    assert link == f"/api/v1/diaries/{r.data['id']}/photo/"
    got = api(user).get(link)
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"
    assert b"".join(got.streaming_content) == f.tiny_jpeg()
    outsider = f.user_with_role(Role.TOWNSHIP_SECRETARY, org_unit=world.township_b)
    assert api(outsider).get(link).status_code == 404
    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    r = api(user).post("/api/v1/diaries/", {"date": "2026-10-12", "content": "x", "photo": bad}, format="multipart")
    assert r.status_code == 400 and r.data["code"] == "bad_photo"


def test_a_monthly_summary_is_one_per_month_qujiang_art_17(api):
    w, _, _ = world_with_clerk("qujiang")
    user, _ = _cadre_user(w, "qj_diarist")
    body = {"date": "2026-10-31", "content": "十月小结", "kind": "monthly_summary"}
    r = api(user).post("/api/v1/diaries/", body, format="json")
    assert r.status_code == 201 and r.data["date"] == "2026-10-01"
    assert api(user).post("/api/v1/diaries/", body, format="json").status_code == 409


def test_diary_refusals_are_400s_and_a_non_cadre_gets_403(api, world, alice):
    user, _ = _cadre_user(world)
    for body in ({"date": "2026-02-30", "content": "x"}, {"date": "2099-01-01", "content": "x"},
                 {"date": "2026-10-01", "content": "   "}, {"date": "2026-10-01", "content": "x", "duty_area": "?"}):
        assert api(user).post("/api/v1/diaries/", body, format="json").status_code == 400, body
    assert api(alice).post("/api/v1/diaries/", {"date": "2026-10-01", "content": "x"},
                           format="json").status_code == 403


def test_a_cadre_sees_only_its_own_diary_and_the_leader_township_and_county_see_their_scope(api, world, alice, bob,
                                                                                          charlie, county_office):
    leader_user = f.UserFactory(username="leader", jurisdiction=world.jurisdiction)
    place(world.team_a, role=Membership.Role.LEADER, user=leader_user)
    u1, c1 = _cadre_user(world, "d1")
    u2, c2 = _cadre_user(world, "d2")
    for u in (u1, u2):
        api(u).post("/api/v1/diaries/", {"date": "2026-10-12", "content": "日志"}, format="json")
    assert [e["cadre"] for e in api(u1).get("/api/v1/diaries/").data["results"]] == [c1.id]
    for user in (leader_user, alice, county_office):
        assert api(user).get("/api/v1/diaries/").data["count"] == 2
    for user in (bob, charlie):
        assert api(user).get("/api/v1/diaries/").data["count"] == 0


def test_week_and_month_views_filter_the_diary(api, world):
    user, cadre = _cadre_user(world)
    for d in (date(2026, 10, 12), date(2026, 10, 18), date(2026, 10, 19), date(2026, 9, 30)):
        DiaryEntry.objects.create(jurisdiction=world.jurisdiction, cadre=cadre, date=d, content="x")
    assert api(user).get("/api/v1/diaries/", {"week": "2026-W42"}).data["count"] == 2
    assert api(user).get("/api/v1/diaries/", {"month": "2026-10"}).data["count"] == 3
    assert api(user).get("/api/v1/diaries/", {"week": "soon"}).status_code == 400
    assert api(user).get("/api/v1/diaries/", {"cadre": "x"}).status_code == 400
    assert api(user).get("/api/v1/diaries/", {"cadre": cadre.id}).data["count"] == 4
    assert api(user).get("/api/v1/inspections/", {"cadre": "x"}).status_code == 400


def test_the_diary_list_takes_a_fixed_number_of_queries(api, world, alice, django_assert_num_queries):
    user, cadre = _cadre_user(world)
    DiaryEntry.objects.bulk_create([DiaryEntry(jurisdiction=world.jurisdiction, cadre=cadre,
                                               date=date(2026, 10, 1) + timedelta(days=i), content="x")
                                    for i in range(20)])
    client = api(alice)
    # 1 grants, 1 user's cadre, 1 count, 1 page with cadres
    with django_assert_num_queries(4):
        assert client.get("/api/v1/diaries/").data["count"] == 20


def test_the_board_publishes_a_phone_only_where_the_policy_lists_it(api, db):
    from jurisdictions.services import policy_row_add

    w, clerk, member = world_with_clerk("linfen")
    policy_row_add(actor=None, jurisdiction=w.jurisdiction, key="attendance.whereabouts_board",
                   value={"fields": ["name", "status"]}, effective_from=date(2026, 1, 1), rule_ref="linfen art.9")
    rows = api(clerk).get("/api/v1/whereabouts/", {"village": w.village_a.id}).data["results"]
    assert rows and all(x["phone"] is None for x in rows)
