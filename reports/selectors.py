"""Reads of stored reports, scoped like everything else: a whole-jurisdiction role sees every row, an org-unit
grant (county, township) the rows under its unit, a cadre their own row. Dashboards never read the raw tables."""

from datetime import date

from django.db.models import Q, Sum
from django.http import Http404

from jurisdictions.errors import InvalidInput, NotPermitted
from jurisdictions.models import Jurisdiction
from jurisdictions.scoping import scope_for

from .models import FIGURE_KEYS, MonthlyReport, ReportRow
from .services import SUMS

LEVELS = ["jurisdiction", "county", "township", "team", "cadre"]
CHILD = {"jurisdiction": "county", "county": "township", "township": "team", "team": "cadre"}
UNIT_FIELD = {"county": "county_id", "township": "township_id", "team": "team_id", "cadre": "cadre_id"}


def parse_month(raw) -> date:
    try:
        y, m = str(raw).split("-")
        if len(str(raw)) != 7:
            raise ValueError
        return date(int(y), int(m), 1)
    except (TypeError, ValueError):
        raise InvalidInput("月份格式应为 YYYY-MM（例如 2026-10）。", code="bad_month") from None


def visible_jurisdictions(*, user):
    scope = scope_for(user)
    if scope.is_superuser:
        return Jurisdiction.objects.all()
    return Jurisdiction.objects.filter(id__in=scope.visible_jurisdiction_ids)


def row_scope_q(user, jurisdiction_id: int) -> Q | None:
    """Which rows of a report of this jurisdiction the user sees: Q() for all, a filter, or None (no report role)."""
    scope = scope_for(user)
    if scope.is_superuser or scope.is_county_level(jurisdiction_id) and jurisdiction_id in scope.jurisdiction_ids:
        return Q()
    q = Q(pk__in=[])
    found = False
    for g in scope.grants:
        if g.jurisdiction_id == jurisdiction_id and g.org_unit_id and g.role != "attendance_clerk":
            q |= Q(path__startswith=g.org_unit.path)
            found = True
    if scope.cadre_id and scope.cadre_jurisdiction_id == jurisdiction_id:
        q |= Q(cadre_id=scope.cadre_id, level="cadre")
        if scope.led_team_ids:
            q |= Q(team_id__in=scope.led_team_ids, level__in=["team", "cadre"])
        found = True
    return q if found else None


def access_jurisdiction(*, user, code) -> Jurisdiction:
    j = visible_jurisdictions(user=user).filter(code=code).first()
    if j is None:
        raise Http404
    return j


def latest_report(*, jurisdiction, month: date) -> MonthlyReport | None:
    return (MonthlyReport.objects.filter(jurisdiction=jurisdiction, month=month, status=MonthlyReport.Status.DONE)
            .order_by("-version").first())


def access_report(*, user, report_id) -> tuple[MonthlyReport, Q]:
    """A done report of a visible jurisdiction (else 404) with the row filter of the caller (403 without one)."""
    try:
        report = MonthlyReport.objects.select_related("jurisdiction").get(
            pk=int(report_id), jurisdiction__in=visible_jurisdictions(user=user), status=MonthlyReport.Status.DONE)
    except (MonthlyReport.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    q = row_scope_q(user, report.jurisdiction_id)
    if q is None:
        raise NotPermitted("您的角色不查看月度报告。")
    return report, q


def report_for(*, user, code, month_raw) -> tuple[MonthlyReport | None, Q, Jurisdiction]:
    j = access_jurisdiction(user=user, code=code)
    q = row_scope_q(user, j.id)
    if q is None:
        raise NotPermitted("您的角色不查看月度报告。")
    return latest_report(jurisdiction=j, month=parse_month(month_raw)), q, j


def sum_rows(rows_qs) -> dict:
    """The figures of a set of rows summed in one query (missing stays None)."""
    agg = rows_qs.aggregate(cadres=Sum("cadres"), teams=Sum("teams"), sheets_unconfirmed=Sum("sheets_unconfirmed"),
                            **{k: Sum(k) for k in SUMS})
    for k in ("cadres", "teams", "sheets_unconfirmed", *[s for s in SUMS if s not in
                                                            ("counted_days", "required_days", "compliant",
                                                             "non_compliant", "allowance_total")]):
        agg[k] = agg[k] or 0
    return {k: agg[k] for k in FIGURE_KEYS}


def node_rows(report, q: Q, level: str, unit_id: int | None):
    """(the node's figures, its children rows) — the node is the jurisdiction or one county/township/team/cadre."""
    rows = ReportRow.objects.filter(report=report).filter(q)
    if level == "jurisdiction":
        mine = rows.filter(level="jurisdiction").first()
        if mine is not None:
            node = mine.figures() | {"name": mine.name}
        else:  # a partial view (a county, a township): the sum of the townships it sees
            node = sum_rows(rows.filter(level="township")) | {"name": report.jurisdiction.name}
        has_counties = rows.filter(level="county").exists()
        child = "county" if has_counties else "township"
        children = rows.filter(level=child)
        return node, child, children
    row = rows.filter(level=level, **{UNIT_FIELD[level]: unit_id}).first()
    if row is None:
        raise Http404
    child = CHILD.get(level)
    children = rows.filter(level=child, **{UNIT_FIELD[level]: unit_id}) if child else rows.none()
    return row.figures() | {"name": row.name, "row": row}, child, children


def trend(*, jurisdiction, q: Q, level: str, unit_id: int | None, until: date, months: int = 12) -> list[dict]:
    """The node across the last `months` months' latest reports: two queries (reports, rows)."""
    start = date(until.year - (1 if until.month <= months - 1 else 0), (until.month - months) % 12 + 1, 1)
    latest = {}
    for r in (MonthlyReport.objects.filter(jurisdiction=jurisdiction, status=MonthlyReport.Status.DONE,
                                           month__gte=start, month__lte=until).order_by("month", "version")):
        latest[r.month] = r.id
    if level == "jurisdiction":
        filt = Q(level="jurisdiction") if q == Q() else Q(level="township")
    else:
        filt = Q(level=level, **{UNIT_FIELD[level]: unit_id})
    by_report: dict[int, list] = {}
    for row in ReportRow.objects.filter(report_id__in=latest.values()).filter(q).filter(filt):
        by_report.setdefault(row.report_id, []).append(row)
    out = []
    for month, rid in sorted(latest.items()):
        rows = by_report.get(rid, [])
        counted = [r.counted_days for r in rows if r.counted_days is not None]
        required = [r.required_days for r in rows if r.required_days is not None]
        spent = sum((r.fund_spent for r in rows), 0)
        out.append({"month": f"{month:%Y-%m}",
                    "on_duty_rate": round(100 * sum(counted) / sum(required), 1) if required and sum(required) else None,
                    "leave_days": sum(r.leave_days for r in rows), "fund_spent": float(spent)})
    return out
