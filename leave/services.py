"""Every write on leave requests: submit, approve, reject, cancel, return (销假), file the written form.

Routing comes from the policy rows (`leave.rules.route_leave`), never from code per jurisdiction. Decisions lock
the request row, so two approvers clicking at once decide it once.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from attendance.models import Status as AttendanceStatus
from attendance.services import records_mark_leave, records_release_leave
from jurisdictions.approvals import approve_in_stage
from jurisdictions.audit import audit_record
from jurisdictions.errors import InvalidInput, NotPermitted, RuleViolation, StateConflict
from jurisdictions.models import Role
from jurisdictions.policy import policy_in_force
from jurisdictions.scoping import scope_for
from jurisdictions.services import notify
from teams.models import Cadre, Membership
from teams.selectors import access_cadre

from . import rules
from .models import LeaveApproval, LeaveFiling, LeaveRequest
from .selectors import approver_users, may_act_as


def _role_label(leave_request: LeaveRequest, role: str) -> str:
    """区委组织部 / 县委组织部 / 县（市、区）委组织部, after the jurisdiction's level (rules.role_label)."""
    return rules.role_label(role, leave_request.jurisdiction.level)


# Who may enter a request or record a return for a cadre, besides the cadre: the township's attendance clerk.
CLERK_ROLES = (Role.ATTENDANCE_CLERK,)
# Who may record the return (销假) or the written form: also the township secretary and the team leader.
KEEPER_ROLES = (Role.ATTENDANCE_CLERK, Role.TOWNSHIP_SECRETARY)


def request_link(leave_request: LeaveRequest) -> str:
    return f"/leave/{leave_request.pk}/"


def _is_own(actor, cadre: Cadre) -> bool:
    return cadre.user_id is not None and cadre.user_id == actor.pk


def _holds_any(actor, roles, *, jurisdiction_id, org_path, dispatch_unit_id=None) -> bool:
    scope = scope_for(actor)
    return scope.holds_any(roles, jurisdiction_id=jurisdiction_id, org_path=org_path,
                           dispatch_unit_id=dispatch_unit_id)


def _notify_role(leave_request: LeaveRequest, role: str, message: str) -> int:
    """In-portal notice to everyone holding `role` for the request, and an email (queued after commit)."""
    from .tasks import send_leave_email

    users = approver_users(request=leave_request, role=role)
    link = request_link(leave_request)
    for user in users:
        notify(user=user, message=message, link=link)
        if user.email:
            transaction.on_commit(lambda uid=user.pk: send_leave_email.delay(uid, message, link))
    return len(users)


def _approver_place(leave_request: LeaveRequest, role: str) -> str:
    """The approver as an admin would look for it: 派出单位（县财政局）, 甲镇乡镇党委书记, 甲村驻村工作队队长."""
    label = _role_label(leave_request, role)
    if role == Role.DISPATCH_UNIT:
        return f"{label}（{leave_request.cadre.dispatch_unit.name}）"
    if role in (Role.TOWNSHIP_SECRETARY, Role.ATTENDANCE_CLERK):
        return f"{leave_request.township.name}{label}"
    if role == Role.TEAM_LEADER:
        return f"{leave_request.team.name}{label}"
    return label


# ---- submit ---------------------------------------------------------------------------------------------------

class NoApprover(InvalidInput):
    """A request whose first stage has a role nobody holds: refused at submission (it would wait forever)."""

    code = "no_approver"

    def __init__(self, detail: str, *, missing: list[dict], jurisdiction_id: int, rule_ref: str):
        super().__init__(detail, rule_ref=rule_ref, errors={"missing_roles": missing})
        self.missing = missing
        self.jurisdiction_id = jurisdiction_id


def leave_request_submit(*, actor, cadre: Cadre, kind: str, start_date: date, end_date: date, reason: str,
                         channel: str = LeaveRequest.Channel.WRITTEN) -> LeaveRequest:
    """Submit a request (one transaction). When nobody holds a first-stage approver role the request is refused
    and, in a transaction of their own (the refused one rolls back), the jurisdiction admins are told which
    account is missing: once per missing account while their notice is unread."""
    try:
        return _leave_request_submit(actor=actor, cadre=cadre, kind=kind, start_date=start_date,
                                     end_date=end_date, reason=reason, channel=channel)
    except NoApprover as refused:
        notified = _notify_admins_missing_approver(refused)
        if notified:
            refused.detail += "系统已通知辖区管理员开通账号，开通后请重新提交。"
        else:
            refused.detail += "请联系辖区管理员开通账号后重新提交。"
        refused.args = (refused.detail,)
        raise


@transaction.atomic
def _notify_admins_missing_approver(refused: NoApprover) -> int:
    """One notice per admin and missing account (not repeated while unread). Returns how many admins there are."""
    from jurisdictions.models import Notification, RoleGrant
    from jurisdictions.templatetags.portal import rule_label

    admins = {g.user_id: g.user for g in RoleGrant.objects.filter(
        role=Role.JURISDICTION_ADMIN, jurisdiction_id=refused.jurisdiction_id).select_related("user")}
    for m in refused.missing:
        message = (f"请开通审批人账号：{m['label']}尚无账号，相关干部的请假无法提交"
                   f"（{rule_label(refused.rule_ref)}）")[:255]
        already = set(Notification.objects.filter(user_id__in=admins, message=message, read_at__isnull=True)
                      .values_list("user_id", flat=True))
        for user_id, user in admins.items():
            if user_id not in already:
                notify(user=user, message=message)
    return len(admins)


@transaction.atomic
def _leave_request_submit(*, actor, cadre: Cadre, kind: str, start_date: date, end_date: date, reason: str,
                          channel: str) -> LeaveRequest:
    # lock the cadre so two submissions for the same days cannot both pass the overlap check
    cadre = Cadre.objects.select_for_update().select_related("dispatch_unit").get(pk=cadre.pk)
    membership = (Membership.objects.filter(cadre=cadre, end_date__isnull=True)
                  .select_related("team", "team__host_unit", "team__host_unit__parent").first())
    if membership is None:
        raise InvalidInput("该干部当前没有驻村任职，不能请假。", code="no_membership")
    team = membership.team
    township = team.township
    if not _is_own(actor, cadre) and not _holds_any(actor, CLERK_ROLES, jurisdiction_id=cadre.jurisdiction_id,
                                                    org_path=township.path):
        raise NotPermitted("只有干部本人或所在乡镇考勤员可以提交请假申请。")
    if kind not in LeaveRequest.Kind.values:
        raise InvalidInput("请假类型不正确。", code="bad_kind")
    if channel not in LeaveRequest.Channel.values:
        raise InvalidInput("请假方式不正确。", code="bad_channel")
    if not (reason or "").strip():
        raise InvalidInput("请填写请假事由。", code="reason_required")
    if end_date < start_date:
        raise InvalidInput("结束日期不能早于开始日期。", code="end_before_start")
    if start_date < membership.start_date:
        raise InvalidInput(f"请假日期早于到岗日期（{membership.start_date}）。", code="outside_membership")
    if membership.planned_end and end_date > membership.planned_end:
        raise InvalidInput(f"请假日期超出任期（至{membership.planned_end}）。", code="outside_membership")
    overlapping = [r for r in LeaveRequest.objects.filter(
        cadre=cadre, status__in=[LeaveRequest.Status.PENDING, LeaveRequest.Status.APPROVED],
        start_date__lte=end_date, end_date__gte=start_date) if r.leave_end >= start_date]
    if overlapping:
        other = overlapping[0]
        raise InvalidInput(f"与已有请假（{other.start_date}至{other.leave_end}，"
                           f"{other.get_status_display()}）日期重叠。", code="overlapping_request",
                           errors={"overlaps": [r.pk for r in overlapping]})

    today = timezone.localdate()
    policy = policy_in_force(cadre.jurisdiction, start_date)
    late = rules.late_request(policy, start=start_date, today=today, channel=channel)
    if late is not None:
        raise RuleViolation("须提前请假：书面请假的开始日期不能早于今天（特殊情况可电话、短信请假后补办书面手续）。",
                            code="not_in_advance", rule_ref=late.rule_ref, overridable=False)
    days = rules.leave_days(start_date, end_date)
    is_leader = membership.role == Membership.Role.LEADER
    routing = rules.route_leave(policy, days=days, is_leader=is_leader, dispatch_level=cadre.dispatch_level,
                                channel=channel)
    if routing is None:
        raise InvalidInput("本辖区政策表中没有适用于该请假的审批规则，请联系辖区管理员。", code="no_route")
    snapshot = routing.route.as_dict() | {"key": routing.route.key, "notices": routing.notices,
                                          "rows": policy.snapshot(routing.keys)}
    leave_request = LeaveRequest.objects.create(
        jurisdiction_id=cadre.jurisdiction_id, cadre=cadre, team=team, township=township, cadre_is_leader=is_leader,
        kind=kind, channel=channel, start_date=start_date, end_date=end_date, days=days, reason=reason.strip(),
        route_key=routing.route.key, rule_ref=routing.route.rule_ref, route_is_default=routing.route.is_default,
        route_snapshot=snapshot,
        replacement_required=routing.replacement is not None,
        replacement_rule_ref=routing.replacement.rule_ref if routing.replacement else "",
        written_followup_due=rules.followup_due(today, routing.followup_days) if routing.followup else None,
        followup_rule_ref=routing.followup.rule_ref if routing.followup else "",
        submitted_by=actor,
    )
    LeaveApproval.objects.bulk_create([
        LeaveApproval(request=leave_request, stage=n, role=role,
                      status=LeaveApproval.Status.PENDING if n == 1 else LeaveApproval.Status.WAITING)
        for n, stage in enumerate(routing.stages, start=1) for role in stage
    ])
    LeaveFiling.objects.bulk_create([LeaveFiling(request=leave_request, role=role, rule_ref=routing.route.rule_ref)
                                     for role in routing.filings])
    audit_record(actor=actor, action="leave.submit", obj=leave_request,
                 summary=f"{cadre.name}申请{leave_request.get_kind_display()}{days}天（{start_date}至{end_date}）",
                 data={"route": routing.route.key, "rule_ref": routing.route.rule_ref, "channel": channel,
                       "stages": routing.stages, "filings": routing.filings,
                       "entered_for_cadre": not _is_own(actor, cadre)})
    first_stage = routing.stages[0] if routing.stages else []
    unstaffed = [role for role in first_stage if not approver_users(request=leave_request, role=role)]
    if unstaffed:  # a request nobody can approve would wait forever: refuse it now (the transaction rolls back)
        level = cadre.jurisdiction.level
        stage_names = "和".join(rules.role_label(r, level) for r in first_stage)
        missing = [{"role": r, "label": _approver_place(leave_request, r)} for r in unstaffed]
        names = "、".join(m["label"] for m in missing)
        raise NoApprover(f"该请假应由{stage_names}{'共同' if len(first_stage) > 1 else ''}审批，"
                         f"但{names}在系统中尚无审批人账号。", missing=missing,
                         jurisdiction_id=cadre.jurisdiction_id, rule_ref=routing.route.rule_ref)
    for role in first_stage:
        _notify_role(leave_request, role, f"待审批：{cadre.name}申请{leave_request.get_kind_display()}{days}天"
                                          f"（{start_date}至{end_date}）")
    if leave_request.replacement_required:
        _notify_role(leave_request, Role.DISPATCH_UNIT,
                     f"须安排接替：{cadre.name}请假{days}天（{start_date}至{end_date}），请派出单位安排接替人员")
    return leave_request


# ---- decide ---------------------------------------------------------------------------------------------------

def _actionable(actor, leave_request: LeaveRequest, approvals) -> LeaveApproval:
    """The pending approval this actor decides. 403 when the actor holds none of the request's approver roles,
    409 when the request (or the actor's part of it) is already decided."""
    scope = scope_for(actor)
    mine = [a for a in approvals if may_act_as(scope, a.role, leave_request)]
    if not mine:
        raise NotPermitted("您不是该请假申请的审批人。")
    if leave_request.status != LeaveRequest.Status.PENDING:
        raise StateConflict(f"该请假申请当前状态为“{leave_request.get_status_display()}”，不能再审批。",
                            code="already_decided")
    if not scope.is_superuser and any(a.decided_by_id == actor.pk for a in approvals):
        raise StateConflict("您已审批过该申请；联合审批须由各审批单位分别审批。", code="already_decided")
    pending = [a for a in mine if a.status == LeaveApproval.Status.PENDING]
    if pending:
        return pending[0]
    if any(a.status == LeaveApproval.Status.APPROVED for a in mine):
        raise StateConflict("您所在单位已审批过该申请。", code="already_decided")
    raise NotPermitted("该申请尚未进入您的审批环节。")


def _finish_approved(actor, leave_request: LeaveRequest) -> None:
    now = timezone.now()
    leave_request.status = LeaveRequest.Status.APPROVED
    leave_request.decided_at = now
    leave_request.save(update_fields=["status", "decided_at"])
    # an official trip is not leave: it shows as official business, present where the policy counts it
    records_mark_leave(actor=actor, cadre=leave_request.cadre, township=leave_request.township,
                       start=leave_request.start_date, end=leave_request.end_date, leave_request_id=leave_request.pk,
                       status=AttendanceStatus.OFFICIAL_BUSINESS if leave_request.kind == LeaveRequest.Kind.OFFICIAL
                       else AttendanceStatus.LEAVE)
    for filing in leave_request.filings.all():
        filing.filed_at = now
        filing.save(update_fields=["filed_at"])
        _notify_role(leave_request, filing.role,
                     f"备案：{leave_request.cadre.name}{leave_request.get_kind_display()}{leave_request.days}天"
                     f"（{leave_request.start_date}至{leave_request.end_date}）已批准")
        audit_record(actor=actor, action="leave.file", obj=leave_request,
                     summary=f"报{_role_label(leave_request, filing.role)}备案",
                     data={"role": filing.role, "rule_ref": filing.rule_ref})
    if leave_request.cadre.user_id:
        notify(user=leave_request.cadre.user, link=request_link(leave_request),
               message=f"您的请假（{leave_request.start_date}至{leave_request.end_date}）已批准")


@transaction.atomic
def leave_request_approve(*, actor, leave_request_id: int, comment: str = "") -> LeaveRequest:
    leave_request = LeaveRequest.objects.select_for_update(of=("self",)).select_related(
        "cadre", "cadre__dispatch_unit", "township", "team", "jurisdiction").get(pk=leave_request_id)
    approvals = list(leave_request.approvals.order_by("stage", "id"))
    approval = _actionable(actor, leave_request, approvals)
    final = not any(a.status == LeaveApproval.Status.WAITING or a.status == LeaveApproval.Status.PENDING
                    and a.pk != approval.pk for a in approvals)
    held_by = rules.replacement_holds_approval(leave_request.route_snapshot)
    if final and leave_request.replacement_required and leave_request.replacement_id is None and held_by:
        raise RuleViolation("请假15天（含）以上须由派出单位先安排接替人员，方可批准。", code="replacement_missing",
                            rule_ref=held_by, overridable=False)
    opened = approve_in_stage(approval=approval, approvals=approvals, actor=actor, comment=comment)
    audit_record(actor=actor, action="leave.approve", obj=leave_request,
                 summary=f"{_role_label(leave_request, approval.role)}同意（第{approval.stage}环节）",
                 data={"approval": approval.pk, "role": approval.role, "stage": approval.stage, "comment": comment})
    for a in opened or []:
        _notify_role(leave_request, a.role, f"待审批：{leave_request.cadre.name}请假{leave_request.days}天")
    if opened is None:
        _finish_approved(actor, leave_request)
    return leave_request


@transaction.atomic
def leave_request_reject(*, actor, leave_request_id: int, comment: str) -> LeaveRequest:
    if not (comment or "").strip():
        raise InvalidInput("不同意时请填写意见。", code="comment_required")
    leave_request = LeaveRequest.objects.select_for_update(of=("self",)).select_related(
        "cadre", "cadre__dispatch_unit", "township", "team", "jurisdiction").get(pk=leave_request_id)
    approvals = list(leave_request.approvals.order_by("stage", "id"))
    approval = _actionable(actor, leave_request, approvals)
    now = timezone.now()
    approval.status = LeaveApproval.Status.REJECTED
    approval.decided_by = actor
    approval.decided_at = now
    approval.comment = comment.strip()
    approval.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    leave_request.approvals.filter(status__in=[LeaveApproval.Status.PENDING, LeaveApproval.Status.WAITING]).update(
        status=LeaveApproval.Status.CLOSED)
    leave_request.status = LeaveRequest.Status.REJECTED
    leave_request.decided_at = now
    leave_request.save(update_fields=["status", "decided_at"])
    audit_record(actor=actor, action="leave.reject", obj=leave_request,
                 summary=f"{_role_label(leave_request, approval.role)}不同意：{comment.strip()}",
                 data={"approval": approval.pk, "role": approval.role, "stage": approval.stage, "comment": comment})
    if leave_request.cadre.user_id:
        notify(user=leave_request.cadre.user, link=request_link(leave_request),
               message=f"您的请假（{leave_request.start_date}至{leave_request.end_date}）未获批准：{comment.strip()}")
    return leave_request


# ---- replacement (赣州 art.17) ----------------------------------------------------------------------------------

@transaction.atomic
def leave_request_name_replacement(*, actor, leave_request_id: int, cadre_id: int) -> LeaveRequest:
    """派出单位安排接替人员 (赣州 art.17 请假15天（含）以上): the requester's dispatch unit names the cadre who
    takes over the work; the request shows who it is. It may be named again (the audit keeps the earlier one).
    Approval does not wait for it: the article puts the duty on the dispatch unit, not on the approvers."""
    leave_request = LeaveRequest.objects.select_for_update(of=("self",)).select_related(
        "cadre", "cadre__dispatch_unit", "township", "replacement").get(pk=leave_request_id)
    if not scope_for(actor).holds(Role.DISPATCH_UNIT, jurisdiction_id=leave_request.jurisdiction_id,
                                  dispatch_unit_id=leave_request.cadre.dispatch_unit_id):
        raise NotPermitted("只有该干部的派出单位可以安排接替人员。")
    cadre = access_cadre(user=actor, cadre_id=cadre_id)  # a cadre the unit cannot see is a 404
    if not leave_request.replacement_required:
        raise StateConflict("该请假无须安排接替人员。", code="no_replacement_required")
    if leave_request.status not in (LeaveRequest.Status.PENDING, LeaveRequest.Status.APPROVED) \
            or leave_request.returned_on is not None:
        raise StateConflict(f"该请假申请当前状态为“{leave_request.get_status_display()}”"
                            f"{'（已销假）' if leave_request.returned_on else ''}，不能再安排接替人员。",
                            code="not_open")
    if cadre.jurisdiction_id != leave_request.jurisdiction_id:
        raise InvalidInput("接替人员须为本辖区的干部。", code="replacement_other_jurisdiction",
                           rule_ref=leave_request.replacement_rule_ref)
    if cadre.pk == leave_request.cadre_id:
        raise InvalidInput("接替人员不能是请假干部本人。", code="replacement_is_requester",
                           rule_ref=leave_request.replacement_rule_ref)
    previous = leave_request.replacement
    leave_request.replacement = cadre
    leave_request.replacement_named_by = actor
    leave_request.replacement_named_at = timezone.now()
    leave_request.save(update_fields=["replacement", "replacement_named_by", "replacement_named_at"])
    audit_record(actor=actor, action="leave.replacement", obj=leave_request,
                 summary=f"派出单位安排{cadre.name}接替{leave_request.cadre.name}的工作"
                         + (f"（原为{previous.name}）" if previous and previous.pk != cadre.pk else ""),
                 data={"replacement": cadre.pk, "previous": previous.pk if previous else None,
                       "rule_ref": leave_request.replacement_rule_ref})
    if leave_request.cadre.user_id:
        notify(user=leave_request.cadre.user, link=request_link(leave_request),
               message=f"派出单位已安排{cadre.name}在您请假期间接替工作")
    return leave_request


# ---- cancel, return, written form -----------------------------------------------------------------------------

def _require_keeper(actor, leave_request: LeaveRequest, *, roles=KEEPER_ROLES, leader: bool = True) -> None:
    if _is_own(actor, leave_request.cadre):
        return
    scope = scope_for(actor)
    if leader and leave_request.team_id in scope.led_team_ids:
        return
    if scope.holds_any(roles, jurisdiction_id=leave_request.jurisdiction_id, org_path=leave_request.township.path):
        return
    raise NotPermitted("只有干部本人、队长或所在乡镇可以办理此操作。")


@transaction.atomic
def leave_request_cancel(*, actor, leave_request_id: int) -> LeaveRequest:
    """撤回: a pending request, or an approved one that has not started yet (its days are given back)."""
    leave_request = LeaveRequest.objects.select_for_update(of=("self",)).select_related(
        "cadre", "township").get(pk=leave_request_id)
    _require_keeper(actor, leave_request, roles=CLERK_ROLES, leader=False)
    not_started = leave_request.status == LeaveRequest.Status.APPROVED and \
        leave_request.start_date > timezone.localdate()
    if leave_request.status != LeaveRequest.Status.PENDING and not not_started:
        raise StateConflict(f"该请假申请当前状态为“{leave_request.get_status_display()}”，"
                            "只能撤回待审批或尚未开始的申请；已开始的请假请在返岗时销假。", code="not_cancellable")
    if not_started:
        records_release_leave(actor=actor, cadre=leave_request.cadre, start=leave_request.start_date,
                              end=leave_request.end_date, leave_request_id=leave_request.pk)
    leave_request.status = LeaveRequest.Status.CANCELLED
    leave_request.decided_at = timezone.now()
    leave_request.save(update_fields=["status", "decided_at"])
    leave_request.approvals.filter(status__in=[LeaveApproval.Status.PENDING, LeaveApproval.Status.WAITING]).update(
        status=LeaveApproval.Status.CLOSED)
    audit_record(actor=actor, action="leave.cancel", obj=leave_request,
                 summary=f"{leave_request.cadre.name}撤回请假申请")
    return leave_request


@transaction.atomic
def leave_request_return(*, actor, leave_request_id: int, returned_on: date) -> LeaveRequest:
    """销假: the actual return date is recorded; days given back become ordinary days again."""
    leave_request = LeaveRequest.objects.select_for_update(of=("self",)).select_related(
        "cadre", "township").get(pk=leave_request_id)
    _require_keeper(actor, leave_request)
    if leave_request.status != LeaveRequest.Status.APPROVED:
        raise StateConflict("只有已批准的请假可以销假。", code="not_approved")
    if leave_request.returned_on is not None:
        raise StateConflict(f"已于{leave_request.returned_on}销假。", code="already_returned")
    if returned_on < leave_request.start_date:
        raise InvalidInput("返岗日期不能早于请假开始日期。", code="return_before_start")
    if returned_on > timezone.localdate():
        raise InvalidInput("返岗日期不能晚于今天。", code="return_in_future")
    leave_request.returned_on = returned_on
    leave_request.returned_recorded_by = actor
    leave_request.save(update_fields=["returned_on", "returned_recorded_by"])
    released = 0
    if returned_on <= leave_request.end_date and leave_request.kind != LeaveRequest.Kind.OFFICIAL:
        released = records_release_leave(actor=actor, cadre=leave_request.cadre, start=returned_on,
                                         end=leave_request.end_date, leave_request_id=leave_request.pk)
    audit_record(actor=actor, action="leave.return", obj=leave_request,
                 summary=f"{leave_request.cadre.name}销假，{returned_on}返岗（实际{leave_request.actual_days}天）",
                 data={"returned_on": returned_on.isoformat(), "released_days": released,
                       "late": returned_on > leave_request.end_date})
    return leave_request


@transaction.atomic
def leave_request_file_written_form(*, actor, leave_request_id: int) -> LeaveRequest:
    """补办书面请假手续 after phone/SMS leave (赣州 art.17): clears the follow-up flag."""
    leave_request = LeaveRequest.objects.select_for_update(of=("self",)).select_related(
        "cadre", "cadre__dispatch_unit", "township").get(pk=leave_request_id)
    scope = scope_for(actor)
    approver = any(may_act_as(scope, a.role, leave_request) for a in leave_request.approvals.all())
    if not approver:
        _require_keeper(actor, leave_request)
    if not leave_request.followup_rule_ref:
        raise StateConflict("该申请无需补办书面手续。", code="no_followup")
    if leave_request.written_form_filed_at is not None:
        raise StateConflict("书面请假手续已补办。", code="already_filed")
    leave_request.written_form_filed_at = timezone.now()
    leave_request.written_form_filed_by = actor
    leave_request.written_followup_due = None
    leave_request.save(update_fields=["written_form_filed_at", "written_form_filed_by", "written_followup_due"])
    audit_record(actor=actor, action="leave.written_form", obj=leave_request,
                 summary=f"{leave_request.cadre.name}补办书面请假手续",
                 data={"rule_ref": leave_request.followup_rule_ref})
    return leave_request
