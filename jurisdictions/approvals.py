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
