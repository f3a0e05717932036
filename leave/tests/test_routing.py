"""Every route of POLICY.md §5, at and around each day threshold, through the contract path
POST /api/v1/leave-requests/. Routes come from the policy rows; the answer names the row's rule_ref."""

import pytest

from jurisdictions.models import DispatchUnit
from jurisdictions.policy import policy_in_force
from leave import rules

from .helpers import START, stages, submit


def test_days_are_calendar_days_with_both_ends_included():
    from datetime import date

    assert rules.leave_days(date(2026, 12, 1), date(2026, 12, 1)) == 1
    assert rules.leave_days(date(2026, 12, 30), date(2027, 1, 2)) == 4


@pytest.mark.parametrize(("days", "approver"), [
    (1, "township_secretary"), (3, "township_secretary"), (4, "county_office"), (7, "county_office"),
    (8, "county_group"), (14, "county_group"), (15, "county_group"), (16, "county_group"),
])
def test_ganzhou_art_17_routes_by_days(api, gz, days, approver):
    """ganzhou art.17: ≤3 township party committee, 4–7 county office, ≥8 county leading group."""
    r = submit(api, gz.member.user, gz.member, days)
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["days"] == days and body["status"] == "pending"
    assert stages(body) == [[approver]]
    assert all(a["status"] == "pending" for a in body["approvals"])
    assert body["rule_ref"] == "ganzhou art.17" and body["route_is_default"] is False
    assert body["filings"] == []


@pytest.mark.parametrize(("days", "replacement"), [(14, False), (15, True), (16, True)])
def test_ganzhou_art_17_fifteen_days_or_more_requires_a_replacement(api, gz, days, replacement):
    body = submit(api, gz.member.user, gz.member, days).json()
    assert body["replacement_required"] is replacement
    assert body["replacement_rule_ref"] == ("ganzhou art.17" if replacement else "")


def test_ganzhou_art_17_routes_the_first_secretary_leader_like_a_member(api, gz):
    body = submit(api, gz.leader.user, gz.leader, 2).json()
    assert stages(body) == [["township_secretary"]]
    assert body["cadre_is_leader"] is True


@pytest.mark.parametrize("channel", ["phone", "sms"])
def test_ganzhou_art_17_phone_or_sms_leave_is_flagged_until_the_written_form_is_filed(api, gz, channel):
    r = submit(api, gz.member.user, gz.member, 2, channel=channel)
    body = r.json()
    assert body["written_followup_due"] is not None and body["written_form_required"] is True
    assert body["followup_rule_ref"] == "ganzhou art.17"
    filed = api(gz.member.user).post(f"/api/v1/leave-requests/{body['id']}/written-form/")
    assert filed.status_code == 200, filed.json()
    assert filed.json()["written_followup_due"] is None and filed.json()["written_form_filed_at"]
    again = api(gz.member.user).post(f"/api/v1/leave-requests/{body['id']}/written-form/")
    assert again.status_code == 409


def test_ganzhou_written_leave_has_no_followup(api, gz):
    body = submit(api, gz.member.user, gz.member, 2, channel="written").json()
    assert body["written_followup_due"] is None and body["written_form_required"] is False


def test_ganzhou_art_17_official_trips_go_through_the_same_request(api, gz):
    body = submit(api, gz.member.user, gz.member, 5, kind="official", reason="参加市里培训").json()
    assert body["kind"] == "official" and stages(body) == [["county_office"]]


def test_phone_leave_outside_ganzhou_has_no_written_followup_rule(api, lw):
    fd = lw("fengdu")
    body = submit(api, fd.member.user, fd.member, 2, channel="phone").json()
    assert body["written_followup_due"] is None


@pytest.mark.parametrize("code", ["qujiang", "xinfeng"])
@pytest.mark.parametrize("days", [1, 3, 4, 8, 15, 16, 30])
def test_qujiang_art_14_member_goes_to_the_team_leader_leader_to_the_township_secretary_with_filings(
        api, lw, code, days):
    """qujiang art.14 (xinfeng: regulation silent, the same routes as a marked default)."""
    x = lw(code)
    member = submit(api, x.member.user, x.member, days).json()
    assert stages(member) == [["team_leader"]] and member["filings"] == []
    leader = submit(api, x.leader.user, x.leader, days).json()
    assert stages(leader) == [["township_secretary"]]
    assert sorted(fl["role"] for fl in leader["filings"]) == ["county_org_dept", "county_rr_bureau"]
    expected_ref, default = ("qujiang art.14", False) if code == "qujiang" else ("xinfeng default", True)
    assert member["rule_ref"] == leader["rule_ref"] == expected_ref
    assert member["route_is_default"] is leader["route_is_default"] is default
    if default:
        assert "默认" in leader["route_label"]


@pytest.mark.parametrize(("days", "approvers", "ref"), [
    (1, [["township_secretary"]], "linfen art.9"), (7, [["township_secretary"]], "linfen art.9"),
    (8, [["county_office"]], "linfen art.9"), (15, [["county_office"]], "linfen art.9"),
    (16, [["city_office", "dispatch_unit"]], "linfen art.9"),
])
def test_linfen_art_9_routes_city_dispatched_cadres(api, lw, days, approvers, ref):
    """linfen art.9(二): 一周以内 township; 一周以上半月以内 county office; 市直 半月以上 joint city office + unit."""
    x = lw("linfen")
    body = submit(api, x.member.user, x.member, days).json()
    assert stages(body) == approvers and body["rule_ref"] == ref and body["route_is_default"] is False
    assert "读法" in body["route_interpretation"]  # 1–7/8–15/≥16 is a reading of 一周/半月, labelled so


@pytest.mark.parametrize(("days", "approver", "ref", "default"), [
    (15, "county_office", "linfen art.9", False), (16, "county_office", "linfen default", True),
])
def test_linfen_sixteen_days_for_a_cadre_not_sent_by_a_city_unit_goes_to_the_county_office_by_default(
        api, lw, days, approver, ref, default):
    x = lw("linfen")
    x.member.dispatch_unit = x.county_unit
    x.member.dispatch_level = DispatchUnit.Level.COUNTY
    x.member.save()
    body = submit(api, x.member.user, x.member, days).json()
    assert stages(body) == [[approver]] and body["rule_ref"] == ref and body["route_is_default"] is default


@pytest.mark.parametrize(("days", "approvers", "filings"), [
    (1, [["township_secretary"]], ["county_rr_bureau"]), (3, [["township_secretary"]], ["county_rr_bureau"]),
    (4, [["county_org_dept", "dispatch_unit"]], []), (16, [["county_org_dept", "dispatch_unit"]], []),
])
def test_fengdu_art_9_routes_and_says_cadres_in_principle_take_no_leave(api, lw, days, approvers, filings):
    """fengdu art.9: ≤3 days township secretary, filed; >3 days joint county org dept + dispatch unit."""
    x = lw("fengdu")
    body = submit(api, x.member.user, x.member, days).json()
    assert stages(body) == approvers and [fl["role"] for fl in body["filings"]] == filings
    assert body["rule_ref"] == "fengdu art.9"
    assert body["notices"] == [{"text": "派驻人员原则上不请假，如遇特殊情况方可请假。", "rule_ref": "fengdu art.9"}]


def test_the_route_is_a_pure_function_of_policy_rows(db):
    from jurisdictions.models import Jurisdiction

    policy = policy_in_force(Jurisdiction.objects.get(code="ganzhou"), START)
    routing = rules.route_leave(policy, days=15, is_leader=False, dispatch_level="county", channel="sms")
    assert routing.route.key == "leave.route.03_8_plus"
    assert routing.replacement is not None and routing.followup is not None


def test_a_route_row_change_does_not_rewrite_a_submitted_request(api, gz):
    from datetime import timedelta

    from jurisdictions.models import PolicyRow

    body = submit(api, gz.member.user, gz.member, 5).json()
    PolicyRow.objects.create(jurisdiction=gz.w.jurisdiction, key="leave.route.02_4_7",
                             effective_from=START + timedelta(days=20),
                             rule_ref="ganzhou art.17", value={"applies_to": {}, "min_days": 4, "max_days": 7,
                                                              "stages": [["county_group"]], "filings": []})
    again = api(gz.member.user).get(f"/api/v1/leave-requests/{body['id']}/").json()
    assert stages(again) == [["county_office"]]
    newer = submit(api, gz.member.user, gz.member, 5, start=START + timedelta(days=30)).json()
    assert stages(newer) == [["county_group"]]


def test_ganzhou_art_17_written_leave_must_be_asked_in_advance(api, gz, lw):
    """ganzhou art.17 须提前请假 (hard): a written request starting before today is refused; phone/SMS leave in a
    special case may be entered afterwards; a jurisdiction without the row accepts it."""
    from datetime import timedelta

    from django.utils import timezone

    TODAY = timezone.localdate()  # noqa: N806 - read now, not at import (a run may cross midnight in Shanghai)
    late = submit(api, gz.member.user, gz.member, 2, start=TODAY - timedelta(days=1))
    assert late.status_code == 400
    assert late.json() | {"detail": ""} == {"code": "not_in_advance", "detail": "", "rule_ref": "ganzhou art.17",
                                            "overridable": False}
    assert submit(api, gz.member.user, gz.member, 2, start=TODAY).status_code == 201
    assert submit(api, gz.member.user, gz.member, 2, start=TODAY - timedelta(days=3), channel="phone").status_code \
        == 201
    fd = lw("fengdu")
    assert submit(api, fd.member.user, fd.member, 2, start=TODAY - timedelta(days=1)).status_code == 201
