"""Who may see and act: out of scope is 404 (bob of township B, charlie of Fengdu), in scope with the wrong role
is 403; the approver inbox lists only what the caller may decide, in a fixed number of queries."""

from datetime import date, timedelta

import pytest

from jurisdictions.models import Role
from tests import factories as f

from .helpers import START, submit


@pytest.fixture
def bob_b(gz):
    """Township B's secretary in the same jurisdiction as the request."""
    user = f.UserFactory(username="bob_b", jurisdiction=gz.w.jurisdiction)
    f.grant(user, Role.TOWNSHIP_SECRETARY, org_unit=gz.w.township_b)
    return user


@pytest.fixture
def pending(api, gz):
    return submit(api, gz.member.user, gz.member, 2).json()


ACTIONS = [("approve", {}), ("reject", {"comment": "不同意"}), ("cancel", {}),
           ("return", {"returned_on": START.isoformat()}),
           ("written-form", {})]


@pytest.mark.parametrize(("action", "body"), ACTIONS)
def test_every_action_is_404_for_a_neighbour_township_and_another_jurisdiction(api, gz, pending, bob_b, charlie,
                                                                               action, body):
    for outsider in (bob_b, charlie):
        r = api(outsider).post(f"/api/v1/leave-requests/{pending['id']}/{action}/", body, format="json")
        assert r.status_code == 404, (outsider, action, r.json())


def test_detail_is_404_outside_scope_and_visible_to_the_township_the_cadre_and_the_dispatch_unit(
        api, gz, pending, bob_b, charlie):
    path = f"/api/v1/leave-requests/{pending['id']}/"
    assert api(bob_b).get(path).status_code == 404
    assert api(charlie).get(path).status_code == 404
    for user in (gz.users[Role.TOWNSHIP_SECRETARY], gz.member.user, gz.users[Role.DISPATCH_UNIT],
                 gz.users[Role.COUNTY_OFFICE], gz.leader.user):
        assert api(user).get(path).status_code == 200


def test_ganzhou_art_17_the_county_office_may_not_approve_a_three_day_leave(api, gz, pending):
    """ganzhou art.17: ≤3 days is the township's; the county office holds no pending approval → 403."""
    r = api(gz.users[Role.COUNTY_OFFICE]).post(f"/api/v1/leave-requests/{pending['id']}/approve/")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"


def test_the_township_clerk_may_not_approve(api, gz, pending):
    assert api(gz.users[Role.ATTENDANCE_CLERK]).post(f"/api/v1/leave-requests/{pending['id']}/approve/").status_code \
        == 403
    assert api(gz.member.user).post(f"/api/v1/leave-requests/{pending['id']}/approve/").status_code == 403


def test_only_the_cadre_or_the_clerk_cancels(api, gz, pending):
    assert api(gz.users[Role.COUNTY_OFFICE]).post(f"/api/v1/leave-requests/{pending['id']}/cancel/").status_code == 403


def test_only_the_cadre_or_the_township_clerk_submits(api, gz, bob_b, charlie):
    assert submit(api, gz.users[Role.COUNTY_OFFICE], gz.member, 2).status_code == 403
    assert submit(api, gz.users[Role.TOWNSHIP_SECRETARY], gz.member, 2).status_code == 403
    assert submit(api, bob_b, gz.member, 2).status_code == 404
    assert submit(api, charlie, gz.member, 2).status_code == 404
    assert submit(api, gz.member.user, gz.leader, 2).status_code == 404  # another cadre is not in a member's scope


def test_an_approver_of_another_township_with_the_same_role_cannot_approve(api, gz, pending, bob_b):
    assert api(bob_b).post(f"/api/v1/leave-requests/{pending['id']}/approve/").status_code == 404


def test_the_dispatch_unit_of_another_unit_cannot_approve_a_fengdu_joint_request(api, lw):
    x = lw("fengdu")
    body = submit(api, x.member.user, x.member, 5).json()
    other = f.UserFactory(username="other_unit", jurisdiction=x.w.jurisdiction)
    f.grant(other, Role.DISPATCH_UNIT, dispatch_unit=x.county_unit)
    assert api(other).post(f"/api/v1/leave-requests/{body['id']}/approve/").status_code == 404


def test_list_shows_requests_in_scope_only(api, gz, pending, bob_b, charlie):
    assert api(gz.users[Role.TOWNSHIP_SECRETARY]).get("/api/v1/leave-requests/").json()["count"] == 1
    assert api(bob_b).get("/api/v1/leave-requests/").json()["count"] == 0
    assert api(charlie).get("/api/v1/leave-requests/").json()["count"] == 0
    assert api(gz.member.user).get(f"/api/v1/leave-requests/?cadre={gz.member.pk}").json()["count"] == 1


def test_mine_approver_lists_only_the_callers_pending_approvals(api, gz, pending, bob_b, charlie):
    long = submit(api, gz.member.user, gz.member, 5, start=START + timedelta(days=30)).json()
    sec = api(gz.users[Role.TOWNSHIP_SECRETARY]).get("/api/v1/leave-requests/?mine=approver").json()
    assert [r["id"] for r in sec["results"]] == [pending["id"]] and set(sec) >= {"count", "next", "previous"}
    office = api(gz.users[Role.COUNTY_OFFICE]).get("/api/v1/leave-requests/?mine=approver").json()
    assert [r["id"] for r in office["results"]] == [long["id"]]
    for user in (bob_b, charlie, gz.users[Role.ATTENDANCE_CLERK], gz.member.user):
        assert api(user).get("/api/v1/leave-requests/?mine=approver").json()["count"] == 0
    api(gz.users[Role.TOWNSHIP_SECRETARY]).post(f"/api/v1/leave-requests/{pending['id']}/approve/")
    assert api(gz.users[Role.TOWNSHIP_SECRETARY]).get("/api/v1/leave-requests/?mine=approver").json()["count"] == 0


def test_the_team_leader_inbox_lists_members_leave(api, lw):
    x = lw("qujiang")
    body = submit(api, x.member.user, x.member, 2).json()
    own = submit(api, x.leader.user, x.leader, 2).json()
    ids = [r["id"] for r in api(x.leader.user).get("/api/v1/leave-requests/?mine=approver").json()["results"]]
    assert ids == [body["id"]] and own["id"] not in ids


def _many_requests(api, gz, n):
    for i in range(n):
        cadre = f.CadreFactory(jurisdiction=gz.w.jurisdiction, dispatch_unit=gz.w.dispatch_unit)
        f.MembershipFactory(team=gz.w.team_a, cadre=cadre, start_date=date(2025, 1, 1))
        cadre.user = f.UserFactory(username=f"many{i}", jurisdiction=gz.w.jurisdiction)
        cadre.save()
        submit(api, cadre.user, cadre, 2 + (i % 6))


@pytest.mark.parametrize("n", [1, 6])
def test_the_approver_inbox_and_the_list_take_a_fixed_number_of_queries(api, gz, django_assert_num_queries, n):
    _many_requests(api, gz, n)
    from jurisdictions.models import User

    # a fresh user object each time: its scope is computed inside the measured block
    client = api(User.objects.get(pk=gz.users[Role.TOWNSHIP_SECRETARY].pk))
    # 1 role grants, 2 the caller's cadre (none: no membership query), 3 count, 4 page of requests with cadre,
    # dispatch unit, team, township, jurisdiction, submitter, 5 approvals with decided_by, 6 filings
    with django_assert_num_queries(6):
        r = client.get("/api/v1/leave-requests/?mine=approver")
    assert r.json()["count"] == sum(1 for i in range(n) if 2 + i % 6 <= 3)  # ≤3 days: the township's (art.17)
    client = api(User.objects.get(pk=gz.users[Role.TOWNSHIP_SECRETARY].pk))
    with django_assert_num_queries(6):
        r = client.get("/api/v1/leave-requests/")
    assert r.json()["count"] == n


def test_a_user_holding_no_approver_role_gets_403_even_on_a_decided_request(api, gz, pending):
    api(gz.users[Role.TOWNSHIP_SECRETARY]).post(f"/api/v1/leave-requests/{pending['id']}/approve/")
    assert api(gz.users[Role.ATTENDANCE_CLERK]).post(f"/api/v1/leave-requests/{pending['id']}/approve/").status_code \
        == 403
    assert api(gz.users[Role.TOWNSHIP_SECRETARY]).post(
        f"/api/v1/leave-requests/{pending['id']}/approve/").status_code == 409
