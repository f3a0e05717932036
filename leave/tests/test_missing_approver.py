"""A request nobody can approve is refused at submission: the refusal names the missing approver in Chinese and
the jurisdiction admins are told, once per missing account (丰都 art.9: over 3 days, 县委组织部 and the dispatch unit
approve jointly)."""

from datetime import timedelta

from django.test import Client

from jurisdictions.models import Notification, Role, RoleGrant
from leave.models import LeaveRequest
from tests import factories as f

from .helpers import START, submit


def _fengdu_without_unit_account(lw):
    fw = lw("fengdu")
    RoleGrant.objects.filter(role=Role.DISPATCH_UNIT, dispatch_unit=fw.w.dispatch_unit).delete()
    return fw


def test_fengdu_art_9_a_5_day_leave_whose_dispatch_unit_has_no_account_names_the_unit_and_the_admins_are_told(
        api, lw):
    fw = _fengdu_without_unit_account(lw)
    admins = [f.user_with_role(Role.JURISDICTION_ADMIN, jurisdiction=fw.w.jurisdiction) for _ in range(2)]
    r = submit(api, fw.member.user, fw.member, 5)
    body = r.json()
    assert (r.status_code, body["code"], body["rule_ref"]) == (400, "no_approver", "fengdu art.9")
    unit = f"派出单位（{fw.w.dispatch_unit.name}）"
    assert unit in body["detail"] and "县委组织部和派出单位共同审批" in body["detail"]
    assert "已通知辖区管理员" in body["detail"]
    assert body["errors"]["missing_roles"] == [{"role": "dispatch_unit", "label": unit}]
    assert not LeaveRequest.objects.filter(cadre=fw.member).exists()
    for admin in admins:
        notice = Notification.objects.get(user=admin)
        assert unit in notice.message and "丰都县文件第9条" in notice.message


def test_the_admins_are_told_once_per_missing_account_not_at_every_attempt(api, lw):
    fw = _fengdu_without_unit_account(lw)
    admin = f.user_with_role(Role.JURISDICTION_ADMIN, jurisdiction=fw.w.jurisdiction)
    for _ in range(3):
        assert submit(api, fw.member.user, fw.member, 5).status_code == 400
    assert Notification.objects.filter(user=admin).count() == 1
    # another cadre of the same unit hits the same cause: still one notice
    other = submit(api, fw.leader.user, fw.leader, 5)
    assert other.status_code == 400 and Notification.objects.filter(user=admin).count() == 1
    # no admin in another jurisdiction hears of it
    assert not Notification.objects.exclude(user=admin).filter(message__startswith="请开通审批人账号").exists()


def test_without_any_jurisdiction_admin_the_refusal_says_to_contact_one_instead_of_claiming_they_were_told(api, lw):
    fw = _fengdu_without_unit_account(lw)
    RoleGrant.objects.filter(role=Role.JURISDICTION_ADMIN, jurisdiction=fw.w.jurisdiction).delete()
    body = submit(api, fw.member.user, fw.member, 5).json()
    assert "请联系辖区管理员" in body["detail"] and "已通知" not in body["detail"]


def test_the_leave_form_shows_the_cadre_which_approver_is_missing_and_that_the_admin_was_told(api, lw):
    fw = _fengdu_without_unit_account(lw)
    f.user_with_role(Role.JURISDICTION_ADMIN, jurisdiction=fw.w.jurisdiction)
    client = Client()
    client.force_login(fw.member.user)
    page = client.post("/leave/new/", {"cadre": fw.member.pk, "kind": "personal", "channel": "written",
                                       "start_date": START.isoformat(),
                                       "end_date": (START + timedelta(days=4)).isoformat(), "reason": "家中有事"},
                       follow=True).content.decode()
    assert f"派出单位（{fw.w.dispatch_unit.name}）在系统中尚无审批人账号" in page
    assert "系统已通知辖区管理员开通账号" in page
