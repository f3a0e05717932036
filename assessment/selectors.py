"""Reads for assessment: periods and assessments in the caller's scope, and the evidence, computed from the
attendance, leave, inspection and diary records in a fixed number of queries for a whole period."""

from datetime import date

from django.db.models import Count, Q

from jurisdictions.errors import InvalidInput, RuleViolation
from jurisdictions.scoping import get_in_scope, scope_for, scope_q

from . import rules
from .models import Assessment, AssessmentPeriod


def period_scope_q(scope) -> Q:
    if scope.is_superuser:
        return Q()
    return Q(jurisdiction_id__in=scope.visible_jurisdiction_ids)


def assessment_scope_q(scope) -> Q:
    return scope_q(scope, jurisdiction="jurisdiction", org_path="township__path",
                   dispatch_unit="cadre__dispatch_unit", cadre="cadre")


def period_list(*, user, jurisdiction: str | None = None):
    qs = (AssessmentPeriod.objects.filter(period_scope_q(scope_for(user)))
          .select_related("jurisdiction", "org_unit")
          .annotate(n_eligible=Count("assessments", filter=Q(assessments__eligible=True)),
                    n_graded=Count("assessments", filter=Q(assessments__eligible=True) & ~Q(assessments__grade="")))
          .order_by("-year", "-half", "kind", "id"))
    if jurisdiction:
        qs = qs.filter(jurisdiction__code=jurisdiction)
    return qs


def access_period(*, user, period_id, for_update: bool = False) -> AssessmentPeriod:
    qs = AssessmentPeriod.objects.filter(period_scope_q(scope_for(user))).select_related("jurisdiction", "org_unit")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    return get_in_scope(qs, period_id)


def period_counts(period: AssessmentPeriod) -> dict:
    rows = (Assessment.objects.filter(period=period).values("eligible", "grade").annotate(n=Count("id")))
    counts = {"eligible": 0, "ineligible": 0, "graded": 0, "by_grade": {}}
    for r in rows:
        if not r["eligible"]:
            counts["ineligible"] += r["n"]
            continue
        counts["eligible"] += r["n"]
        if r["grade"]:
            counts["graded"] += r["n"]
            counts["by_grade"][r["grade"]] = counts["by_grade"].get(r["grade"], 0) + r["n"]
    return counts


def quota_state(period: AssessmentPeriod, counts: dict | None = None) -> dict | None:
    if period.quota_severity == "" and period.quota_max_share is None and not period.quota_rule_ref:
        return None
    counts = counts or period_counts(period)
    quota = rules.Quota(period.quota_max_share, period.quota_severity, period.quota_rule_ref)
    most = quota.max_count(counts["eligible"])
    used = counts["by_grade"].get("excellent", 0)
    return {"excellent_max_share": str(period.quota_max_share) if period.quota_max_share is not None else None,
            "excellent_max": most, "excellent_used": used,
            "excellent_remaining": None if most is None else most - used,
            "severity": period.quota_severity, "rule_ref": period.quota_rule_ref}


def _base():
    return Assessment.objects.select_related("period", "period__jurisdiction", "cadre", "cadre__dispatch_unit",
                                             "township")


def assessment_list(*, user, period_id=None, township=None, grade=None, cadre_id=None):
    scope = scope_for(user)
    qs = _base().filter(assessment_scope_q(scope)).prefetch_related("opinions")
    if period_id is not None:
        try:
            qs = qs.filter(period_id=int(period_id))
        except (TypeError, ValueError):
            raise InvalidInput("period 应为整数。", code="bad_period_param") from None
    if cadre_id is not None:
        qs = qs.filter(cadre_id=cadre_id)
    if township:
        try:
            qs = qs.filter(township_id=int(township))
        except (TypeError, ValueError):  # ?township=abc was a 500 (schemathesis, issue 14)
            raise InvalidInput("township 应为整数。", code="bad_township_param") from None
    if grade is not None and grade != "":
        qs = qs.filter(grade="" if grade == "none" else grade)
    return qs.order_by("township__name", "cadre__name", "id")


def access_assessment(*, user, assessment_id, for_update: bool = False) -> Assessment:
    qs = _base().filter(assessment_scope_q(scope_for(user)))
    if for_update:
        qs = qs.select_for_update(of=("self",))
    return get_in_scope(qs, assessment_id)


def my_assessments(*, user):
    scope = scope_for(user)
    if not scope.cadre_id:
        return Assessment.objects.none()
    return _base().filter(cadre_id=scope.cadre_id).prefetch_related("opinions").order_by("-period__year", "-id")


def hides_result(user, assessment: Assessment) -> bool:
    """The cadre sees its own grade, score and opinions only once the period is published."""
    scope = scope_for(user)
    return (not scope.is_superuser and scope.cadre_id == assessment.cadre_id
            and assessment.period.status != AssessmentPeriod.Status.PUBLISHED
            and not scope.holds_any({"county_org_dept", "county_office", "jurisdiction_admin"},
                                    jurisdiction_id=assessment.jurisdiction_id))


# ---- evidence -------------------------------------------------------------------------------------

def _months(start: date, end: date):
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        yield y, m
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def evidence_for(period: AssessmentPeriod, assessments) -> dict[int, dict]:
    """assessment id → {months_stationed, counted_days, required_days, leave_days, absent_days,
    unexcused_inspections, flags, diaries}. Counted and required days come from the months whose sheet the
    cadre's township has confirmed (attendance's own month figures, so proration and the year-average basis
    apply). Queries: confirmed sheets (1), postings (1), day counts (1), inspections (1), flags (1), diaries (1),
    and for each confirmed month attendance's fixed set — none of them grows with the number of cadres."""
    from attendance.models import AttendanceSheet, DailyRecord, DiaryEntry, Flag, Inspection, Status
    from attendance.selectors import figures_for, postings

    assessments = list(assessments)
    if not assessments:
        return {}
    cadre_ids = sorted({a.cadre_id for a in assessments})
    start, end = period.start, period.end
    confirmed = set(AttendanceSheet.objects.filter(jurisdiction_id=period.jurisdiction_id,
                                                   month__range=(start, end)).values_list("township_id", "month"))
    township_of = {a.cadre_id: a.township_id for a in assessments}
    counted: dict[int, int] = {}
    required: dict[int, int] = {}
    for y, m in _months(start, end):
        first = date(y, m, 1)
        ids = [c for c in cadre_ids if (township_of[c], first) in confirmed]
        if not ids:
            continue
        try:
            figures = figures_for(jurisdiction=period.jurisdiction, year=y, month=m, cadre_ids=ids)
        except RuleViolation:  # a month with no rules in force or a missing row: shown as not counted
            continue
        for cid, fig in figures.items():
            counted[cid] = counted.get(cid, 0) + fig.counted_days
            required[cid] = required.get(cid, 0) + fig.required.days
    spans = postings(cadre_ids, start, end)
    days = {r["cadre_id"]: r for r in DailyRecord.objects.filter(cadre_id__in=cadre_ids, date__range=(start, end))
            .values("cadre_id").annotate(leave=Count("id", filter=Q(status=Status.LEAVE)),
                                         absent=Count("id", filter=Q(status=Status.ABSENT)))}
    unexcused = dict(Inspection.objects.filter(cadre_id__in=cadre_ids, date__range=(start, end),
                                               result=Inspection.Result.ABSENT_UNEXCUSED)
                     .values("cadre_id").annotate(n=Count("id")).values_list("cadre_id", "n"))
    flags = dict(Flag.objects.filter(cadre_id__in=cadre_ids, created_at__date__range=(start, end))
                 .values("cadre_id").annotate(n=Count("id")).values_list("cadre_id", "n"))
    diaries = dict(DiaryEntry.objects.filter(cadre_id__in=cadre_ids, date__range=(start, end))
                   .values("cadre_id").annotate(n=Count("id")).values_list("cadre_id", "n"))
    out = {}
    for a in assessments:
        c = a.cadre_id
        out[a.id] = {
            "months_stationed": str(rules.months_stationed(spans.get(c, []), start, end)),
            "counted_days": counted.get(c, 0), "required_days": required.get(c, 0),
            "leave_days": days.get(c, {}).get("leave", 0), "absent_days": days.get(c, {}).get("absent", 0),
            "unexcused_inspections": unexcused.get(c, 0), "flags": flags.get(c, 0), "diaries": diaries.get(c, 0),
        }
    return out
