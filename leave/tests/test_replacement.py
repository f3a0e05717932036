"""赣州 art.17: "请假15天（含）以上的，派出单位要安排符合条件的人员接替工作或视情调整人员" — the requester's dispatch
unit names the replacement on the request, and the request shows who it is."""

import pytest
from django.test import Client

from jurisdictions.models import Notification, Role
from tests import factories as f

from .helpers import submit


def url(pk, action=""):
    return f"/api/v1/leave-requests/{pk}/" + (f"{action}/" if action else "")


@pytest.fixture
def long_leave(api, gz):
    """A 15-day request of the member (city-dispatched by gz.w.dispatch_unit), pending at the county group."""
    body = submit(api, gz.member.user, gz.member, 15).json()
    assert body["replacement_required"] is True
    return body


@pytest.fixture
def colleague(gz):
    """Another cadre of the same dispatch unit, who can take over the work."""
    return f.CadreFactory(jurisdiction=gz.w.jurisdiction, dispatch_unit=gz.w.dispatch_unit, name="接替丙")


def test_ganzhou_art_17_the_dispatch_unit_names_the_replacement_and_the_request_shows_who_it_is(
        api, gz, long_leave, colleague):
    unit = gz.users[Role.DISPATCH_UNIT]
    r = api(unit).post(url(long_leave["id"], "replacement"), {"cadre": colleague.pk}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["replacement"] == {"id": colleague.pk, "name": "接替丙"}
    seen_by_cadre = api(gz.member.user).get(url(long_leave["id"])).json()
    assert seen_by_cadre["replacement"] == {"id": colleague.pk, "name": "接替丙"}
    assert Notification.objects.filter(user=gz.member.user, message__contains="接替丙").exists()


def test_ganzhou_art_17_a_request_without_a_named_replacement_answers_null_and_the_final_stage_may_still_approve(
        api, gz, long_leave):
    """Art.17 puts the duty on the dispatch unit (安排接替或视情调整人员), not on the approvers: approval is not held."""
    assert long_leave["replacement"] is None
    r = api(gz.users[Role.COUNTY_GROUP]).post(url(long_leave["id"], "approve"), {}, format="json")
    assert (r.status_code, r.json()["status"], r.json()["replacement"]) == (200, "approved", None)


def test_ganzhou_art_17_the_dispatch_unit_is_told_at_submission_that_it_must_arrange_a_replacement(api, gz, long_leave):
    notice = Notification.objects.get(user=gz.users[Role.DISPATCH_UNIT], message__startswith="须安排接替")
    assert notice.link == f"/leave/{long_leave['id']}/" and "队员乙" in notice.message


def test_ganzhou_art_17_the_requester_cannot_be_named_as_their_own_replacement(api, gz, long_leave):
    r = api(gz.users[Role.DISPATCH_UNIT]).post(url(long_leave["id"], "replacement"), {"cadre": gz.member.pk},
                                               format="json")
    assert (r.status_code, r.json()["code"], r.json()["rule_ref"]) == (400, "replacement_is_requester",
                                                                       "ganzhou art.17")


def test_ganzhou_art_17_the_replacement_must_be_a_cadre_of_the_same_jurisdiction(api, gz, long_leave):
    outsider = f.CadreFactory(jurisdiction=f.jurisdiction("fengdu"), name="外地丁")
    root = f.UserFactory(username="root_gz", is_superuser=True, is_staff=True)
    r = api(root).post(url(long_leave["id"], "replacement"), {"cadre": outsider.pk}, format="json")
    assert (r.status_code, r.json()["code"]) == (400, "replacement_other_jurisdiction")
    # the dispatch unit does not even see a cadre of another jurisdiction
    r = api(gz.users[Role.DISPATCH_UNIT]).post(url(long_leave["id"], "replacement"), {"cadre": outsider.pk},
                                               format="json")
    assert r.status_code == 404


def test_ganzhou_art_17_no_replacement_is_named_for_leave_under_15_days(api, gz, colleague):
    body = submit(api, gz.member.user, gz.member, 14).json()
    r = api(gz.users[Role.DISPATCH_UNIT]).post(url(body["id"], "replacement"), {"cadre": colleague.pk}, format="json")
    assert (r.status_code, r.json()["code"]) == (409, "no_replacement_required")


def test_only_the_requesters_dispatch_unit_may_name_the_replacement(api, gz, long_leave, colleague):
    for role in (Role.TOWNSHIP_SECRETARY, Role.COUNTY_GROUP, Role.TEAM_LEADER):
        r = api(gz.users[role]).post(url(long_leave["id"], "replacement"), {"cadre": colleague.pk}, format="json")
        assert (r.status_code, r.json()["code"]) == (403, "forbidden"), role
    assert api(gz.member.user).post(url(long_leave["id"], "replacement"), {"cadre": colleague.pk},
                                    format="json").status_code == 403
    # another dispatch unit of the same jurisdiction: the request is out of its scope
    other_unit = f.user_with_role(Role.DISPATCH_UNIT, dispatch_unit=gz.county_unit)
    assert api(other_unit).post(url(long_leave["id"], "replacement"), {"cadre": colleague.pk},
                                format="json").status_code == 404
    neighbour = f.user_with_role(Role.TOWNSHIP_SECRETARY, org_unit=gz.w.township_b)
    assert api(neighbour).post(url(long_leave["id"], "replacement"), {"cadre": colleague.pk},
                         format="json").status_code == 404
    assert api(gz.users[Role.TOWNSHIP_SECRETARY]).get(url(long_leave["id"])).json()["replacement"] is None


def test_ganzhou_art_17_the_dispatch_unit_names_the_replacement_on_the_request_page(api, gz, long_leave, colleague):
    client = Client()
    client.force_login(gz.users[Role.DISPATCH_UNIT])
    page = client.get(f"/leave/{long_leave['id']}/").content.decode()
    assert "安排接替人员" in page and "派出单位尚未安排" in page and "接替丙" in page
    r = client.post(f"/leave/{long_leave['id']}/", {"action": "replacement", "cadre": colleague.pk}, follow=True)
    html = r.content.decode()
    assert "已安排接替丙接替工作" in html and '<strong class="replacement">接替丙</strong>' in html
    # the township secretary sees who it is, but is not offered the action
    secretary = Client()
    secretary.force_login(gz.users[Role.TOWNSHIP_SECRETARY])
    html = secretary.get(f"/leave/{long_leave['id']}/").content.decode()
    assert '<strong class="replacement">接替丙</strong>' in html and 'value="replacement"' not in html


def test_where_a_jurisdictions_row_makes_the_replacement_a_condition_the_final_approval_waits_for_it(
        api, gz, colleague):
    """The reading is data (`holds_approval` on leave.replacement_required): a county whose text says 未安排接替的
    不予批准 sets it true, and the final stage is refused with the article until the dispatch unit names someone."""
    from datetime import date

    from jurisdictions.models import PolicyRow

    seeded = PolicyRow.objects.filter(jurisdiction=gz.w.jurisdiction, key="leave.replacement_required").latest(
        "effective_from")
    PolicyRow.objects.create(jurisdiction=gz.w.jurisdiction, key=seeded.key, rule_ref=seeded.rule_ref,
                             value=seeded.value | {"holds_approval": True}, effective_from=date(2026, 1, 1))
    body = submit(api, gz.member.user, gz.member, 15).json()
    group = api(gz.users[Role.COUNTY_GROUP])
    r = group.post(url(body["id"], "approve"), {}, format="json")
    assert (r.status_code, r.json()["code"], r.json()["rule_ref"], r.json()["overridable"]) == (
        400, "replacement_missing", "ganzhou art.17", False)
    api(gz.users[Role.DISPATCH_UNIT]).post(url(body["id"], "replacement"), {"cadre": colleague.pk}, format="json")
    assert group.post(url(body["id"], "approve"), {}, format="json").json()["status"] == "approved"
