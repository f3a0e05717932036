"""Reads for tenants, units, policy, audit."""

from datetime import date

from django.http import Http404

from .models import AuditEvent, DispatchUnit, Jurisdiction, OrgUnit, User
from .policy import Policy, policy_in_force
from .scoping import get_in_scope, scope_for, scope_q


def jurisdiction_list(*, user):
    scope = scope_for(user)
    qs = Jurisdiction.objects.all().order_by("id")
    if not scope.is_superuser:
        qs = qs.filter(id__in=scope.visible_jurisdiction_ids | ({user.jurisdiction_id} if user.jurisdiction_id else set()))
    return qs


def jurisdiction_by_id(jurisdiction_id: int) -> Jurisdiction:
    """A jurisdiction by id, from the process's copy in a request (`reference_cache`: read again after any write to
    the jurisdictions, the policy table or the calendar). A copy each time: the caller may change it freely."""
    import copy

    from . import reference_cache

    def load():
        return Jurisdiction.objects.get(pk=jurisdiction_id), None

    return copy.copy(reference_cache.cached("jurisdiction", jurisdiction_id, load))


def access_jurisdiction(*, user, code: str) -> Jurisdiction:
    j = jurisdiction_list(user=user).filter(code=code).first()
    if j is None:
        raise Http404
    return j


def policy_for(*, user, code: str, on: date) -> Policy:
    return policy_in_force(access_jurisdiction(user=user, code=code), on)


def policy_keys(*, jurisdiction) -> list[str]:
    """The rule keys a jurisdiction has (any version): the keys a new version may be added to."""
    from .models import PolicyRow

    return list(PolicyRow.objects.filter(jurisdiction=jurisdiction).order_by("key").values_list("key", flat=True)
                .distinct())


def org_unit_list(*, user, jurisdiction=None, kind=None):
    scope = scope_for(user)
    qs = OrgUnit.objects.filter(
        scope_q(scope, jurisdiction="jurisdiction_id", org_path="path")
        | _within_visible_jurisdictions(scope)
    ).select_related("parent", "jurisdiction")
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction=jurisdiction)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("path")


def _within_visible_jurisdictions(scope):
    """Township staff and cadres may look up the places of their own jurisdiction (names, not people)."""
    from django.db.models import Q

    if scope.is_superuser:
        return Q()
    return Q(jurisdiction_id__in=scope.visible_jurisdiction_ids)


def access_org_unit(*, user, unit_id) -> OrgUnit:
    return get_in_scope(org_unit_list(user=user), unit_id)


def dispatch_unit_list(*, user, jurisdiction=None):
    scope = scope_for(user)
    qs = DispatchUnit.objects.filter(_within_visible_jurisdictions(scope)).select_related("jurisdiction")
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction=jurisdiction)
    return qs.order_by("id")


def access_dispatch_unit(*, user, unit_id) -> DispatchUnit:
    return get_in_scope(dispatch_unit_list(user=user), unit_id)


def audit_list(*, user, jurisdiction=None):
    """The audit log is visible to jurisdiction admins (and superusers)."""
    scope = scope_for(user)
    qs = AuditEvent.objects.select_related("actor", "jurisdiction")
    if not scope.is_superuser:
        admin_of = {g.jurisdiction_id for g in scope.grants if g.role == "jurisdiction_admin"}
        qs = qs.filter(jurisdiction_id__in=admin_of)
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction=jurisdiction)
    return qs.order_by("-created_at", "-id")


def administered_users(*, user):
    """Users the caller may grant roles to: those of the jurisdictions it administers."""
    scope = scope_for(user)
    if scope.is_superuser:
        return User.objects.all()
    admin_of = {g.jurisdiction_id for g in scope.grants if g.role == "jurisdiction_admin"}
    return User.objects.filter(jurisdiction_id__in=admin_of)
