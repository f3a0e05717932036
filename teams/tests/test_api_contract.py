"""Contract paths for people and teams; isolation across jurisdictions; bad input; query counts."""

import io
from datetime import date

import pytest
from openpyxl import Workbook

from jurisdictions.models import AuditEvent
from teams.idcard import with_check_digit
from teams.models import Cadre, Membership
from tests import factories as f


def fresh(user):
    """A new user object, as each request has (the scope is cached per user object)."""
    return type(user).objects.get(pk=user.pk)


VALID_ID = with_check_digit("36070219850615011")  # born 1985-06-15, male (odd 17th digit)


def cadre_body(world, **over):
    return {"jurisdiction": "ganzhou", "name": "刘海", "gender": "male", "birth_date": "1985-06-15",
            "id_number": VALID_ID, "party_status": "member", "party_joined_on": "2008-07-01",
            "work_started_on": "2008-08-01", "rank": "section", "category": "civil_servant",
            "dispatch_unit": world.dispatch_unit.id, "dispatch_level": "city", "phone": "13900001111"} | over


def test_an_admin_registers_a_cadre_and_the_change_is_audited(api, world, admin_user):
    r = api(admin_user).post("/api/v1/cadres/", cadre_body(world), format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["jurisdiction"] == "ganzhou"
    assert AuditEvent.objects.filter(action="cadre.create", object_id=r.json()["id"], actor=admin_user).exists()


def test_a_wrong_id_checksum_is_a_400_and_nothing_is_saved(api, world, admin_user):
    bad = VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1")
    r = api(admin_user).post("/api/v1/cadres/", cadre_body(world, id_number=bad), format="json")
    assert r.status_code == 400
    assert r.json()["code"] == "invalid_id_number"
    assert "校验位" in r.json()["detail"]
    assert not Cadre.objects.filter(name="刘海").exists()


def test_an_id_whose_birth_date_differs_from_the_form_is_a_400(api, world, admin_user):
    r = api(admin_user).post("/api/v1/cadres/", cadre_body(world, birth_date="1985-06-16"), format="json")
    assert r.status_code == 400
    assert "出生日期" in r.json()["detail"]


@pytest.mark.parametrize("field,value", [("birth_date", "1985-02-30"), ("gender", "unknown"),
                                         ("rank", "general"), ("dispatch_unit", 999999)])
def test_bad_fields_are_400_with_the_contract_error_shape(api, world, admin_user, field, value):
    r = api(admin_user).post("/api/v1/cadres/", cadre_body(world, **{field: value}), format="json")
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "invalid" and field in body["errors"] and body["detail"].startswith("输入有误")


def test_a_dispatch_unit_of_another_jurisdiction_is_refused(api, world, other_world, admin_user):
    r = api(admin_user).post("/api/v1/cadres/", cadre_body(world, dispatch_unit=other_world.dispatch_unit.id),
                             format="json")
    assert r.status_code == 400


def test_a_township_secretary_cannot_register_cadres(api, world, alice):
    assert api(alice).post("/api/v1/cadres/", cadre_body(world), format="json").status_code == 403


def test_anonymous_callers_get_401(api, world):
    assert api().get("/api/v1/cadres/").status_code == 401


def test_token_auth_gives_a_token_that_authenticates(client, world, admin_user):
    r = client.post("/api/v1/auth/token/", {"username": "admin_gz", "password": "pass-1234"},
                    content_type="application/json")
    assert r.status_code == 200
    r2 = client.get("/api/v1/jurisdictions/", HTTP_AUTHORIZATION=f"Token {r.json()['token']}")
    assert r2.json() == [{"code": "ganzhou", "name": "赣州市", "level": "city"}]
    bad = client.post("/api/v1/auth/token/", {"username": "admin_gz", "password": "x"},
                      content_type="application/json")
    assert bad.status_code == 400


def test_every_people_endpoint_hides_another_jurisdictions_objects(api, world, charlie):
    member = f.MembershipFactory(team=world.team_a)
    cadre = member.cadre
    outsider = api(charlie)
    assert outsider.get(f"/api/v1/cadres/{cadre.id}/").status_code == 404
    assert outsider.patch(f"/api/v1/cadres/{cadre.id}/", {"phone": "1"}, format="json").status_code == 404
    assert outsider.get(f"/api/v1/teams/{world.team_a.id}/").status_code == 404
    assert outsider.get(f"/api/v1/teams/{world.team_a.id}/members/").status_code == 404
    assert outsider.post(f"/api/v1/teams/{world.team_a.id}/members/",
                         {"cadre": cadre.id, "role": "member", "start_date": "2026-01-01"}, format="json"
                         ).status_code == 404
    assert outsider.post(f"/api/v1/memberships/{member.id}/end/",
                         {"end_date": "2026-01-01", "kind": "recall", "ground": "x"}, format="json").status_code == 404
    assert outsider.get("/api/v1/jurisdictions/ganzhou/policy/").status_code == 404
    assert cadre.id not in [c["id"] for c in outsider.get("/api/v1/cadres/").json()["results"]]
    assert world.team_a.id not in [t["id"] for t in outsider.get("/api/v1/teams/").json()["results"]]
    assert [j["code"] for j in outsider.get("/api/v1/jurisdictions/").json()] == ["fengdu"]


def test_a_neighbouring_township_sees_neither_the_team_nor_its_cadres(api, world, alice, bob):
    cadre = f.MembershipFactory(team=world.team_a).cadre
    assert api(bob).get(f"/api/v1/cadres/{cadre.id}/").status_code == 404
    assert api(bob).get(f"/api/v1/teams/{world.team_a.id}/").status_code == 404
    assert api(alice).get(f"/api/v1/cadres/{cadre.id}/").status_code == 200
    assert [c["id"] for c in api(alice).get("/api/v1/cadres/").json()["results"]] == [cadre.id]


def test_a_cadre_sees_itself_and_its_team_but_not_its_teammates_records(api, world):
    me = f.MembershipFactory(team=world.team_a).cadre
    mate = f.MembershipFactory(team=world.team_a).cadre
    me.user = f.UserFactory()
    me.save()
    client = api(me.user)
    assert client.get(f"/api/v1/cadres/{me.id}/").status_code == 200
    assert client.get(f"/api/v1/cadres/{mate.id}/").status_code == 404
    assert client.get(f"/api/v1/teams/{world.team_a.id}/").status_code == 200


def test_the_team_leader_sees_the_members_of_the_team(api, world):
    leader = f.MembershipFactory(team=world.team_a, role="leader").cadre
    mate = f.MembershipFactory(team=world.team_a).cadre
    leader.user = f.UserFactory()
    leader.save()
    assert api(leader.user).get(f"/api/v1/cadres/{mate.id}/").status_code == 200


def test_listing_cadres_takes_the_same_queries_for_5_or_40_cadres(api, world, alice, django_assert_num_queries):
    for _ in range(5):
        f.MembershipFactory(team=world.team_a)
    client = api(fresh(alice))
    # 1 role grants, 2 the user's own cadre, 3 count, 4 the page with jurisdiction, unit, station and its parent
    with django_assert_num_queries(4):
        assert client.get("/api/v1/cadres/").json()["count"] == 5
    for _ in range(35):
        f.MembershipFactory(team=world.team_a)
    client = api(fresh(alice))
    with django_assert_num_queries(4):
        assert client.get("/api/v1/cadres/").json()["count"] == 40


def test_listing_teams_takes_the_same_queries_for_1_or_12_teams(api, world, admin_user, django_assert_num_queries):
    client = api(fresh(admin_user))
    # 1 role grants, 2 the user's own cadre, 3 count, 4 the page with host unit, its parent and member counts
    with django_assert_num_queries(4):
        assert client.get("/api/v1/teams/").json()["count"] == 1
    for _ in range(11):
        f.MembershipFactory(team=f.TeamFactory(host_unit=f.OrgUnitFactory(kind="village", parent=world.township_a)))
    client = api(fresh(admin_user))
    with django_assert_num_queries(4):
        assert client.get("/api/v1/teams/").json()["count"] == 12


def test_team_detail_lists_active_members_and_checks(api, world, alice):
    m = f.MembershipFactory(team=world.team_a, role="leader", first_secretary=True, village=world.village_a)
    body = api(alice).get(f"/api/v1/teams/{world.team_a.id}/").json()
    assert [x["cadre"] for x in body["members"]] == [m.cadre_id]
    assert {"code", "rule_ref", "severity"} <= set(body["checks"][0])


def test_creating_org_units_dispatch_units_users_and_grants_through_the_api(api, world, admin_user):
    client = api(admin_user)
    town = client.post("/api/v1/org-units/", {"jurisdiction": "ganzhou", "kind": "township", "name": "丙镇",
                                              "parent": world.county.id}, format="json")
    assert town.status_code == 201, town.json()
    unit = client.post("/api/v1/dispatch-units/", {"jurisdiction": "ganzhou", "name": "市水利局", "level": "city"},
                       format="json")
    assert unit.status_code == 201
    user = client.post("/api/v1/users/", {"username": "bingzhen", "password": "longenough1",
                                          "jurisdiction": "ganzhou"}, format="json")
    assert user.status_code == 201 and user.json()["username"] == "bingzhen"
    grant = client.post("/api/v1/role-grants/", {"user": user.json()["id"], "role": "township_secretary",
                                                 "org_unit": town.json()["id"]}, format="json")
    assert grant.status_code == 201, grant.json()
    from jurisdictions.models import OrgUnit, User

    new_user = User.objects.get(username="bingzhen")
    assert new_user.has_perm("jurisdictions.township_secretary", OrgUnit.objects.get(pk=town.json()["id"]))


def test_a_village_cannot_sit_directly_under_a_county(api, world, admin_user):
    r = api(admin_user).post("/api/v1/org-units/", {"jurisdiction": "ganzhou", "kind": "village", "name": "丁村",
                                                    "parent": world.county.id}, format="json")
    assert (r.status_code, r.json()["code"]) == (400, "bad_parent")


def test_a_township_grant_needs_a_township(api, world, admin_user):
    user = f.UserFactory()
    r = api(admin_user).post("/api/v1/role-grants/", {"user": user.id, "role": "township_secretary",
                                                      "org_unit": world.village_a.id}, format="json")
    assert (r.status_code, r.json()["code"]) == (400, "township_required")


def test_only_an_admin_creates_users(api, world, alice):
    r = api(alice).post("/api/v1/users/", {"username": "x1", "password": "longenough1", "jurisdiction": "ganzhou"},
                        format="json")
    assert r.status_code == 403


def _roster(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "性别", "出生日期", "身份证号", "政治面貌", "入党时间", "参加工作时间", "职级", "后备干部",
               "人员类别", "派出单位", "派出层级", "联系电话"])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "roster.xlsx"
    return buf


def test_a_roster_with_one_bad_row_imports_nothing_and_names_the_row(api, world, admin_user):
    good = ["王一", "男", date(1985, 6, 15), VALID_ID, "正式党员", date(2008, 7, 1), date(2008, 8, 1), "正科", "否",
            "公务员", world.dispatch_unit.name, "市直", "13900000001"]
    bad = ["李二", "女", "1985-13-01", "", "正式党员", "", "", "科长", "否", "公务员", "不存在的局", "市直", ""]
    r = api(admin_user).post("/api/v1/cadres/import/", {"jurisdiction": "ganzhou", "file": _roster([good, bad])},
                             format="multipart")
    assert r.status_code == 400
    errors = r.json()["errors"]
    assert [e["row"] for e in errors] == [3]
    text = "".join(errors[0]["errors"])
    assert "出生日期" in text and "职级" in text and "派出单位" in text
    assert not Cadre.objects.filter(name__in=["王一", "李二"]).exists()


def test_a_clean_roster_imports_every_row(api, world, admin_user):
    rows = [["王一", "男", date(1985, 6, 15), VALID_ID, "正式党员", date(2008, 7, 1), date(2008, 8, 1), "正科", "否",
             "公务员", world.dispatch_unit.name, "市直", "13900000001"],
            ["李二", "女", "1990-01-02", "", "非党员", "", "2012-08-01", "科员", "是", "事业",
             world.dispatch_unit.name, "市直", ""]]
    r = api(admin_user).post("/api/v1/cadres/import/", {"jurisdiction": "ganzhou", "file": _roster(rows)},
                             format="multipart")
    assert (r.status_code, r.json()["created"]) == (201, 2)
    assert Cadre.objects.get(name="李二").reserve_cadre is True


def test_a_file_that_is_not_excel_is_a_clear_400(api, world, admin_user):
    junk = io.BytesIO(b"not excel")
    junk.name = "x.xlsx"
    r = api(admin_user).post("/api/v1/cadres/import/", {"jurisdiction": "ganzhou", "file": junk}, format="multipart")
    assert r.status_code == 400 and "xlsx" in r.json()["errors"][0]["errors"][0]


def test_membership_changes_and_overrides_are_in_the_audit_log_for_the_admin(api, world, admin_user):
    cadre = f.CadreFactory(rank="deputy_section")
    r = api(admin_user).post(f"/api/v1/teams/{world.team_a.id}/members/", {
        "cadre": cadre.id, "role": "member", "first_secretary": True, "village": world.village_a.id,
        "start_date": "2026-03-02", "override_reason": "乡镇党委推荐"}, format="json")
    assert r.status_code == 201
    events = api(admin_user).get("/api/v1/audit-events/").json()["results"]
    add = next(e for e in events if e["action"] == "membership.add")
    assert add["actor"] == "admin_gz" and add["data"]["overrides"][0]["reason"] == "乡镇党委推荐"
    assert Membership.objects.get(pk=r.json()["id"]).overrides.count() == 1


def test_the_audit_log_is_not_visible_to_township_staff(api, world, alice, admin_user):
    f.MembershipFactory(team=world.team_a)
    api(admin_user).post("/api/v1/cadres/", cadre_body(world), format="json")
    assert api(alice).get("/api/v1/audit-events/").json()["count"] == 0


def test_a_user_created_for_a_cadre_acts_as_that_cadre(api, world, admin_user):
    cadre = f.MembershipFactory(team=world.team_a).cadre
    r = api(admin_user).post("/api/v1/users/", {"username": "cadre1", "password": "longenough1",
                                                "jurisdiction": "ganzhou", "cadre": cadre.id}, format="json")
    assert r.status_code == 201
    from jurisdictions.models import User

    user = User.objects.get(username="cadre1")
    assert user.cadre == cadre
    assert api(user).get(f"/api/v1/cadres/{cadre.id}/").json()["has_login"] is True
    again = api(admin_user).post("/api/v1/users/", {"username": "cadre2", "password": "longenough1",
                                                    "jurisdiction": "ganzhou", "cadre": cadre.id}, format="json")
    assert (again.status_code, again.json()["code"]) == (400, "cadre_has_user")
    assert not User.objects.filter(username="cadre2").exists()


def test_an_admin_cannot_link_a_user_to_another_jurisdictions_cadre(api, world, other_world, admin_user):
    outsider = f.CadreFactory(jurisdiction=other_world.jurisdiction)
    r = api(admin_user).post("/api/v1/users/", {"username": "x2", "password": "longenough1",
                                                "jurisdiction": "ganzhou", "cadre": outsider.id}, format="json")
    assert r.status_code == 404


def test_org_units_of_another_jurisdiction_are_not_listed_nor_usable_as_parent(api, world, other_world, admin_user):
    ids = {u["id"] for u in api(admin_user).get("/api/v1/org-units/?page_size=500").json()["results"]}
    assert world.township_a.id in ids and other_world.township_a.id not in ids
    r = api(admin_user).post("/api/v1/org-units/", {"jurisdiction": "ganzhou", "kind": "village", "name": "外村",
                                                    "parent": other_world.township_a.id}, format="json")
    assert r.status_code == 400 and "parent" in r.json()["errors"]


def test_an_admin_cannot_grant_roles_to_another_jurisdictions_users(api, world, charlie, admin_user):
    r = api(admin_user).post("/api/v1/role-grants/", {"user": charlie.id, "role": "county_office",
                                                      "jurisdiction": "ganzhou"}, format="json")
    assert r.status_code == 400 and "user" in r.json()["errors"]
