"""The pure rule functions, fed policy values directly (no database)."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from funds import rules
from jurisdictions.policy import Policy, PolicyValue


def policy(code="test", **rows):
    values = {k.replace("__", "."): PolicyValue(k.replace("__", "."), v, ref, date(2021, 1, 1), default)
              for k, (v, ref, default) in rows.items()}
    return Policy(SimpleNamespace(code=code), date(2026, 1, 1), values)


def team(kind="village", host="甲村", level="county", members=3):
    return rules.TeamFacts(kind=kind, host_name=host, dispatch_level=level, active_members=members)


def test_a_named_host_wins_over_the_per_person_rate_fengdu_art19():
    p = policy(funds__budget=({"by_host": {"栗子乡": "200000"}, "per_person": {"village": "10000"},
                               "source": "county_finance"}, "fengdu art.19", False))
    assert rules.budget_proposal(p, team(kind="township", host="栗子乡")).amount == Decimal("200000.00")
    assert rules.budget_proposal(p, team(members=4)).amount == Decimal("40000.00")
    # a village team inside 栗子乡 is not the township team
    assert rules.budget_proposal(p, team(host="栗子乡")).amount == Decimal("30000.00")


def test_a_floor_is_proposed_and_checked_against_the_team_year_total_ganzhou_art26():
    p = policy(funds__budget=({"min_per_team": "10000", "source": "dispatch_unit"}, "ganzhou art.26", False))
    prop = rules.budget_proposal(p, team())
    assert prop.minimum == Decimal("10000.00")
    low = rules.budget_checks(p, proposal=prop, source="dispatch_unit", amount=Decimal("6000"),
                              source_total=Decimal("9999.99"))
    assert [f.code for f in low] == ["budget_below_minimum"]
    assert rules.budget_checks(p, proposal=prop, source="dispatch_unit", amount=Decimal("6000"),
                               source_total=Decimal("10000")) == []


def test_forbidden_beats_allowed_and_a_non_exhaustive_list_only_warns():
    p = policy(funds__forbidden_categories=({"categories": ["personal"]}, "x art.1", False),
               funds__allowed_categories=({"categories": ["publicity"], "exhaustive": False}, "x art.2", False))
    assert rules.category_findings(p, "personal")[0].severity == "hard"
    assert rules.category_findings(p, "equipment")[0].severity == "warning"
    assert rules.category_findings(p, "publicity") == []
    strict = policy(funds__allowed_categories=({"categories": ["publicity"], "exhaustive": True}, "x art.3", False))
    assert rules.category_findings(strict, "equipment")[0].code == "category_not_allowed"


def test_without_a_signers_row_the_default_pair_is_used_and_labelled():
    signers = rules.required_signers(policy("newcounty"))
    assert signers.roles == ["township_secretary", "team_leader"]
    assert (signers.rule_ref, signers.is_default) == ("newcounty default", True)


def test_overspend_counts_approved_and_pending_of_the_others():
    assert not rules.overspend(budget=Decimal("100"), committed_others=Decimal("60"), amount=Decimal("40"))
    assert rules.overspend(budget=Decimal("100"), committed_others=Decimal("60"), amount=Decimal("40.01"))
