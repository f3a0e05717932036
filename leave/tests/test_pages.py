"""The township's inbox in the browser (server side): list, approve/reject in place with htmx, history, form."""

from datetime import date, timedelta

import pytest
from django.test import Client

from jurisdictions.models import Notification, Role
from tests import factories as f

from .helpers import PAST, START, submit


def login(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_inbox_lists_the_secretarys_pending_request_with_the_rule_and_the_cadres_month(api, gz):
    body = submit(api, gz.member.user, gz.member, 2).json()
    page = login(gz.users[Role.TOWNSHIP_SECRETARY]).get("/leave/inbox/").content.decode()
    assert f'id="leave-row-{body["id"]}"' in page and "队员乙" in page and "赣州市文件第17条" in page
    assert "本月考勤" in page and "同意" in page
    assert "暂无待审批" in login(gz.users[Role.COUNTY_OFFICE]).get("/leave/inbox/").content.decode()


def test_approving_in_place_with_htmx_answers_the_row(api, gz):
    body = submit(api, gz.member.user, gz.member, 2).json()
    r = login(gz.users[Role.TOWNSHIP_SECRETARY]).post(f"/leave/{body['id']}/decide/",
                                                      {"decision": "approve", "comment": "同意"},
                                                      HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    html = r.content.decode()
    assert html.lstrip().startswith(f'<tr id="leave-row-{body["id"]}"') and "已批准" in html
    assert api(gz.member.user).get(f"/api/v1/leave-requests/{body['id']}/").json()["status"] == "approved"


def test_rejecting_without_a_comment_shows_the_error_in_the_row(api, gz):
    body = submit(api, gz.member.user, gz.member, 2).json()
    r = login(gz.users[Role.TOWNSHIP_SECRETARY]).post(f"/leave/{body['id']}/decide/", {"decision": "reject"},
                                                      HTTP_HX_REQUEST="true")
    assert "不同意时请填写意见" in r.content.decode()


def test_deciding_out_of_scope_is_404_and_wrong_role_shows_an_error(api, gz, charlie):
    body = submit(api, gz.member.user, gz.member, 2).json()
    bob = f.UserFactory(username="bob_page", jurisdiction=gz.w.jurisdiction)
    f.grant(bob, Role.TOWNSHIP_SECRETARY, org_unit=gz.w.township_b)
    for outsider in (bob, charlie):
        assert login(outsider).post(f"/leave/{body['id']}/decide/", {"decision": "approve"}).status_code == 404
        assert login(outsider).get(f"/leave/{body['id']}/").status_code == 404
        assert login(outsider).get(f"/leave/cadres/{gz.member.pk}/").status_code == 404
    r = login(gz.users[Role.COUNTY_OFFICE]).post(f"/leave/{body['id']}/decide/", {"decision": "approve"},
                                                 HTTP_HX_REQUEST="true")
    assert "不是该请假申请的审批人" in r.content.decode()


def test_the_fengdu_form_says_cadres_in_principle_take_no_leave(lw):
    """fengdu art.9: 派驻人员原则上不请假 is shown on the form."""
    x = lw("fengdu")
    page = login(x.member.user).get("/leave/new/").content.decode()
    assert "派驻人员原则上不请假" in page and "fengdu art.9" in page
    assert "原则上不请假" not in login(lw("ganzhou").member.user).get("/leave/new/").content.decode()


def test_the_cadre_submits_through_the_form(gz):
    r = login(gz.member.user).post("/leave/new/", {"cadre": gz.member.pk, "kind": "sick", "channel": "written",
                                                   "start_date": START.isoformat(),
                                                   "end_date": (START + timedelta(days=2)).isoformat(),
                                                   "reason": "感冒"})
    assert r.status_code == 302
    assert Notification.objects.filter(user=gz.users[Role.TOWNSHIP_SECRETARY], message__contains="待审批").exists()


def test_a_default_route_is_marked_on_the_page(api, lw):
    x = lw("xinfeng")
    submit(api, x.member.user, x.member, 2)
    page = login(x.leader.user).get("/leave/inbox/").content.decode()
    assert "新丰县：文件未规定，系统默认" in page and "默认规则（文件未规定）" in page


def test_history_and_detail_show_who_did_what(api, gz):
    body = submit(api, gz.member.user, gz.member, 3, start=PAST, channel="phone").json()
    api(gz.users[Role.TOWNSHIP_SECRETARY]).post(f"/api/v1/leave-requests/{body['id']}/approve/")
    c = login(gz.member.user)
    assert c.post(f"/leave/{body['id']}/", {"action": "return",
                                           "returned_on": (PAST + timedelta(days=2)).isoformat()}).status_code == 302
    detail = c.get(f"/leave/{body['id']}/").content.decode()
    assert f"{PAST + timedelta(days=2):%Y-%m-%d} 返岗" in detail and "实际请假 2 天" in detail and "销假" in detail
    history = login(gz.users[Role.TOWNSHIP_SECRETARY]).get(f"/leave/cadres/{gz.member.pk}/").content.decode()
    assert "已批准请假合计 2 天" in history


@pytest.mark.parametrize("n", [1, 4])
def test_the_cadre_history_page_takes_a_fixed_number_of_queries(api, gz, django_assert_num_queries, n):
    for i in range(n):
        submit(api, gz.member.user, gz.member, 1, start=START + timedelta(days=3 * i))
    client = login(gz.users[Role.TOWNSHIP_SECRETARY])
    client.get(f"/leave/cadres/{gz.member.pk}/")
    # session, user, role grants, caller's cadre, the cadre (access), count, page, approvals, filings,
    # approved days, unread notifications (top bar)
    with django_assert_num_queries(11):
        r = client.get(f"/leave/cadres/{gz.member.pk}/")
    assert r.content.decode().count("详情") == n


@pytest.mark.parametrize("n", [1, 5])
def test_the_inbox_page_takes_a_fixed_number_of_queries(api, gz, django_assert_num_queries, n):
    for i in range(n):
        cadre = f.CadreFactory(jurisdiction=gz.w.jurisdiction, dispatch_unit=gz.w.dispatch_unit)
        f.MembershipFactory(team=gz.w.team_a, cadre=cadre, start_date=date(2025, 1, 1))
        cadre.user = f.UserFactory(username=f"p{i}", jurisdiction=gz.w.jurisdiction)
        cadre.save()
        submit(api, cadre.user, cadre, 2)
    client = login(gz.users[Role.TOWNSHIP_SECRETARY])
    client.get("/leave/inbox/")  # warm the session
    # session, user, role grants, caller's cadre, count, page, approvals, filings, month attendance,
    # unread notifications (top bar), personnel cases waiting for the caller (issue 11: one inbox)
    with django_assert_num_queries(11):
        r = client.get("/leave/inbox/")
    assert r.content.decode().count('id="leave-row-') == n


def test_the_township_clerk_enters_a_phone_request_through_the_form(gz):
    clerk = login(gz.users[Role.ATTENDANCE_CLERK])
    page = clerk.get("/leave/new/").content.decode()
    assert "队员乙" in page and "队长甲" in page
    r = clerk.post("/leave/new/", {"cadre": gz.member.pk, "kind": "personal", "channel": "phone",
                                   "start_date": START.isoformat(), "end_date": START.isoformat(), "reason": "急事"})
    assert r.status_code == 302
    detail = clerk.get(r.url).content.decode()
    assert "待补书面手续" in detail and "赣州市文件第17条" in detail
