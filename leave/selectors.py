"""Reads for leave requests; who may act on an approval; who the approvers of a role are."""

from django.db.models import Exists, OuterRef, Prefetch, Q

from jurisdictions.approvals import decidable_q
from jurisdictions.models import Role, RoleGrant
from jurisdictions.scoping import Scope, get_in_scope, scope_for, scope_q
from teams.models import Membership

from .models import LeaveApproval, LeaveFiling, LeaveRequest


def leave_scope_q(scope: Scope) -> Q:
    """A request is reached through its jurisdiction, its township, the cadre's dispatch unit, the cadre itself
    and (for a team leader) the team."""
    return scope_q(scope, jurisdiction="jurisdiction_id", org_path="township__path",
                   dispatch_unit="cadre__dispatch_unit_id", cadre="cadre_id", team="team_id")


def _base():
    return (
        LeaveRequest.objects.select_related("cadre", "cadre__dispatch_unit", "team", "township", "jurisdiction",
                                            "submitted_by", "replacement")
        .prefetch_related(Prefetch("approvals", queryset=LeaveApproval.objects.select_related("decided_by")),
                          Prefetch("filings", queryset=LeaveFiling.objects.all()))
    )


def leave_request_list(*, user, cadre_id: int | None = None, status: str | None = None):
    scope = scope_for(user)
    qs = _base().filter(leave_scope_q(scope)).order_by("-created_at", "-id")
    if cadre_id is not None:
        qs = qs.filter(cadre_id=cadre_id)
    if status:
        qs = qs.filter(status=status)
    return qs


def access_leave_request(*, user, leave_request_id, for_update: bool = False) -> LeaveRequest:
    scope = scope_for(user)
    if for_update:
        found = get_in_scope(LeaveRequest.objects.filter(leave_scope_q(scope)).only("id"), leave_request_id)
        return (LeaveRequest.objects.select_for_update(of=("self",))
                .select_related("cadre", "cadre__dispatch_unit", "team", "township", "jurisdiction")
                .get(pk=found.pk))
    return get_in_scope(_base().filter(leave_scope_q(scope)), leave_request_id)


def may_act_as(scope: Scope, role: str, request: LeaveRequest) -> bool:
    """Does the user hold `role` for this request? No query (scope is loaded once)."""
    if role == Role.TEAM_LEADER:
        if scope.is_superuser:
            return True
        return request.team_id in scope.led_team_ids and request.cadre_id != scope.cadre_id
    return scope.holds(role, jurisdiction_id=request.jurisdiction_id, org_path=request.township.path,
                       dispatch_unit_id=request.cadre.dispatch_unit_id)


def pending_approval_q(scope: Scope) -> Q:
    """Approvals (LeaveApproval rows) that the user may decide now."""
    return decidable_q(scope, parent="request", approval_pending=LeaveApproval.Status.PENDING,
                       parent_pending=LeaveRequest.Status.PENDING)


def approver_inbox(*, user):
    """Requests with an approval waiting for this user (GET leave-requests/?mine=approver, the inbox page)."""
    scope = scope_for(user)
    mine = LeaveApproval.objects.filter(pending_approval_q(scope), request_id=OuterRef("pk"))
    return _base().filter(Exists(mine)).order_by("created_at", "id")


def approver_users(*, request: LeaveRequest, role: str) -> list:
    """The users who hold `role` for this request (for notifications). Two queries at most."""
    if role == Role.TEAM_LEADER:
        m = (Membership.objects.filter(team_id=request.team_id, role=Membership.Role.LEADER, end_date__isnull=True)
             .exclude(cadre_id=request.cadre_id).select_related("cadre__user").first())
        return [m.cadre.user] if m and m.cadre.user_id else []
    township = request.township
    ancestors = [p for p in township.path.split("/") if p]
    grants = (RoleGrant.objects.filter(role=role, jurisdiction_id=request.jurisdiction_id)
              .filter(Q(org_unit__isnull=True, dispatch_unit__isnull=True) | Q(org_unit_id__in=ancestors)
                      | Q(dispatch_unit_id=request.cadre.dispatch_unit_id))
              .select_related("user"))
    seen, users = set(), []
    for g in grants:
        if g.user_id not in seen:
            seen.add(g.user_id)
            users.append(g.user)
    return users


def cadre_month_days(*, cadre_ids, year: int, month: int) -> dict[int, dict[str, int]]:
    """cadre_id → {status: days} this month, from attendance. One query."""
    from django.db.models import Count

    from attendance.models import DailyRecord, Status
    from attendance.selectors import month_bounds

    first, last = month_bounds(year, month)
    rows = (DailyRecord.objects.filter(cadre_id__in=list(cadre_ids), date__range=(first, last))
            .values("cadre_id").annotate(**{s: Count("id", filter=Q(status=s)) for s in Status.values}))
    return {r["cadre_id"]: {s: r[s] for s in Status.values} for r in rows}


def leave_request_events(*, leave_request):
    """The request's audit trail for its page, oldest first."""
    from jurisdictions.models import AuditEvent

    return AuditEvent.objects.filter(object_type="leave.leaverequest", object_id=leave_request.pk).select_related(
        "actor").order_by("created_at", "id")
