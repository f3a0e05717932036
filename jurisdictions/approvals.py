"""Staged approvals shared by leave requests and personnel cases: roles in one stage approve jointly, stages run in
order. The callers lock their request row first and write their own audit row and notices."""


def approve_in_stage(*, approval, approvals: list, actor, comment: str = ""):
    """Mark `approval` approved. Returns the approvals of the next stage, now opened (pending), `[]` while this stage
    still waits for a joint approver, or None when every stage has approved (the request is decided)."""
    from django.utils import timezone

    status = type(approval).Status
    approval.status = status.APPROVED
    approval.decided_by = actor
    approval.decided_at = timezone.now()
    approval.comment = comment or ""
    approval.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    if any(a.stage == approval.stage and a.status == status.PENDING for a in approvals):
        return []
    later = [a for a in approvals if a.status == status.WAITING]
    if not later:
        return None
    next_stage = min(a.stage for a in later)
    opened = [a for a in later if a.stage == next_stage]
    for a in opened:
        a.status = status.PENDING
        a.save(update_fields=["status"])
    return opened


def decidable_q(scope, *, parent: str, approval_pending, parent_pending):
    """Approval rows (of leave requests or personnel cases, reached through `parent`) that the user may decide now:
    pending in a pending request, and a role the user holds over the request's township, dispatch unit or team (a
    team leader never decides their own request)."""
    from django.db.models import Q

    from .models import Role

    pending = Q(status=approval_pending) & Q(**{f"{parent}__status": parent_pending})
    if scope.is_superuser:
        return pending
    q = Q(pk__in=[])
    for g in scope.grants:
        where = Q(role=g.role) & Q(**{f"{parent}__jurisdiction_id": g.jurisdiction_id})
        if g.org_unit_id:
            where &= Q(**{f"{parent}__township__path__startswith": g.org_unit.path})
        elif g.dispatch_unit_id:
            where &= Q(**{f"{parent}__cadre__dispatch_unit_id": g.dispatch_unit_id})
        q |= where
    if scope.led_team_ids:
        q |= (Q(role=Role.TEAM_LEADER) & Q(**{f"{parent}__team_id__in": scope.led_team_ids})
              & ~Q(**{f"{parent}__cadre_id": scope.cadre_id}))
    return pending & q
