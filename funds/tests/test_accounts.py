"""Fund accounts: budgets proposed from the policy rows, checks, the ledger figures (POLICY.md §9)."""

from decimal import Decimal

import pytest

from conftest import build_world
from funds import services
from jurisdictions.models import OrgUnit, Role
from teams.models import Membership
from tests import factories as f

from .conftest import make_leader

pytestmark = pytest.mark.django_db


def proposal(client, team, year=2026):
    return client.get(f"/api/v1/fund-accounts/proposal/?team={team.id}&year={year}")


def county_admin(world):
    user = f.UserFactory(username=f"admin_{world.jurisdiction.code}", jurisdiction=world.jurisdiction)
    f.grant(user, Role.JURISDICTION_ADMIN, jurisdiction=world.jurisdiction)
    return user


def team_in(world, *, kind, host_name, dispatch_level="county"):
    host = f.OrgUnitFactory(jurisdiction=world.jurisdiction, kind=OrgUnit.Kind.TOWNSHIP, parent=world.county,
                            name=host_name)
    return f.TeamFactory(jurisdiction=world.jurisdiction, kind=kind, host_unit=host, dispatch_level=dispatch_level)


# ---- proposals ----------------------------------------------------------------------------------

def test_xinfeng_sec7_proposes_50000_for_a_county_town_team_and_10000_for_a_county_village_team(api, db):
    """xinfeng sec.七: 县级财政每年分别安排5万元和1万元."""
    w = build_world("xinfeng")
    client = api(county_admin(w))
    town = team_in(w, kind="town", host_name="梅坑镇测")
    village = f.TeamFactory(jurisdiction=w.jurisdiction, kind="village", host_unit=w.village_a,
                            dispatch_level="county")
    body = proposal(client, town).json()
    assert (body["amount"], body["rule_ref"], body["source"]) == ("50000.00", "xinfeng sec.七", "county_finance")
    assert proposal(client, village).json()["amount"] == "10000.00"


def test_xinfeng_sec7_funds_only_county_dispatched_teams(api, db):
    w = build_world("xinfeng")
    town = team_in(w, kind="town", host_name="遥田镇测", dispatch_level="province")
    body = proposal(api(county_admin(w)), town).json()
    assert body["amount"] is None and body["rule_ref"] == "xinfeng sec.七"


def test_fengdu_art19_proposes_200000_for_lizixiang_and_100000_for_gaojiazhen(api, db):
    """fengdu art.19: 栗子乡 county matching 200,000; 高家镇 etc. 100,000 a year."""
    w = build_world("fengdu")
    client = api(county_admin(w))
    lizi = team_in(w, kind="township", host_name="栗子乡", dispatch_level="city")
    gaojia = team_in(w, kind="township", host_name="高家镇")
    body = proposal(client, lizi).json()
    assert (body["amount"], body["rule_ref"]) == ("200000.00", "fengdu art.19")
    assert "配套" in body["detail"]  # county matching; city funds come on top
    assert proposal(client, gaojia).json()["amount"] == "100000.00"


def test_fengdu_art19_county_village_teams_get_10000_per_active_member(api, db):
    w = build_world("fengdu")
    team = w.team_a
    team.dispatch_level = "county"
    team.save()
    for _ in range(3):
        f.MembershipFactory(team=team, cadre=f.CadreFactory(jurisdiction=w.jurisdiction))
    f.MembershipFactory(team=team, cadre=f.CadreFactory(jurisdiction=w.jurisdiction), end_date="2025-06-30")
    body = proposal(api(county_admin(w)), team).json()
    assert body["amount"] == "30000.00" and body["rule_ref"] == "fengdu art.19"
    assert Membership.objects.filter(team=team).count() == 4


def test_ganzhou_art26_proposes_the_10000_floor(api, admin_user, world):
    body = proposal(api(admin_user), world.team_a).json()
    assert (body["amount"], body["minimum"], body["rule_ref"], body["source"]) == (
        "10000.00", "10000.00", "ganzhou art.26", "dispatch_unit")


def test_linfen_names_no_figure_so_nothing_is_proposed(api, db):
    w = build_world("linfen")
    body = proposal(api(county_admin(w)), w.team_a).json()
    assert body["amount"] is None


def test_the_proposal_needs_team_and_year_and_hides_other_teams(api, admin_user, charlie, bob, world):
    assert api(admin_user).get("/api/v1/fund-accounts/proposal/?team=x").status_code == 400
    assert proposal(api(charlie), world.team_a).status_code == 404
    assert proposal(api(bob), world.team_a).status_code == 404


# ---- opening accounts ---------------------------------------------------------------------------

def test_opening_an_account_answers_the_figures_and_the_checks(api, admin_user, world):
    r = api(admin_user).post("/api/v1/fund-accounts/", {"team": world.team_a.id, "year": 2026,
                                                         "source": "dispatch_unit", "amount": "12000"},
                             format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert (body["budget"], body["approved"], body["pending"], body["balance"]) == (
        "12000.00", "0.00", "0.00", "12000.00")
    assert body["proposed_amount"] == "10000.00" and body["budget_rule_ref"] == "ganzhou art.26"
    assert body["budget_checks"] == []


def test_ganzhou_art26_an_account_below_10000_shows_a_check(api, admin_user, world):
    """ganzhou art.26: 每年给予工作队不少于1万元 — shown as a check, the account still opens."""
    r = api(admin_user).post("/api/v1/fund-accounts/", {"team": world.team_a.id, "year": 2026,
                                                         "source": "dispatch_unit", "amount": "8000.00"},
                             format="json")
    assert r.status_code == 201
    [check] = r.json()["budget_checks"]
    assert check["code"] == "budget_below_minimum" and check["rule_ref"] == "ganzhou art.26"
    assert set(check) == {"code", "rule_ref", "severity", "detail"}
    # money from another source does not count towards what the dispatch unit must give
    api(admin_user).post("/api/v1/fund-accounts/", {"team": world.team_a.id, "year": 2026, "source": "other",
                                                    "amount": "5000.00"}, format="json")
    assert api(admin_user).get(f"/api/v1/fund-accounts/{r.json()['id']}/").json()["budget_checks"]


def test_without_an_amount_the_policy_figure_is_used(api, db):
    """xinfeng sec.七: the account opens with 50,000 for a county town team."""
    w = build_world("xinfeng")
    town = team_in(w, kind="town", host_name="沙田镇测")
    r = api(county_admin(w)).post("/api/v1/fund-accounts/", {"team": town.id, "year": 2026,
                                                              "source": "county_finance"}, format="json")
    assert r.status_code == 201 and r.json()["amount"] == "50000.00"
    assert r.json()["budget_checks"] == []


def test_an_amount_differing_from_the_fixed_figure_is_a_notice(api, db):
    w = build_world("fengdu")
    gaojia = team_in(w, kind="township", host_name="高家镇")
    r = api(county_admin(w)).post("/api/v1/fund-accounts/", {"team": gaojia.id, "year": 2026,
                                                              "source": "county_finance", "amount": "80000"},
                                  format="json")
    [check] = r.json()["budget_checks"]
    assert (check["code"], check["rule_ref"], check["severity"]) == ("budget_differs_from_policy", "fengdu art.19",
                                                                      "notice")


def test_a_second_account_for_the_same_team_year_and_source_is_a_conflict(api, admin_user, world):
    body = {"team": world.team_a.id, "year": 2026, "source": "dispatch_unit", "amount": "10000"}
    assert api(admin_user).post("/api/v1/fund-accounts/", body, format="json").status_code == 201
    assert api(admin_user).post("/api/v1/fund-accounts/", body, format="json").status_code == 409


def test_who_may_open_accounts(api, world, alice, bob, charlie):
    body = {"team": world.team_a.id, "year": 2026, "source": "dispatch_unit", "amount": "10000"}
    leader = make_leader(world.team_a, "acc_leader")
    assert api(leader).post("/api/v1/fund-accounts/", body, format="json").status_code == 201
    body["source"] = "other"
    assert api(alice).post("/api/v1/fund-accounts/", body, format="json").status_code == 201
    # out of scope: the team is not found (400 on the field), never created
    for stranger in (bob, charlie):
        r = api(stranger).post("/api/v1/fund-accounts/", body | {"source": "city_finance"}, format="json")
        assert r.status_code == 400 and "team" in r.json()["errors"]
    # in scope but not a fund manager: the lead dispatch unit's staff see the team and get 403
    world.team_a.lead_unit = world.dispatch_unit
    world.team_a.save()
    unit_user = f.UserFactory(username="unit")
    f.grant(unit_user, Role.DISPATCH_UNIT, dispatch_unit=world.dispatch_unit)
    r = api(unit_user).post("/api/v1/fund-accounts/", body | {"source": "city_finance"}, format="json")
    assert r.status_code == 403


def test_strangers_get_404_on_an_account(api, admin_user, bob, charlie, world):
    account = services.account_open(actor=admin_user, team=world.team_a, year=2026, source="dispatch_unit",
                                    amount=Decimal("10000"))
    for stranger in (bob, charlie):
        assert api(stranger).get(f"/api/v1/fund-accounts/{account.id}/").status_code == 404
        assert api(stranger).patch(f"/api/v1/fund-accounts/{account.id}/", {"amount": "1"},
                                   format="json").status_code == 404
        assert api(stranger).get("/api/v1/fund-accounts/").json()["count"] == 0


def test_the_account_list_takes_a_fixed_number_of_queries(api, admin_user, world, django_assert_num_queries):
    client = api(admin_user)
    for year in (2024, 2025):
        services.account_open(actor=admin_user, team=world.team_a, year=year, source="dispatch_unit",
                              amount=Decimal("10000"))
    client.get("/api/v1/fund-accounts/")

    def run():
        # count (1); the page with team, host, jurisdiction joined and the approved/pending sums aggregated (1)
        with django_assert_num_queries(2):
            return client.get("/api/v1/fund-accounts/").json()

    assert run()["count"] == 2
    for year in (2026, 2027, 2028):
        services.account_open(actor=admin_user, team=world.team_a, year=year, source="dispatch_unit",
                              amount=Decimal("10000"))
    body = run()
    assert body["count"] == 5 and body["results"][0]["balance"] == "10000.00"


def test_ganzhou_art26_money_must_go_into_the_village_finance_account_and_the_detail_says_so(
        api, admin_user, world):
    body = proposal(api(admin_user), world.team_a).json()
    assert "所驻村财务账户" in body["custody"]
    account = services.account_open(actor=admin_user, team=world.team_a, year=2026, source="dispatch_unit")
    detail = api(admin_user).get(f"/api/v1/fund-accounts/{account.id}/").json()
    assert detail["amount"] == "10000.00"  # no amount given: the policy floor
    assert detail["proposal"]["rule_ref"] == "ganzhou art.26" and "所驻村" in detail["proposal"]["custody"]


def test_an_ended_team_gets_no_new_account(api, admin_user, world):
    world.team_a.ended_on = "2026-06-30"
    world.team_a.save()
    r = api(admin_user).post("/api/v1/fund-accounts/", {"team": world.team_a.id, "year": 2026,
                                                         "source": "dispatch_unit", "amount": "10000"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "team_ended"
