"""Audit rows are written by services, in the same transaction as the change they record."""

from .models import AuditEvent


def audit_record(*, actor, action: str, obj, jurisdiction=None, summary: str = "", data: dict | None = None) -> AuditEvent:
    if jurisdiction is None:
        jurisdiction = getattr(obj, "jurisdiction", None)
    return AuditEvent.objects.create(
        jurisdiction=jurisdiction,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        summary=summary[:255],
        data=data or {},
    )
