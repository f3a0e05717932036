"""The demo walk (issue 9 done-criteria): after `load_demo`, a Fengdu cadre submits a 5-day leave from the page and
the two joint approvers of 丰都 art.9 (县委组织部 and the cadre's own dispatch unit) can log in and approve it."""

from datetime import timedelta

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from jurisdictions.models import DispatchUnit, Role, RoleGrant
from leave.models import LeaveRequest
from teams.models import Cadre

PASSWORD = "demo12345"  # noqa: S105 - the documented demo password


def _login(username):
    client = Client()
    assert client.login(username=username, password=PASSWORD), username
    return client


def test_every_demo_dispatch_unit_with_cadres_has_a_login(db):
    call_command("load_demo", verbosity=0)
    staffed = DispatchUnit.objects.filter(pk__in=Cadre.objects.values("dispatch_unit_id"))
    with_login = set(RoleGrant.objects.filter(role=Role.DISPATCH_UNIT).values_list("dispatch_unit_id", flat=True))
    assert staffed.exists() and set(staffed.values_list("pk", flat=True)) <= with_login


def test_fengdu_art_9_the_demo_cadre_submits_a_5_day_leave_and_both_joint_approvers_approve_it(db):
    call_command("load_demo", verbosity=0)
    start = timezone.localdate() + timedelta(days=3)
    cadre_page = _login("fengdu_cadre")
    r = cadre_page.post("/leave/new/", {"cadre": Cadre.objects.get(user__username="fengdu_cadre").pk,
                                        "kind": "personal", "channel": "written", "start_date": start.isoformat(),
                                        "end_date": (start + timedelta(days=4)).isoformat(), "reason": "家中有事"},
                        follow=True)
    html = r.content.decode()
    assert "已提交" in html and "尚无审批人账号" not in html
    request = LeaveRequest.objects.get(cadre__user__username="fengdu_cadre")
    assert (request.days, request.status, request.rule_ref) == (5, "pending", "fengdu art.9")
    assert sorted(request.approvals.values_list("role", flat=True)) == ["county_org_dept", "dispatch_unit"]
    unit_login = RoleGrant.objects.get(role=Role.DISPATCH_UNIT, dispatch_unit=request.cadre.dispatch_unit).user
    for username in ("fengdu_orgdept", unit_login.username):
        approver = _login(username)
        assert f'id="leave-row-{request.pk}"' in approver.get("/leave/inbox/").content.decode()
        approver.post(f"/leave/{request.pk}/decide/", {"decision": "approve", "comment": "同意"})
    request.refresh_from_db()
    assert request.status == "approved"
