"""Approve, reject, joint stages, filings, 409 on a decided request, cancel and return (销假), attendance."""

from datetime import date, timedelta

from attendance.models import DailyRecord
from jurisdictions.models import AuditEvent, Notification, Role
from leave.models import LeaveRequest

from .helpers import PAST, START, stages, submit


def url(pk, action=""):
    return f"/api/v1/leave-requests/{pk}/{action + '/' if action else ''}"


def test_ganzhou_art_17_township_secretary_approves_a_two_day_leave_and_attendance_shows_it(api, gz):
    body = submit(api, gz.member.user, gz.member, 2).json()
    r = api(gz.users[Role.TOWNSHIP_SECRETARY]).post(url(body["id"], "approve"), {"comment": "同意"}, format="json")
    assert r.status_code == 200, r.json()
    out = r.json()
    assert out["status"] == "approved" and out["approvals"][0]["status"] == "approved"
    assert out["approvals"][0]["comment"] == "同意"
    days = DailyRecord.objects.filter(cadre=gz.member, leave_request_id=body["id"]).order_by("date")
    assert [d.date for d in days] == [START, START + timedelta(days=1)] and {d.status for d in days} == {"leave"}
    actions = list(AuditEvent.objects.filter(object_type="leave.leaverequest", object_id=body["id"])
                   .values_list("action", "actor__username"))
    assert ("leave.submit", "ganzhou_member") in actions and ("leave.approve", "ganzhou_township_secretary") in actions


def test_a_decided_request_answers_409(api, gz):
    body = submit(api, gz.member.user, gz.member, 2).json()
    sec = gz.users[Role.TOWNSHIP_SECRETARY]
    assert api(sec).post(url(body["id"], "approve")).status_code == 200
    again = api(sec).post(url(body["id"], "approve"))
    assert again.status_code == 409 and again.json()["code"] == "already_decided"
    assert api(sec).post(url(body["id"], "reject"), {"comment": "不行"}, format="json").status_code == 409


def test_reject_needs_a_comment_and_ends_the_request(api, gz):
    body = submit(api, gz.member.user, gz.member, 2).json()
    sec = gz.users[Role.TOWNSHIP_SECRETARY]
    assert api(sec).post(url(body["id"], "reject"), {}, format="json").status_code == 400
    r = api(sec).post(url(body["id"], "reject"), {"comment": "村里正忙，请改期"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert not DailyRecord.objects.filter(cadre=gz.member).exists()
    assert Notification.objects.filter(user=gz.member.user, message__contains="未获批准").exists()


def test_fengdu_art_9_joint_approval_needs_both_the_org_dept_and_the_dispatch_unit_in_any_order(api, lw):
    x = lw("fengdu")
    body = submit(api, x.member.user, x.member, 5).json()
    assert stages(body) == [["county_org_dept", "dispatch_unit"]]
    first = api(x.users[Role.DISPATCH_UNIT]).post(url(body["id"], "approve")).json()
    assert first["status"] == "pending"
    assert [a["status"] for a in first["approvals"] if a["role"] == "county_org_dept"] == ["pending"]
    assert api(x.users[Role.DISPATCH_UNIT]).post(url(body["id"], "approve")).status_code == 409
    second = api(x.users[Role.COUNTY_ORG_DEPT]).post(url(body["id"], "approve")).json()
    assert second["status"] == "approved"


def test_linfen_art_9_joint_city_office_and_dispatch_unit_one_rejection_rejects(api, lw):
    x = lw("linfen")
    body = submit(api, x.member.user, x.member, 20).json()
    api(x.users[Role.CITY_OFFICE]).post(url(body["id"], "approve"))
    r = api(x.users[Role.DISPATCH_UNIT]).post(url(body["id"], "reject"), {"comment": "单位工作需要"}, format="json")
    assert r.json()["status"] == "rejected"


def test_fengdu_art_9_short_leave_is_filed_on_approval(api, lw):
    x = lw("fengdu")
    body = submit(api, x.member.user, x.member, 2).json()
    assert body["filings"][0]["filed_at"] is None
    out = api(x.users[Role.TOWNSHIP_SECRETARY]).post(url(body["id"], "approve")).json()
    assert out["filings"][0]["role"] == "county_rr_bureau" and out["filings"][0]["filed_at"]
    assert Notification.objects.filter(user=x.users[Role.COUNTY_RR_BUREAU], message__startswith="备案").exists()
    assert AuditEvent.objects.filter(action="leave.file", object_id=body["id"]).count() == 1


def test_qujiang_art_14_leader_leave_is_filed_with_the_org_dept_and_the_rr_bureau(api, lw):
    x = lw("qujiang")
    body = submit(api, x.leader.user, x.leader, 3).json()
    api(x.users[Role.TOWNSHIP_SECRETARY]).post(url(body["id"], "approve"))
    assert AuditEvent.objects.filter(action="leave.file", object_id=body["id"]).count() == 2
    for role in (Role.COUNTY_ORG_DEPT, Role.COUNTY_RR_BUREAU):
        assert Notification.objects.filter(user=x.users[role], message__startswith="备案").exists()


def test_qujiang_art_14_the_team_leader_approves_a_members_leave(api, lw):
    x = lw("qujiang")
    body = submit(api, x.member.user, x.member, 3).json()
    assert Notification.objects.filter(user=x.leader.user, message__startswith="待审批").exists()
    assert api(x.users[Role.TOWNSHIP_SECRETARY]).post(url(body["id"], "approve")).status_code == 403
    assert api(x.leader.user).post(url(body["id"], "approve")).json()["status"] == "approved"


def test_qujiang_art_14_a_leader_cannot_approve_his_own_leave(api, lw):
    x = lw("qujiang")
    body = submit(api, x.leader.user, x.leader, 3).json()
    assert api(x.leader.user).post(url(body["id"], "approve")).status_code == 403


def test_the_township_clerk_enters_a_request_for_the_cadre(api, gz):
    r = submit(api, gz.users[Role.ATTENDANCE_CLERK], gz.member, 2, channel="phone")
    assert r.status_code == 201 and r.json()["cadre"] == gz.member.pk
    ev = AuditEvent.objects.get(action="leave.submit", object_id=r.json()["id"])
    assert ev.actor == gz.users[Role.ATTENDANCE_CLERK] and ev.data["entered_for_cadre"] is True


def test_the_cadre_cancels_a_pending_request_but_not_a_decided_one(api, gz):
    body = submit(api, gz.member.user, gz.member, 2).json()
    r = api(gz.member.user).post(url(body["id"], "cancel"))
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert {a["status"] for a in r.json()["approvals"]} == {"closed"}
    assert api(gz.users[Role.TOWNSHIP_SECRETARY]).post(url(body["id"], "approve")).status_code == 409
    assert api(gz.member.user).post(url(body["id"], "cancel")).status_code == 409


def test_an_approved_leave_not_yet_started_can_be_withdrawn_and_its_days_are_given_back(api, gz):
    body = submit(api, gz.member.user, gz.member, 2).json()
    api(gz.users[Role.TOWNSHIP_SECRETARY]).post(url(body["id"], "approve"))
    assert DailyRecord.objects.filter(leave_request_id=body["id"]).count() == 2
    r = api(gz.member.user).post(url(body["id"], "cancel"))
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert not DailyRecord.objects.filter(leave_request_id=body["id"]).exists()


def test_an_early_return_gives_days_back_to_attendance(api, gz):
    # by phone: a past start is allowed only for phone/SMS leave (ganzhou art.17)
    body = submit(api, gz.member.user, gz.member, 10, start=PAST, channel="phone").json()
    api(gz.users[Role.COUNTY_GROUP]).post(url(body["id"], "approve"))
    assert DailyRecord.objects.filter(cadre=gz.member, status="leave").count() == 10
    back = (PAST + timedelta(days=5)).isoformat()
    r = api(gz.member.user).post(url(body["id"], "return"), {"returned_on": back}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["returned_on"] == (PAST + timedelta(days=5)).isoformat() and r.json()["actual_days"] == 5
    kept = DailyRecord.objects.filter(cadre=gz.member, status="leave").values_list("date", flat=True)
    assert sorted(kept) == [PAST + timedelta(days=d) for d in range(5)]
    assert api(gz.member.user).post(url(body["id"], "return"), {"returned_on": (PAST + timedelta(days=6)).isoformat()},
                                    format="json").status_code == 409
    assert AuditEvent.objects.filter(action="leave.return", object_id=body["id"]).exists()


def test_return_is_only_for_approved_leave_and_not_before_it_starts(api, gz):
    body = submit(api, gz.member.user, gz.member, 3, start=PAST, channel="sms").json()
    assert api(gz.member.user).post(url(body["id"], "return"), {"returned_on": (PAST + timedelta(days=1)).isoformat()},
                                    format="json").status_code == 409
    api(gz.users[Role.TOWNSHIP_SECRETARY]).post(url(body["id"], "approve"))
    before = (PAST - timedelta(days=1)).isoformat()
    r = api(gz.member.user).post(url(body["id"], "return"), {"returned_on": before}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "return_before_start"


def test_overlapping_requests_end_before_start_and_dates_outside_the_membership_are_400(api, gz):
    first = submit(api, gz.member.user, gz.member, 5)
    assert first.status_code == 201
    overlap = submit(api, gz.member.user, gz.member, 2, start=START + timedelta(days=4))
    assert overlap.status_code == 400 and overlap.json()["code"] == "overlapping_request"
    back = api(gz.member.user).post("/api/v1/leave-requests/", {
        "cadre": gz.member.pk, "kind": "personal", "start_date": (START + timedelta(days=20)).isoformat(),
        "end_date": (START + timedelta(days=19)).isoformat(),
        "reason": "x"}, format="json")
    assert back.status_code == 400 and back.json()["code"] == "end_before_start"
    early = submit(api, gz.member.user, gz.member, 2, start=date(2024, 12, 30))
    assert early.status_code == 400 and early.json()["code"] == "outside_membership"
    assert "detail" in early.json()


def test_a_cancelled_or_given_back_period_can_be_requested_again(api, gz):
    body = submit(api, gz.member.user, gz.member, 5).json()
    api(gz.member.user).post(url(body["id"], "cancel"))
    assert submit(api, gz.member.user, gz.member, 5).status_code == 201


def test_an_approver_with_an_email_gets_one_queued_after_commit(api, gz, django_capture_on_commit_callbacks,
                                                               mailoutbox):
    from leave.tasks import send_leave_email

    with django_capture_on_commit_callbacks() as callbacks:
        body = submit(api, gz.member.user, gz.member, 2).json()
    assert len(callbacks) == 1  # the township secretary has an email
    sec = gz.users[Role.TOWNSHIP_SECRETARY]
    assert send_leave_email.apply(args=(sec.pk, "待审批：队员乙请假", f"/leave/{body['id']}/")).get() == 1
    assert mailoutbox[0].to == [sec.email] and "待审批" in mailoutbox[0].subject


def test_the_request_status_is_stored(api, gz):
    body = submit(api, gz.member.user, gz.member, 2).json()
    assert LeaveRequest.objects.get(pk=body["id"]).route_snapshot["rule_ref"] == "ganzhou art.17"


def test_stages_run_in_order_when_a_policy_row_has_two(api, gz):
    """A jurisdiction admin may add a row with two stages: the second waits until the first is done."""
    from jurisdictions.models import PolicyRow

    from .helpers import START

    PolicyRow.objects.create(jurisdiction=gz.w.jurisdiction, key="leave.route.01_1_3", effective_from=START,
                             rule_ref="ganzhou art.17", value={"applies_to": {}, "min_days": 1, "max_days": 3,
                                                              "stages": [["township_secretary"], ["county_office"]],
                                                              "filings": []})
    body = submit(api, gz.member.user, gz.member, 2).json()
    assert [(a["stage"], a["role"], a["status"]) for a in body["approvals"]] == [
        (1, "township_secretary", "pending"), (2, "county_office", "waiting")]
    office = gz.users[Role.COUNTY_OFFICE]
    assert api(office).post(url(body["id"], "approve")).status_code == 403
    assert not Notification.objects.filter(user=office).exists()
    after_first = api(gz.users[Role.TOWNSHIP_SECRETARY]).post(url(body["id"], "approve")).json()
    assert after_first["status"] == "pending" and after_first["approvals"][1]["status"] == "pending"
    assert Notification.objects.filter(user=office, message__startswith="待审批").exists()
    assert api(office).post(url(body["id"], "approve")).json()["status"] == "approved"


def test_an_approved_official_trip_shows_as_official_business_which_ganzhou_counts_as_present_art_16(api, gz):
    body = submit(api, gz.member.user, gz.member, 2, kind="official").json()
    api(gz.users[Role.TOWNSHIP_SECRETARY]).post(url(body["id"], "approve"), {"comment": "同意"}, format="json")
    days = DailyRecord.objects.filter(cadre=gz.member, leave_request_id=body["id"])
    assert days.count() == 2 and {d.status for d in days} == {"official_business"}


def test_a_request_nobody_can_approve_is_refused_at_submission_instead_of_waiting_forever(api, gz):
    from jurisdictions.models import RoleGrant

    RoleGrant.objects.filter(role=Role.TOWNSHIP_SECRETARY).delete()
    r = submit(api, gz.member.user, gz.member, 2)
    assert (r.status_code, r.json()["code"], r.json()["rule_ref"]) == (400, "no_approver", "ganzhou art.17")
    assert not LeaveRequest.objects.filter(cadre=gz.member).exists()
