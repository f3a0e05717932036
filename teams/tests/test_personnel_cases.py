"""Personnel cases (issue 11): recall, adjustment and mid-term replacement as approval workflows.
Each test names the article whose row it exercises."""

from datetime import date

import pytest
from django.utils import timezone

from attendance.models import Flag
from conftest import build_world
from jurisdictions.models import AuditEvent, Role
from teams.models import Consequence, Membership, PersonnelCase
from teams.selectors import consequences_in_force
from tests import factories as f

URL = "/api/v1/personnel-cases/"


def _users(w):
    return {
        "township": f.user_with_role(Role.TOWNSHIP_SECRETARY, org_unit=w.township_a),
        "county_office": f.user_with_role(Role.COUNTY_OFFICE, org_unit=w.county),
        "county_group": f.user_with_role(Role.COUNTY_GROUP, org_unit=w.county),
        "dispatch_unit": f.user_with_role(Role.DISPATCH_UNIT, dispatch_unit=w.dispatch_unit),
    }


def _member(w, **kw):
    return f.MembershipFactory(team=w.team_a, cadre__dispatch_unit=w.dispatch_unit,
                               cadre__dispatch_level=kw.pop("level", "county"), **kw)


def _open(api, user, cadre, kind="recall", ground="4", **extra):
    return api(user).post(URL, {"cadre": cadre.id, "kind": kind, "ground": ground, "note": "事实", **extra},
                          format="json")


def test_a_ganzhou_recall_is_proposed_by_the_township_and_decided_by_the_county_group_art_22(api, world):
    u = _users(world)
    m = _member(world)
    r = _open(api, u["township"], m.cadre)
    assert r.status_code == 201, r.json()
    body = r.json()
    assert (body["kind"], body["ground"], body["status"], body["rule_ref"]) == \
        ("recall", "无故脱岗且未改正", "pending", "ganzhou art.22")
    assert [(a["stage"], a["role"], a["status"]) for a in body["approvals"]] == [(1, "county_group", "pending")]
    assert [x["role"] for x in body["filings"]] == ["county_org_dept", "county_rr_bureau", "dispatch_unit"]
    # the township cannot decide its own proposal; the county group does
    assert api(u["township"]).post(f"{URL}{body['id']}/approve/").status_code == 403
    done = api(u["county_group"]).post(f"{URL}{body['id']}/approve/", {"comment": "同意"}, format="json").json()
    assert (done["status"], done["consequences"]) == ("approved", [])
    m.refresh_from_db()
    assert (m.end_kind, m.end_ground, m.end_rule_ref, m.end_date) == \
        ("recall", "无故脱岗且未改正", "ganzhou art.22", timezone.localdate())
    assert all(x["filed_at"] for x in done["filings"])


def test_a_ground_the_ganzhou_policy_does_not_list_is_refused_art_22(api, world):
    u = _users(world)
    r = _open(api, u["township"], _member(world).cadre, ground="随便")
    assert (r.status_code, r.json()["code"], r.json()["rule_ref"]) == (400, "bad_ground", "ganzhou art.22")


def test_grounds_list_the_seven_ganzhou_recall_grounds_art_22(api, world):
    u = _users(world)
    cadre = _member(world).cadre
    grounds = api(u["county_office"]).get(f"{URL}grounds/?cadre={cadre.id}&kind=recall").json()
    assert len(grounds) == 7 and grounds[3] == {"code": "4", "label": "无故脱岗且未改正", "rule_ref": "ganzhou art.22"}


def test_a_dispatch_unit_cannot_propose_a_ganzhou_recall_art_22(api, world):
    u = _users(world)
    r = _open(api, u["dispatch_unit"], _member(world).cadre)
    assert r.status_code == 403


def test_ending_a_membership_by_recall_without_a_case_is_refused_with_the_article_and_a_link_ganzhou_art_22(
        api, world, admin_user):
    m = _member(world)
    r = api(admin_user).post(f"/api/v1/memberships/{m.id}/end/",
                             {"end_date": "2026-03-01", "kind": "recall", "ground": "无故脱岗且未改正"}, format="json")
    assert (r.status_code, r.json()["code"], r.json()["rule_ref"]) == (400, "case_required", "ganzhou art.22")
    assert r.json()["errors"]["link"] == f"/personnel-cases/new/?cadre={m.cadre_id}&kind=recall"
    m.refresh_from_db()
    assert m.end_date is None


def test_a_ganzhou_adjustment_of_a_city_dispatched_cadre_also_needs_the_city_bodies_art_18(api, world):
    u = _users(world)
    m = _member(world, level="city")
    r = _open(api, u["dispatch_unit"], m.cadre, kind="adjustment", ground="1")
    assert r.status_code == 201, r.json()
    stages = [(a["stage"], a["role"]) for a in r.json()["approvals"]]
    assert stages == [(1, "township_secretary"), (2, "county_group"), (3, "city_org_dept"), (3, "city_rr_bureau")]
    # the county group waits for the township (逐级审核)
    assert api(u["county_group"]).post(f"{URL}{r.json()['id']}/approve/").status_code == 403


def test_a_recalled_linfen_cadre_gets_no_award_that_year_no_promotion_for_2_years_and_a_file_entry_art_9(api, db):
    w = build_world("linfen")
    u = _users(w)
    keeper = _member(w)  # noqa: F841 (art.4: one previous member stays)
    m = _member(w)
    body = _open(api, u["county_office"], m.cadre, ground="2").json()
    assert (body["rule_ref"], body["successor_required"]) == ("linfen art.9", True)
    done = api(u["county_office"]).post(f"{URL}{body['id']}/approve/").json()
    today = timezone.localdate()
    assert done["status"] == "awaiting_successor"
    assert sorted((c["kind"], c["until"]) for c in done["consequences"]) == [
        ("no_award", f"{today.year}-12-31"),
        ("no_promotion", (today.replace(year=today.year + 2) - __import__("datetime").timedelta(days=1)).isoformat()),
        ("personnel_file", None)]
    assert [c.kind for c in consequences_in_force(cadre_id=m.cadre_id, on=today, kind="no_award")] == ["no_award"]
    assert not consequences_in_force(cadre_id=m.cadre_id, on=date(today.year + 1, 1, 1), kind="no_award").exists()
    # the dispatch unit names a successor who joins the team: the case closes
    successor = f.CadreFactory(jurisdiction=w.jurisdiction, dispatch_unit=w.dispatch_unit)
    r = api(u["dispatch_unit"]).post(f"{URL}{body['id']}/successor/",
                                     {"cadre": successor.id, "start_date": today.isoformat()}, format="json")
    assert r.status_code == 200, r.json()
    assert (r.json()["status"], r.json()["successor"]["id"]) == ("approved", successor.id)
    assert Membership.objects.filter(cadre=successor, team=w.team_a, end_date__isnull=True).exists()


def test_linfen_keeps_one_previous_member_when_the_last_one_would_be_adjusted_art_4(api, db):
    w = build_world("linfen")
    u = _users(w)
    m = _member(w)
    r = _open(api, u["dispatch_unit"], m.cadre, kind="adjustment", ground="2")
    assert (r.status_code, r.json()["rule_ref"]) == (400, "linfen art.4")


def test_a_linfen_adjustment_is_approved_jointly_by_the_dispatch_unit_and_the_county_office_art_9(api, db):
    w = build_world("linfen")
    u = _users(w)
    _member(w)
    m = _member(w)
    body = _open(api, u["dispatch_unit"], m.cadre, kind="adjustment", ground="身体原因").json()
    assert sorted(a["role"] for a in body["approvals"]) == ["county_office", "dispatch_unit"]
    assert api(u["dispatch_unit"]).post(f"{URL}{body['id']}/approve/").json()["status"] == "pending"
    assert api(u["county_office"]).post(f"{URL}{body['id']}/approve/").json()["status"] == "approved"
    m.refresh_from_db()
    assert (m.end_kind, m.end_rule_ref) == ("adjustment", "linfen art.9")


def test_a_qujiang_recall_needs_criticism_or_admonition_first_art_20(api, db):
    w = build_world("qujiang")
    u = _users(w)
    m = _member(w)
    r = _open(api, u["township"], m.cadre, ground="1")
    assert (r.status_code, r.json()["code"], r.json()["rule_ref"]) == (400, "steps_required", "qujiang art.20")
    w_ = api(u["township"]).post(f"/api/v1/cadres/{m.cadre_id}/warnings/",
                                 {"kind": "admonition", "date": "2026-01-05"}, format="json")
    assert w_.status_code == 201, w_.json()
    r = _open(api, u["township"], m.cadre, ground="1")
    assert r.status_code == 201, r.json()
    assert sorted(a["role"] for a in r.json()["approvals"]) == ["dispatch_unit", "township_secretary"]


def test_a_fengdu_cadre_under_2_years_is_adjusted_only_with_city_approval_art_7(api, db):
    w = build_world("fengdu")
    u = _users(w)
    m = _member(w, start_date=timezone.localdate().replace(day=1))
    r = _open(api, u["dispatch_unit"], m.cadre, kind="adjustment", ground="1")
    assert r.status_code == 201, r.json()
    assert (r.json()["rule_ref"], sorted(a["role"] for a in r.json()["approvals"])) == \
        ("fengdu art.7", ["city_org_dept", "city_rr_bureau"])


def test_a_fengdu_recall_of_a_city_cadre_is_filed_with_county_and_city_offices_art_17(api, db):
    w = build_world("fengdu")
    u = _users(w)
    m = _member(w, level="city")
    body = _open(api, u["dispatch_unit"], m.cadre, ground="1").json()
    assert body["rule_ref"] == "fengdu art.17"
    assert [x["role"] for x in body["filings"]] == ["county_office", "county_org_dept", "county_rr_bureau",
                                                   "city_office", "city_org_dept", "city_rr_bureau"]


def test_a_second_open_case_for_the_same_cadre_is_a_conflict(api, world):
    u = _users(world)
    cadre = _member(world).cadre
    assert _open(api, u["township"], cadre).status_code == 201
    assert _open(api, u["township"], cadre).status_code == 409


def test_a_rejected_case_leaves_the_membership_and_needs_a_comment(api, world):
    u = _users(world)
    m = _member(world)
    body = _open(api, u["township"], m.cadre).json()
    assert api(u["county_group"]).post(f"{URL}{body['id']}/reject/", {}, format="json").status_code == 400
    r = api(u["county_group"]).post(f"{URL}{body['id']}/reject/", {"comment": "证据不足"}, format="json")
    assert r.json()["status"] == "rejected"
    m.refresh_from_db()
    assert m.end_date is None
    assert api(u["county_group"]).post(f"{URL}{body['id']}/approve/").status_code == 409


def test_another_jurisdiction_and_another_township_see_no_case(api, world, charlie, bob):
    u = _users(world)
    body = _open(api, u["township"], _member(world).cadre).json()
    for outsider in (charlie, bob):
        assert api(outsider).get(f"{URL}{body['id']}/").status_code == 404
        assert api(outsider).post(f"{URL}{body['id']}/approve/").status_code == 404
        assert api(outsider).post(f"{URL}{body['id']}/reject/", {"comment": "x"}, format="json").status_code == 404
        assert body["id"] not in [c["id"] for c in api(outsider).get(URL).json()["results"]]
    assert api(charlie).post(URL, {"cadre": body["cadre"], "kind": "recall", "ground": "4"},
                             format="json").status_code == 404


def test_mine_approver_lists_the_callers_pending_cases(api, world, django_assert_num_queries):
    u = _users(world)
    ids = [_open(api, u["township"], _member(world).cadre).json()["id"] for _ in range(3)]
    client = api(u["county_group"])
    client.get(f"{URL}?mine=approver")  # warm: the scope (grants, cadre facts) is then cached on the user
    # 1 count, 1 cases with cadre/dispatch unit/team/township/jurisdiction/successor/proposer joined,
    # 1 approvals (with decider), 1 filings, 1 consequences — the same for 3 cases as for 1
    with django_assert_num_queries(5):
        listed = client.get(f"{URL}?mine=approver").json()["results"]
    assert sorted(c["id"] for c in listed) == sorted(ids)
    assert api(u["township"]).get(f"{URL}?mine=approver").json()["results"] == []


def test_a_case_opened_from_a_flag_takes_the_flag_off_the_queue_ganzhou_art_21_22(api, world):
    from teams.selectors import recall_flag_queue

    u = _users(world)
    m = _member(world)
    flag = Flag.objects.create(jurisdiction=world.jurisdiction, cadre=m.cadre, kind="recall_candidate",
                               rule_ref="ganzhou art.21", source="inspection", key="x", detail="两次无故脱岗")
    assert list(recall_flag_queue(user=u["county_office"])) == [flag]
    r = _open(api, u["county_office"], m.cadre, flag=flag.id)
    assert r.status_code == 201, r.json()
    assert r.json()["flag"] == flag.id
    assert list(recall_flag_queue(user=u["county_office"])) == []
    assert AuditEvent.objects.filter(action="case.open", object_id=r.json()["id"]).count() == 1
    assert PersonnelCase.objects.get().flag == flag
    assert Consequence.objects.count() == 0


@pytest.mark.parametrize("code", ["qujiang", "ganzhou", "linfen", "xinfeng", "fengdu"])
def test_every_jurisdiction_routes_recall_and_adjustment_through_a_policy_row_with_its_article(db, code):
    from jurisdictions.models import Jurisdiction
    from jurisdictions.policy import policy_in_force

    policy = policy_in_force(Jurisdiction.objects.get(code=code), date(2026, 6, 1))
    for kind in ("recall", "adjustment"):
        rows = policy.with_prefix(f"case.route.{kind}.")
        assert rows and all(r.rule_ref.startswith(code) for r in rows), (code, kind)


def test_a_third_linfen_reprimand_raises_no_second_recall_flag_for_the_same_cause_art_9(api, db):
    """Linfen art.9(五)5: the flag is raised once per cause, not again on every later finding."""
    from attendance.tests.conftest import world_with_clerk

    w, _, cadre = world_with_clerk("linfen")
    county = f.user_with_role(Role.COUNTY_OFFICE, jurisdiction=w.jurisdiction)
    found = []
    for day, reprimand in (("2026-03-02", "self_criticism"), ("2026-04-02", "admonition"), ("2026-05-04",
                                                                                          "admonition")):
        r = api(county).post("/api/v1/inspections/", {"cadre": cadre.id, "date": day, "level": "county",
                                                      "result": "present", "reprimand": reprimand}, format="json")
        assert r.status_code == 201, r.data
        found.append([c["kind"] for c in r.data["consequences"]])
    assert found == [[], ["recall_candidate"], []]
    assert Flag.objects.filter(cadre=cadre, kind="recall_candidate").count() == 1


def test_a_third_ganzhou_unexcused_absence_raises_no_second_recall_flag_art_21(api, db):
    from attendance.tests.conftest import world_with_clerk

    w, _, cadre = world_with_clerk("ganzhou")
    city = f.user_with_role(Role.CITY_OFFICE, jurisdiction=w.jurisdiction)
    kinds = []
    for day in ("2026-03-02", "2026-04-02", "2026-05-04"):
        r = api(city).post("/api/v1/inspections/", {"cadre": cadre.id, "date": day, "level": "city",
                                                    "result": "absent_unexcused"}, format="json")
        assert r.status_code == 201, r.data
        kinds.append([c["kind"] for c in r.data["consequences"]])
    assert kinds == [["notice"], ["recall_candidate"], []]
    assert Flag.objects.filter(cadre=cadre, kind="recall_candidate").count() == 1


def test_the_demo_has_one_open_and_one_decided_ganzhou_recall_and_the_county_group_sees_the_open_one(db, client):
    from django.core.management import call_command

    from jurisdictions.management.commands.load_demo import PASSWORD

    call_command("load_demo", verbosity=0)
    cases = PersonnelCase.objects.order_by("id")
    assert [(c.status, c.rule_ref) for c in cases] == [("pending", "ganzhou art.22"), ("approved", "ganzhou art.22")]
    assert client.login(username="ganzhou_group", password=PASSWORD)
    assert cases[0].cadre.name in client.get("/leave/inbox/").content.decode()


def test_a_qujiang_mid_term_replacement_is_decided_by_the_org_dept_and_closes_when_the_successor_joins_art_19(
        api, db):
    w = build_world("qujiang")
    u = _users(w)
    org = f.user_with_role(Role.COUNTY_ORG_DEPT, jurisdiction=w.jurisdiction)
    m = _member(w)
    successor = f.CadreFactory(jurisdiction=w.jurisdiction, dispatch_unit=w.dispatch_unit)
    body = _open(api, u["dispatch_unit"], m.cadre, kind="replacement", ground="身体原因", successor=successor.id).json()
    assert (body["kind"], body["rule_ref"], [a["role"] for a in body["approvals"]]) == \
        ("replacement", "qujiang art.19", ["county_org_dept"])
    assert [x["role"] for x in body["filings"]] == ["city_org_dept", "city_rr_bureau"]
    assert api(org).post(f"{URL}{body['id']}/approve/").json()["status"] == "awaiting_successor"
    m.refresh_from_db()
    assert (m.end_kind, m.end_rule_ref) == ("adjustment", "qujiang art.19")
    # a township secretary may not name the successor; the dispatch unit does
    r = api(u["township"]).post(f"{URL}{body['id']}/successor/", {"cadre": successor.id,
                                                                   "start_date": "2026-06-01"}, format="json")
    assert r.status_code in (403, 404)
    r = api(u["dispatch_unit"]).post(f"{URL}{body['id']}/successor/",
                                     {"cadre": successor.id, "start_date": timezone.localdate().isoformat(),
                                      "override_reason": "演示"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "approved"


def test_only_the_township_records_criticism_and_another_jurisdiction_gets_404_qujiang_art_20(api, db, charlie):
    w = build_world("qujiang")
    u = _users(w)
    m = _member(w)
    body = {"kind": "criticism", "date": "2026-01-05"}
    assert api(u["dispatch_unit"]).post(f"/api/v1/cadres/{m.cadre_id}/warnings/", body,
                                        format="json").status_code == 403
    assert api(charlie).post(f"/api/v1/cadres/{m.cadre_id}/warnings/", body, format="json").status_code == 404
    r = api(u["township"]).post(f"/api/v1/cadres/{m.cadre_id}/warnings/", body, format="json")
    assert (r.status_code, r.json()["rule_ref"]) == (201, "qujiang art.20")


def test_grounds_of_another_jurisdictions_cadre_are_a_404(api, world, charlie):
    cadre = _member(world).cadre
    assert api(charlie).get(f"{URL}grounds/?cadre={cadre.id}&kind=recall").status_code == 404
