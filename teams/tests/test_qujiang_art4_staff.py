"""曲江 art.4–5: art.5 sets the conditions for the 选派干部 (原则上45周岁以下、副科级以上，队员优先党员，由成员单位在编
人员担任); the art.4 staff (科技特派员、三支一扶、高校毕业生志愿者、金融助理) are only 纳入工作队管理 and get none of them."""

from datetime import date

import pytest

from teams.models import RuleOverride
from tests import factories as f

from .test_selection_rules import add, town_team_world


@pytest.fixture
def qujiang(db):
    return town_team_world("qujiang")


def art5(body):
    """The art.5 warnings of an answer (team checks such as 'no leader yet' are not about the candidate)."""
    return [w["code"] for w in body["warnings"] if w["rule_ref"] == "qujiang art.5"]


ART4 = ["tech_commissioner", "sanzhi_yifu", "graduate_volunteer", "financial_assistant"]


@pytest.mark.parametrize("category", ART4)
def test_qujiang_art_4_staff_join_the_team_without_art_5_age_rank_or_party_findings(api, qujiang, admin_of,
                                                                                     category):
    staff = f.CadreFactory(jurisdiction=qujiang.jurisdiction, category=category, rank="none", party_status="none",
                           party_joined_on=None, birth_date=date(1979, 1, 1))  # 47, no rank, not in the party
    r = add(api, admin_of(qujiang), qujiang.team_a, staff)
    assert r.status_code == 201, r.json()
    assert art5(r.json()) == []


def test_qujiang_art_5_a_dispatched_cadre_with_the_same_facts_still_needs_a_reason(api, qujiang, admin_of):
    cadre = f.CadreFactory(jurisdiction=qujiang.jurisdiction, category="civil_servant", rank="none",
                           party_status="none", party_joined_on=None, birth_date=date(1979, 1, 1))
    r = add(api, admin_of(qujiang), qujiang.team_a, cadre)
    assert (r.status_code, r.json()["overridable"]) == (400, True)
    assert {e["code"] for e in r.json()["errors"]} == {"age_max", "rank_min", "party_member_preferred"}


def test_qujiang_art_5_a_member_from_a_state_firm_is_not_on_establishment_and_needs_a_recorded_reason(
        api, qujiang, admin_of):
    """由成员单位在编人员担任: 国企人员 have no 编制 (read from the category)."""
    admin = admin_of(qujiang)
    cadre = f.CadreFactory(jurisdiction=qujiang.jurisdiction, category="soe")
    r = add(api, admin, qujiang.team_a, cadre)
    body = r.json()
    assert (r.status_code, body["code"], body["rule_ref"], body["overridable"]) == (
        400, "member_on_establishment", "qujiang art.5", True)
    assert "在编" in body["detail"] and "国企" in body["detail"]
    r = add(api, admin, qujiang.team_a, cadre, override_reason="该国企为成员单位，人员借调")
    assert r.status_code == 201
    assert RuleOverride.objects.get(membership_id=r.json()["id"]).code == "member_on_establishment"


@pytest.mark.parametrize("category", ["civil_servant", "public_institution", "university", "selected_graduate"])
def test_qujiang_art_5_members_on_establishment_join_without_a_finding(api, qujiang, admin_of, category):
    cadre = f.CadreFactory(jurisdiction=qujiang.jurisdiction, category=category)
    r = add(api, admin_of(qujiang), qujiang.team_a, cadre)
    assert (r.status_code, art5(r.json())) == (201, [])


def test_qujiang_art_5_a_member_sent_by_a_unit_outside_the_teams_member_units_needs_a_reason(api, qujiang, admin_of):
    admin = admin_of(qujiang)
    member_unit = f.DispatchUnitFactory(jurisdiction=qujiang.jurisdiction, name="区交通局（成员单位）")
    qujiang.team_a.lead_unit = qujiang.dispatch_unit
    qujiang.team_a.save(update_fields=["lead_unit"])
    qujiang.team_a.member_units.set([member_unit])
    outsider = f.CadreFactory(jurisdiction=qujiang.jurisdiction,
                              dispatch_unit=f.DispatchUnitFactory(jurisdiction=qujiang.jurisdiction, name="区其他局"))
    r = add(api, admin, qujiang.team_a, outsider)
    assert (r.status_code, r.json()["code"], r.json()["rule_ref"]) == (400, "member_from_team_unit", "qujiang art.5")
    insider = f.CadreFactory(jurisdiction=qujiang.jurisdiction, dispatch_unit=member_unit)
    assert add(api, admin, qujiang.team_a, insider).status_code == 201
    lead = f.CadreFactory(jurisdiction=qujiang.jurisdiction, dispatch_unit=qujiang.dispatch_unit)
    assert add(api, admin, qujiang.team_a, lead).status_code == 201


def test_qujiang_art_5_the_leader_must_still_be_a_full_party_member_whatever_the_category(api, qujiang, admin_of):
    staff = f.CadreFactory(jurisdiction=qujiang.jurisdiction, category="sanzhi_yifu", party_status="probationary")
    r = add(api, admin_of(qujiang), qujiang.team_a, staff, role="leader")
    assert (r.status_code, r.json()["code"], r.json()["overridable"]) == (400, "leader_full_party_member", False)
