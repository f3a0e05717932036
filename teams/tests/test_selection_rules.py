"""Selection and team-formation rules of POLICY.md §2, each through POST teams/{id}/members/."""

from datetime import date

import pytest

from conftest import build_world
from teams.models import Membership, RuleOverride
from tests import factories as f

START = "2026-03-02"


def add(api, user, team, cadre, **extra):
    body = {"cadre": cadre.id, "role": "member", "start_date": START} | extra
    return api(user).post(f"/api/v1/teams/{team.id}/members/", body, format="json")


def town_team_world(code):
    """Qujiang and Xinfeng send town teams: team A sits in township A."""
    w = build_world(code)
    w.team_a.kind = "town"
    w.team_a.host_unit = w.township_a
    w.team_a.save()
    return w


@pytest.fixture
def qujiang(db):
    return town_team_world("qujiang")


@pytest.fixture
def xinfeng(db):
    return town_team_world("xinfeng")


def test_qujiang_leader_who_is_a_probationary_member_is_refused_hard_art_5(api, qujiang, admin_of):
    cadre = f.CadreFactory(jurisdiction=qujiang.jurisdiction, party_status="probationary")
    r = add(api, admin_of(qujiang), qujiang.team_a, cadre, role="leader")
    assert r.status_code == 400
    assert r.json()["rule_ref"] == "qujiang art.5"
    assert r.json()["overridable"] is False
    assert not Membership.objects.filter(cadre=cadre).exists()


def test_qujiang_hard_refusal_is_not_lifted_by_an_override_reason_art_5(api, qujiang, admin_of):
    cadre = f.CadreFactory(jurisdiction=qujiang.jurisdiction, party_status="none", party_joined_on=None)
    r = add(api, admin_of(qujiang), qujiang.team_a, cadre, role="leader", override_reason="工作需要")
    assert r.status_code == 400
    assert r.json()["overridable"] is False


def test_qujiang_member_over_45_needs_a_reason_art_5(api, qujiang, admin_of):
    cadre = f.CadreFactory(jurisdiction=qujiang.jurisdiction, birth_date=date(1979, 1, 1))  # 47 on START
    r = add(api, admin_of(qujiang), qujiang.team_a, cadre)
    assert r.status_code == 400
    body = r.json()
    assert body["rule_ref"] == "qujiang art.5"
    assert body["overridable"] is True
    assert body["code"] == "age_max"


def test_qujiang_member_over_45_is_accepted_with_a_recorded_reason_art_5(api, qujiang, admin_of):
    admin = admin_of(qujiang)
    cadre = f.CadreFactory(jurisdiction=qujiang.jurisdiction, birth_date=date(1979, 1, 1))
    r = add(api, admin, qujiang.team_a, cadre, override_reason="熟悉当地产业，镇党委建议选派")
    assert r.status_code == 201
    assert {"code": "age_max", "rule_ref": "qujiang art.5"}.items() <= r.json()["warnings"][0].items()
    override = RuleOverride.objects.get(membership_id=r.json()["id"])
    assert override.reason == "熟悉当地产业，镇党委建议选派"
    assert override.overridden_by == admin
    assert override.created_at is not None


def test_qujiang_member_of_staff_rank_is_a_soft_rule_art_5(api, qujiang, admin_of):
    cadre = f.CadreFactory(jurisdiction=qujiang.jurisdiction, rank="staff")
    r = add(api, admin_of(qujiang), qujiang.team_a, cadre)
    assert (r.status_code, r.json()["code"], r.json()["overridable"]) == (400, "rank_min", True)


def test_qujiang_non_party_member_needs_a_reason_because_party_members_are_preferred_art_5(api, qujiang, admin_of):
    cadre = f.CadreFactory(jurisdiction=qujiang.jurisdiction, party_status="none", party_joined_on=None)
    r = add(api, admin_of(qujiang), qujiang.team_a, cadre)
    assert (r.status_code, r.json()["code"], r.json()["rule_ref"]) == (400, "party_member_preferred", "qujiang art.5")


def test_ganzhou_first_secretary_must_be_a_full_party_member_art_6(api, world, admin_user):
    cadre = f.CadreFactory(party_status="probationary")
    r = add(api, admin_user, world.team_a, cadre, first_secretary=True, village=world.village_a.id)
    assert (r.status_code, r.json()["rule_ref"], r.json()["overridable"]) == (400, "ganzhou art.6", False)


def test_ganzhou_first_secretary_with_eleven_months_in_the_party_is_refused_art_6(api, world, admin_user):
    cadre = f.CadreFactory(party_joined_on=date(2025, 4, 1))
    r = add(api, admin_user, world.team_a, cadre, first_secretary=True, village=world.village_a.id)
    assert (r.status_code, r.json()["code"]) == (400, "first_secretary_party_years_min")


def test_ganzhou_first_secretary_with_exactly_one_party_year_and_two_work_years_passes_art_6(api, world, admin_user):
    cadre = f.CadreFactory(party_joined_on=date(2025, 3, 2), work_started_on=date(2024, 3, 2))
    r = add(api, admin_user, world.team_a, cadre, first_secretary=True, village=world.village_a.id)
    assert r.status_code == 201, r.json()


def test_ganzhou_first_secretary_with_under_two_years_of_work_is_refused_art_6(api, world, admin_user):
    cadre = f.CadreFactory(work_started_on=date(2024, 6, 1))
    r = add(api, admin_user, world.team_a, cadre, first_secretary=True, village=world.village_a.id)
    assert (r.status_code, r.json()["code"], r.json()["overridable"]) == (400, "first_secretary_work_years_min", False)


def test_ganzhou_city_dispatched_first_secretary_below_section_rank_needs_a_reason_art_6(api, world, admin_user):
    cadre = f.CadreFactory(rank="deputy_section")
    r = add(api, admin_user, world.team_a, cadre, first_secretary=True, village=world.village_a.id)
    assert (r.status_code, r.json()["code"], r.json()["overridable"]) == (400, "first_secretary_rank_min", True)


def test_ganzhou_reserve_cadre_counts_as_section_rank_for_a_first_secretary_art_6(api, world, admin_user):
    cadre = f.CadreFactory(rank="deputy_section", reserve_cadre=True)
    r = add(api, admin_user, world.team_a, cadre, first_secretary=True, village=world.village_a.id)
    assert r.status_code == 201


def test_ganzhou_county_dispatched_first_secretary_of_deputy_section_rank_passes_art_6(api, world, admin_user):
    unit = f.DispatchUnitFactory(level="county")
    cadre = f.CadreFactory(rank="deputy_section", dispatch_unit=unit)
    r = add(api, admin_user, world.team_a, cadre, first_secretary=True, village=world.village_a.id)
    assert r.status_code == 201


def test_ganzhou_leader_who_is_not_the_first_secretary_needs_a_reason_art_7(api, world, admin_user):
    cadre = f.CadreFactory()
    r = add(api, admin_user, world.team_a, cadre, role="leader")
    assert (r.status_code, r.json()["rule_ref"], r.json()["overridable"]) == (400, "ganzhou art.7", True)


def test_ganzhou_team_under_three_shows_a_hard_size_check_art_7(api, world, admin_user, alice):
    for _ in range(2):
        f.MembershipFactory(team=world.team_a)
    checks = api(alice).get(f"/api/v1/teams/{world.team_a.id}/").json()["checks"]
    assert {"code": "size_min", "rule_ref": "ganzhou art.7", "severity": "hard"}.items() <= checks[0].items()
    f.MembershipFactory(team=world.team_a)
    codes = [c["code"] for c in api(alice).get(f"/api/v1/teams/{world.team_a.id}/").json()["checks"]]
    assert "size_min" not in codes


def test_linfen_a_village_gets_one_team_art_4(api, db, admin_of):
    w = build_world("linfen")
    other = f.TeamFactory(jurisdiction=w.jurisdiction, host_unit=w.township_a, kind="village")
    f.MembershipFactory(team=other, first_secretary=True, village=w.village_a)
    cadre = f.CadreFactory(jurisdiction=w.jurisdiction)
    r = api(admin_of(w)).post(f"/api/v1/teams/{w.team_a.id}/members/", {
        "cadre": cadre.id, "role": "leader", "first_secretary": True, "village": w.village_a.id,
        "start_date": START}, format="json")
    assert (r.status_code, r.json()["rule_ref"], r.json()["code"]) == (400, "linfen art.4", "village_has_team")


def test_linfen_replacing_the_last_member_of_the_previous_batch_is_refused_art_4(api, db, admin_of):
    """Adjustments go through a case (linfen art.9); the case keeps one member of the previous batch (art.4)."""
    w = build_world("linfen")
    unit = f.user_with_role("dispatch_unit", dispatch_unit=w.dispatch_unit)
    office = f.user_with_role("county_office", jurisdiction=w.jurisdiction)
    old = [f.MembershipFactory(team=w.team_a, start_date=date(2025, 1, 1), cadre__dispatch_unit=w.dispatch_unit)
           for _ in range(2)]
    newcomer = f.MembershipFactory(team=w.team_a, start_date=date(2026, 1, 1))
    case = {"cadre": old[0].cadre_id, "kind": "adjustment", "ground": "身体原因"}
    first = api(unit).post("/api/v1/personnel-cases/", case, format="json").json()
    api(unit).post(f"/api/v1/personnel-cases/{first['id']}/approve/")
    assert api(office).post(f"/api/v1/personnel-cases/{first['id']}/approve/").json()["status"] == "approved"
    r = api(unit).post("/api/v1/personnel-cases/", case | {"cadre": old[1].cadre_id}, format="json")
    assert (r.status_code, r.json()["rule_ref"]) == (400, "linfen art.4")
    assert newcomer.cadre.memberships.get().end_date is None


def test_xinfeng_leader_below_deputy_section_rank_is_refused_hard_sec_2(api, xinfeng, admin_of):
    cadre = f.CadreFactory(jurisdiction=xinfeng.jurisdiction, rank="staff")
    r = add(api, admin_of(xinfeng), xinfeng.team_a, cadre, role="leader")
    assert (r.status_code, r.json()["rule_ref"], r.json()["overridable"]) == (400, "xinfeng sec.二", False)


def test_xinfeng_leader_of_51_needs_a_reason_but_a_member_of_46_too_sec_2(api, xinfeng, admin_of):
    admin = admin_of(xinfeng)
    leader = f.CadreFactory(jurisdiction=xinfeng.jurisdiction, birth_date=date(1974, 1, 1))
    r = add(api, admin, xinfeng.team_a, leader, role="leader")
    assert (r.json()["code"], r.json()["overridable"]) == ("leader_age_max", True)
    young_leader = f.CadreFactory(jurisdiction=xinfeng.jurisdiction, birth_date=date(1977, 1, 1))  # 49
    assert add(api, admin, xinfeng.team_a, young_leader, role="leader").status_code == 201
    member = f.CadreFactory(jurisdiction=xinfeng.jurisdiction, birth_date=date(1979, 1, 1))  # 47
    assert add(api, admin, xinfeng.team_a, member).json()["code"] == "member_age_max"


def test_xinfeng_team_shows_missing_specialists_as_soft_checks_sec_2(api, xinfeng, admin_of):
    f.MembershipFactory(team=xinfeng.team_a, cadre__category="tech_commissioner")
    checks = api(admin_of(xinfeng)).get(f"/api/v1/teams/{xinfeng.team_a.id}/").json()["checks"]
    codes = {c["code"]: c for c in checks}
    assert "composition_tech_commissioner" not in codes
    assert codes["composition_graduate_volunteer"]["rule_ref"] == "xinfeng sec.二"
    assert codes["composition_graduate_volunteer"]["severity"] == "soft"


def test_a_cadre_on_an_active_team_cannot_join_a_second_one(api, world, admin_user):
    busy = f.MembershipFactory(team=world.team_a).cadre
    team_b = f.TeamFactory(host_unit=world.village_b)
    r = add(api, admin_user, team_b, busy)
    assert (r.status_code, r.json()["code"], r.json()["rule_ref"]) == (400, "cadre_already_assigned", "ganzhou default")


def test_a_team_has_one_active_leader(api, world, admin_user):
    f.MembershipFactory(team=world.team_a, role="leader", first_secretary=True, village=world.village_a)
    cadre = f.CadreFactory()
    r = add(api, admin_user, world.team_a, cadre, role="leader", override_reason="x")
    assert (r.status_code, r.json()["code"]) == (400, "team_has_leader")


def test_term_end_follows_the_policy_term_qujiang_three_years_art_19(api, qujiang, admin_of):
    r = api(admin_of(qujiang)).post("/api/v1/teams/", {
        "jurisdiction": "qujiang", "kind": "town", "name": "乙镇工作队", "host_unit": qujiang.township_b.id,
        "dispatch_level": "county", "term_start": "2026-03-01"}, format="json")
    assert r.status_code == 201, r.json()
    assert (r.json()["term_end"], r.json()["term_rule_ref"]) == ("2029-03-01", "qujiang art.19")


def test_ending_a_membership_needs_a_ground_from_the_policy_list_ganzhou_art_18(api, world, admin_user):
    """Rotation ends directly (recall and adjustment go through personnel cases, issue 11), after the handover
    ganzhou art.18 requires (压茬交接, `term.leave_post_after`)."""
    m = f.MembershipFactory(team=world.team_a)
    assert api(admin_user).post(f"/api/v1/memberships/{m.id}/handover/",
                                {"date": "2026-02-27", "items": "工作台账、在办事项"}, format="json").status_code == 201
    r = api(admin_user).post(f"/api/v1/memberships/{m.id}/end/",
                             {"end_date": "2026-03-01", "kind": "rotation", "ground": "随便"}, format="json")
    assert r.status_code == 400
    r = api(admin_user).post(f"/api/v1/memberships/{m.id}/end/",
                             {"end_date": "2026-03-01", "kind": "rotation", "ground": "分批轮换"}, format="json")
    assert (r.status_code, r.json()["end_rule_ref"]) == (200, "ganzhou art.18")
    m.cadre.refresh_from_db()
    assert m.cadre.station is None


def test_a_ganzhou_team_with_an_18_month_term_shows_the_soft_term_check_art_18(api, world, admin_user):
    r = api(admin_user).post("/api/v1/teams/", {
        "jurisdiction": "ganzhou", "kind": "village", "name": "乙村驻村工作队", "host_unit": world.village_b.id,
        "dispatch_level": "city", "term_start": "2026-03-01", "term_end": "2027-09-01"}, format="json")
    assert r.status_code == 201
    term = next(c for c in r.json()["checks"] if c["code"] == "term_short")
    assert (term["rule_ref"], term["severity"]) == ("ganzhou art.18", "soft")


def test_a_ganzhou_team_with_exactly_two_years_has_no_term_check_art_18(api, world, admin_user):
    r = api(admin_user).post("/api/v1/teams/", {
        "jurisdiction": "ganzhou", "kind": "village", "name": "乙村驻村工作队", "host_unit": world.village_b.id,
        "dispatch_level": "city", "term_start": "2025-03-01"}, format="json")
    assert r.json()["term_end"] == "2027-03-01"
    assert "term_short" not in [c["code"] for c in r.json()["checks"]]


def test_a_county_office_granted_on_a_county_inside_the_city_forms_teams_there(api, world):
    from jurisdictions.models import Role

    county_office = f.user_with_role(Role.COUNTY_OFFICE, org_unit=world.county)
    r = api(county_office).post("/api/v1/teams/", {
        "jurisdiction": "ganzhou", "kind": "village", "name": "乙村驻村工作队", "host_unit": world.village_b.id,
        "dispatch_level": "county", "term_start": "2026-03-01"}, format="json")
    assert r.status_code == 201, r.json()
    cadre = api(county_office).post("/api/v1/cadres/", {
        "jurisdiction": "ganzhou", "name": "县派干部", "gender": "male", "birth_date": "1985-06-15",
        "party_status": "member", "rank": "section", "category": "civil_servant",
        "dispatch_unit": world.dispatch_unit.id, "dispatch_level": "county"}, format="json")
    assert cadre.status_code == 201


def test_an_unknown_role_is_a_400(api, world, admin_user):
    cadre = f.CadreFactory()
    r = add(api, admin_user, world.team_a, cadre, role="captain")
    assert r.status_code == 400 and not Membership.objects.filter(cadre=cadre).exists()
