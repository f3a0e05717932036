"""Reads of runs and statements. `access_*` fetches and authorizes (outside scope: 404)."""

from django.db.models import Prefetch, Q

from jurisdictions.models import Role
from jurisdictions.scoping import get_in_scope, scope_for, scope_q

from .models import Line, Statement, SubsidyRun

FINANCE_VIEW_ROLES = {Role.FINANCE, Role.DISPATCH_UNIT, Role.JURISDICTION_ADMIN}


def _run_q(scope) -> Q:
    """Runs are seen by whole-jurisdiction grants and by finance / dispatch units of that jurisdiction."""
    if scope.is_superuser:
        return Q()
    q = scope_q(scope, jurisdiction="jurisdiction_id")
    unit_jurisdictions = {g.jurisdiction_id for g in scope.grants if g.role in FINANCE_VIEW_ROLES}
    if unit_jurisdictions:
        q |= Q(jurisdiction_id__in=unit_jurisdictions)
    return q


def run_list(*, user, jurisdiction=None):
    qs = SubsidyRun.objects.filter(_run_q(scope_for(user))).select_related("jurisdiction", "created_by")
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction=jurisdiction)
    return qs.order_by("-created_at", "-id")


def access_run(*, user, run_id) -> SubsidyRun:
    return get_in_scope(run_list(user=user), run_id)


def statement_scope_q(scope) -> Q:
    """A statement is reached through its jurisdiction, township, the cadre's dispatch unit, or the cadre."""
    return scope_q(scope, jurisdiction="jurisdiction_id", org_path="township__path",
                   dispatch_unit="dispatch_unit_id", cadre="cadre_id")


def statement_list(*, user, run: SubsidyRun | None = None, cadre_id=None, month=None):
    """Statements in the caller's scope with their lines (2 queries for a page: statements, lines)."""
    qs = (Statement.objects.filter(statement_scope_q(scope_for(user)))
          .select_related("cadre", "dispatch_unit", "township")
          .prefetch_related(Prefetch("lines", queryset=Line.objects.order_by("position", "id"))))
    if run is not None:
        qs = qs.filter(jurisdiction_id=run.jurisdiction_id, month=run.month)
    if cadre_id is not None:
        qs = qs.filter(cadre_id=cadre_id)
    if month is not None:
        qs = qs.filter(month=month)
    return qs.order_by("month", "cadre_id")


def export_rows(*, run: SubsidyRun, dispatch_unit_ids=None):
    """Lines of a run's month for the export, ordered by dispatch unit and cadre; streamed by the caller."""
    qs = Line.objects.filter(statement__jurisdiction_id=run.jurisdiction_id, statement__month=run.month)
    if dispatch_unit_ids is not None:
        qs = qs.filter(statement__dispatch_unit_id__in=dispatch_unit_ids)
    return qs.order_by("statement__dispatch_unit_id", "statement__cadre_id", "position", "id").values_list(
        "statement__dispatch_unit_id", "statement__cadre_id", "statement__cadre__name", "statement__township__name",
        "statement__paid_days", "statement__total", "kind", "quantity", "rate", "amount", "rule_ref", "note")


def export_units(*, run: SubsidyRun, dispatch_unit_ids=None):
    """Per dispatch unit: name, number of cadres, total. One query."""
    from django.db.models import Count, Sum

    qs = Statement.objects.filter(jurisdiction_id=run.jurisdiction_id, month=run.month)
    if dispatch_unit_ids is not None:
        qs = qs.filter(dispatch_unit_id__in=dispatch_unit_ids)
    return list(qs.values("dispatch_unit_id", "dispatch_unit__name").annotate(
        cadres=Count("id"), total=Sum("total")).order_by("dispatch_unit__name", "dispatch_unit_id"))


def export_unit_filter(*, user, run: SubsidyRun):
    """None: the whole run; a set: only these dispatch units (a dispatch unit's own finance)."""
    scope = scope_for(user)
    if scope.is_superuser or run.jurisdiction_id in scope.jurisdiction_ids:
        return None
    return {g.dispatch_unit_id for g in scope.grants if g.dispatch_unit_id and g.jurisdiction_id == run.jurisdiction_id}


def export_kinds(*, run: SubsidyRun, dispatch_unit_ids=None) -> list[str]:
    """The line kinds present in a run's month, in LineKind order. One query."""
    from .models import LineKind

    qs = Line.objects.filter(statement__jurisdiction_id=run.jurisdiction_id, statement__month=run.month)
    if dispatch_unit_ids is not None:
        qs = qs.filter(statement__dispatch_unit_id__in=dispatch_unit_ids)
    present = set(qs.order_by().values_list("kind", flat=True).distinct())  # no Meta ordering in the DISTINCT
    return [k for k in LineKind.values if k in present]


def export_cadre_rows(*, run: SubsidyRun, kinds: list[str], dispatch_unit_ids=None):
    """One row per cadre: unit, name, township, days, the sum of each line kind, total. One query (streamed)."""
    from django.db.models import Sum

    qs = Statement.objects.filter(jurisdiction_id=run.jurisdiction_id, month=run.month)
    if dispatch_unit_ids is not None:
        qs = qs.filter(dispatch_unit_id__in=dispatch_unit_ids)
    sums = {f"k_{k}": Sum("lines__amount", filter=Q(lines__kind=k)) for k in kinds}
    return (qs.annotate(**sums).order_by("dispatch_unit__name", "dispatch_unit_id", "cadre_id")
            .values_list("dispatch_unit__name", "cadre__name", "township__name", "paid_days", "total", *sums))
