"""Writes on assessment: open a period, 述职, opinions, scores, polls, grades, publish (POLICY.md §7).

Who may do what is read from the period's policy snapshot (`graders`, `consulted`), never from code."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from jurisdictions.audit import audit_record
from jurisdictions.errors import InvalidInput, NotPermitted, RuleViolation, StateConflict
from jurisdictions.models import Role
from jurisdictions.policy import Policy, PolicyValue, policy_in_force
from jurisdictions.scoping import scope_for

from . import rules
from .models import Assessment, AssessmentPeriod, Grade, Opinion
from .selectors import access_assessment, access_period, period_counts

OPENERS = {Role.COUNTY_ORG_DEPT, Role.COUNTY_OFFICE, Role.JURISDICTION_ADMIN}


def period_policy(period: AssessmentPeriod) -> Policy:
    """The rows the period was opened under (its snapshot), as a Policy the rule functions read."""
    values = {}
    for key, v in period.policy_snapshot.get("rows", {}).items():
        values[key] = PolicyValue(key, v["value"], v["rule_ref"], date.fromisoformat(v["effective_from"]),
                                  v.get("is_default", False))
    return Policy(period.jurisdiction, period.end, values)


def _place(period_or_assessment) -> dict:
    if isinstance(period_or_assessment, Assessment):
        a = period_or_assessment
        return {"jurisdiction_id": a.jurisdiction_id, "org_path": a.township.path,
                "dispatch_unit_id": a.cadre.dispatch_unit_id}
    p = period_or_assessment
    return {"jurisdiction_id": p.jurisdiction_id, "org_path": p.org_unit.path if p.org_unit_id else None}


def grader_roles(period: AssessmentPeriod) -> list[str]:
    return list(period.kind_row.get("graders", []))


def consulted_roles(period: AssessmentPeriod) -> list[str]:
    return list(period.kind_row.get("consulted", []))


def is_grader(user, obj) -> bool:
    period = obj.period if isinstance(obj, Assessment) else obj
    return scope_for(user).holds_any(grader_roles(period), **_place(obj))


def _require_grader(actor, obj, what: str) -> None:
    if not is_grader(actor, obj):
        period = obj.period if isinstance(obj, Assessment) else obj
        names = "、".join(Role(r).label if r in Role.values else r for r in grader_roles(period))
        raise NotPermitted(f"{what}由{names}进行（{period.rule_ref}）。", code="not_grader")


def _require_open(period: AssessmentPeriod) -> None:
    if period.status == AssessmentPeriod.Status.PUBLISHED:
        raise StateConflict("本次考核已公布，不能再修改。", code="published")


# ---- periods ----------------------------------------------------------------------------------------

def _posted(jurisdiction, org_unit, start: date, end: date) -> list:
    """The latest membership per cadre posted in the jurisdiction (or under the county) during [start, end]."""
    from teams.models import Membership

    qs = (Membership.objects.filter(team__jurisdiction=jurisdiction, start_date__lte=end)
          .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
          .select_related("team", "team__host_unit", "team__host_unit__parent", "cadre")
          .order_by("cadre_id", "-start_date"))
    if org_unit is not None:
        qs = qs.filter(team__host_unit__path__startswith=org_unit.path)
    return list(qs)


@transaction.atomic
def period_open(*, actor, jurisdiction, kind: str, year: int, half: int | None = None, org_unit=None,
                excellent_max_share=None) -> AssessmentPeriod:
    """POST assessment-periods/: one assessment per cadre posted during the period, eligible or listed as
    ineligible with the reason and article."""
    from attendance.selectors import postings

    if org_unit is not None and org_unit.jurisdiction_id != jurisdiction.id:
        raise InvalidInput("县（区）不属于该辖区。", code="bad_org_unit")
    place = {"jurisdiction_id": jurisdiction.id, "org_path": org_unit.path if org_unit else None}
    if not scope_for(actor).holds_any(OPENERS, **place):
        raise NotPermitted("考核由县委组织部、县驻村办或辖区管理员组织。", code="not_opener")
    if not (2000 <= int(year) <= 2100):
        raise InvalidInput("年度有误。", code="bad_year")
    if kind != "semi_annual":
        half = None
    start, end = rules.period_bounds(kind, year, half)
    policy = policy_in_force(jurisdiction, end)
    pv = rules.kind_row(policy, kind)
    quota = rules.quota_for(policy, kind, excellent_max_share)
    keys = [k for k, _ in policy.items() if k.startswith("assessment.")]
    snapshot = {"kind": pv.as_dict(), "rows": policy.snapshot(keys)}
    try:
        with transaction.atomic():
            period = AssessmentPeriod.objects.create(
                jurisdiction=jurisdiction, org_unit=org_unit, kind=kind, year=year, half=half, start=start, end=end,
                rule_ref=pv.rule_ref, quota_max_share=quota.max_share if quota else None,
                quota_severity=quota.severity if quota else "", quota_rule_ref=quota.rule_ref if quota else "",
                policy_snapshot=snapshot, created_by=actor)
    except IntegrityError:
        raise StateConflict("该考核批次已经存在。", code="period_exists") from None
    seen, rows = set(), []
    everyone = _posted(jurisdiction, org_unit, start, end)
    memberships = [m for m in everyone if not (m.cadre_id in seen or seen.add(m.cadre_id))]
    spans = postings([m.cadre_id for m in memberships], start, end)
    term_ends = set()
    for m in everyone:
        if (m.planned_end and start <= m.planned_end <= end) or (m.end_kind == "term_end" and m.end_date
                                                               and start <= m.end_date <= end):
            term_ends.add(m.cadre_id)
    for m in memberships:
        months = rules.months_stationed(spans.get(m.cadre_id, []), start, end)
        ok, reason, ref = rules.eligibility(policy, kind, months=months, term_ends_in_period=m.cadre_id in term_ends)
        rows.append(Assessment(period=period, jurisdiction=jurisdiction, cadre=m.cadre, membership=m,
                               township=m.team.township, eligible=ok, ineligible_reason=reason, rule_ref=ref,
                               status=Assessment.Status.PENDING if ok else Assessment.Status.INELIGIBLE))
    Assessment.objects.bulk_create(rows)
    audit_record(actor=actor, action="assessment_period.open", obj=period,
                 summary=f"开展{period}：{sum(r.eligible for r in rows)}人参加，{sum(not r.eligible for r in rows)}人不参加",
                 data={"rule_ref": pv.rule_ref, "quota": str(period.quota_max_share or "")})
    return period


@transaction.atomic
def period_publish(*, actor, period_id) -> AssessmentPeriod:
    """Publish: every eligible assessment graded (and scored where the kind keeps a score); then the cadres see
    their result, the dispatch units are notified, and a grade the policy ties to recall raises the flag."""
    from attendance.models import Flag
    from attendance.services import flag_raise
    from jurisdictions.models import RoleGrant
    from jurisdictions.services import notify

    period = access_period(user=actor, period_id=period_id, for_update=True)
    _require_grader(actor, period, "公布考核结果")
    _require_open(period)
    eligible = list(Assessment.objects.filter(period=period, eligible=True).select_related("cadre", "cadre__user"))
    grades = period.kind_row.get("grades") or []
    scored = bool(period.kind_row.get("scored"))
    missing = [a for a in eligible if (grades and not a.grade) or (scored and a.score is None)]
    if missing:
        raise StateConflict(f"还有{len(missing)}名干部未完成评定，不能公布。", code="ungraded")
    period.status = AssessmentPeriod.Status.PUBLISHED
    period.published_by, period.published_at = actor, timezone.now()
    period.save(update_fields=["status", "published_by", "published_at"])
    Assessment.objects.filter(period=period, eligible=True).update(status=Assessment.Status.GRADED)
    policy = period_policy(period)
    flags = []
    for a in eligible:
        pv = rules.incompetent_recall(policy, a.grade)
        if pv is not None:
            flag = flag_raise(actor=actor, cadre=a.cadre, kind="recall_candidate", rule_ref=pv.rule_ref,
                              key=f"assessment:{period.pk}:grade", source=Flag.Source.ASSESSMENT,
                              detail=f"{period}被评为{Grade(a.grade).label}，列为召回对象")
            if flag:
                flags.append(flag)
    link = "/assessment/mine/"
    for a in eligible:
        if a.cadre.user_id:
            result = Grade(a.grade).label if a.grade else f"得分{a.score}，第{a.rank}名"
            notify(user=a.cadre.user, message=f"{period}结果已公布：{result}", link=link)
    unit_ids = {a.cadre.dispatch_unit_id for a in eligible}
    receivers = {g.user_id: g.user for g in RoleGrant.objects.filter(
        role=Role.DISPATCH_UNIT, dispatch_unit_id__in=unit_ids).select_related("user")}  # one notice per user
    for _, user in sorted(receivers.items()):
        notify(user=user, message=f"{period}结果已公布，请查看本单位选派干部的考核结果",
               link=f"/assessment/periods/{period.pk}/")
    audit_record(actor=actor, action="assessment_period.publish", obj=period, summary=f"公布{period}",
                 data={"flags": [f.pk for f in flags], "counts": period_counts(period)})
    return period


# ---- per assessment ----------------------------------------------------------------------------------

@transaction.atomic
def self_summary_save(*, actor, assessment_id, text: str) -> Assessment:
    a = access_assessment(user=actor, assessment_id=assessment_id, for_update=True)
    if scope_for(actor).cadre_id != a.cadre_id:
        raise NotPermitted("述职由干部本人填写。", code="not_own")
    _require_open(a.period)
    text = (text or "").strip()
    if not text:
        raise InvalidInput("述职内容不能为空。", code="empty")
    a.self_summary, a.self_summary_at = text[:20000], timezone.now()
    a.save(update_fields=["self_summary", "self_summary_at"])
    audit_record(actor=actor, action="assessment.self_summary", obj=a, summary=f"{a.cadre.name}提交{a.period}述职")
    return a


def consulted_role_of(user, a: Assessment) -> str | None:
    scope = scope_for(user)
    for role in consulted_roles(a.period):
        if scope.holds(role, **_place(a)):
            return role
    return None


@transaction.atomic
def opinion_give(*, actor, assessment_id, text: str, suggested_grade: str = "") -> Opinion:
    a = access_assessment(user=actor, assessment_id=assessment_id, for_update=True)
    role = consulted_role_of(actor, a)
    if role is None:
        raise NotPermitted("只有本次考核征求意见的单位可以提出意见。", code="not_consulted")
    _require_open(a.period)
    text = (text or "").strip()
    if not text:
        raise InvalidInput("意见内容不能为空。", code="empty")
    if suggested_grade and suggested_grade not in (a.period.kind_row.get("grades") or []):
        raise InvalidInput(f"建议等次“{suggested_grade}”不在本次考核的等次之内。", code="bad_grade")
    opinion, _ = Opinion.objects.update_or_create(
        assessment=a, role=role, defaults={"author": actor, "text": text[:5000], "suggested_grade": suggested_grade})
    audit_record(actor=actor, action="assessment.opinion", obj=a,
                 summary=f"{Role(role).label}对{a.cadre.name}提出意见" + (
                     f"，建议{Grade(suggested_grade).label}" if suggested_grade else ""),
                 data={"role": role, "suggested_grade": suggested_grade})
    return opinion


@transaction.atomic
def score_record(*, actor, assessment_id, parts: dict) -> Assessment:
    """Linfen art.11: the composite from the parts and weights of the policy; the ranks of the whole period are
    recomputed and kept ("按综合评分排出名次，由县市区留存备案")."""
    a = access_assessment(user=actor, assessment_id=assessment_id)
    period = access_period(user=actor, period_id=a.period_id, for_update=True)
    a = access_assessment(user=actor, assessment_id=assessment_id, for_update=True)
    _require_grader(actor, a, "评分")
    _require_open(period)
    if not a.eligible:
        raise RuleViolation(f"{a.cadre.name}不参加本次考核：{a.ineligible_reason}。", code="ineligible",
                            rule_ref=a.rule_ref, overridable=False)
    if not isinstance(parts, dict):
        raise InvalidInput("parts 应为 {项目: 分值}。", code="bad_part")
    values, score = rules.composite(period.kind_row, period.rule_ref, parts)
    a.parts, a.score = values, score
    a.save(update_fields=["parts", "score"])
    _rerank(period)
    a.refresh_from_db(fields=["rank"])
    audit_record(actor=actor, action="assessment.score", obj=a, summary=f"{a.cadre.name}综合得分{score}",
                 data={"parts": values, "score": str(score), "rule_ref": period.rule_ref})
    return a


def _rerank(period: AssessmentPeriod) -> None:
    scored = list(Assessment.objects.filter(period=period, eligible=True, score__isnull=False).values_list("id", "score"))
    ranking = rules.ranks(scored)
    changed = [Assessment(id=pk, rank=r) for pk, r in ranking.items()]
    Assessment.objects.bulk_update(changed, ["rank"])


@transaction.atomic
def poll_record(*, actor, assessment_id, favourable, total) -> tuple[Assessment, object]:
    """A satisfaction or assessment poll; below the policy's threshold (linfen art.9(五)6: 低于60%) the cadre is
    flagged as a recall candidate with that article."""
    from attendance.models import Flag
    from attendance.services import flag_raise

    a = access_assessment(user=actor, assessment_id=assessment_id, for_update=True)
    if not (is_grader(actor, a) or consulted_role_of(actor, a)):
        raise NotPermitted("测评结果由评定单位或征求意见单位录入。", code="not_grader")
    _require_open(a.period)
    try:
        favourable, total = int(favourable), int(total)
    except (TypeError, ValueError):
        raise InvalidInput("测评票数须为整数。", code="bad_poll") from None
    rules.poll_check(favourable, total)
    a.poll_favourable, a.poll_total = favourable, total
    a.save(update_fields=["poll_favourable", "poll_total"])
    flag = None
    pv = rules.poll_below_threshold(period_policy(a.period), favourable, total)
    if pv is not None:
        flag = flag_raise(actor=actor, cadre=a.cadre, kind="recall_candidate", rule_ref=pv.rule_ref,
                          key=f"assessment:{a.period_id}:poll", source=Flag.Source.POLL,
                          detail=f"{a.period}测评满意率{favourable}/{total}，低于{float(pv.value['min_share']):.0%}")
    audit_record(actor=actor, action="assessment.poll", obj=a, summary=f"{a.cadre.name}测评{favourable}/{total}",
                 data={"flag": flag.pk if flag else None})
    return a, flag


# 评先评优: the grade a no_award consequence bars (the glossary's 优秀)
AWARD_GRADES = {"excellent"}


def extra_grade_refusals(*, assessment: Assessment, grade: str, policy: Policy) -> list[RuleViolation]:
    """The one place for refusals other domains add to a grade. Returns the refusals; the first one is raised.

    Personnel cases (linfen art.9(五) "当年不得评先评优"): a decided case's `no_award` consequence that runs at any time
    in the period's year bars the award grade (优秀) of that year's assessment, whenever the grading is done."""
    from teams.selectors import consequences_overlapping

    if grade not in AWARD_GRADES:
        return []
    year = assessment.period.year
    barred = consequences_overlapping(cadre_id=assessment.cadre_id, first=date(year, 1, 1), last=date(year, 12, 31),
                                      kind="no_award")
    return [RuleViolation(f"{assessment.cadre.name}{year}年因{c.case.get_kind_display()}（{c.case.ground}）"
                          f"不得评先评优，不能评为优秀。", code="no_award", rule_ref=c.rule_ref, overridable=False)
            for c in barred]


@transaction.atomic
def assessment_grade(*, actor, assessment_id, grade: str, comment: str = "", previous: str | None = "",
                     override_reason: str = "") -> Assessment:
    """Grade one cadre. Locks the period (the quota is counted over it), then the assessment. `previous` is the grade
    the grader saw ("" = ungraded): if someone graded in between, 409 — two graders at once, one wins."""
    a = access_assessment(user=actor, assessment_id=assessment_id)
    period = access_period(user=actor, period_id=a.period_id, for_update=True)
    a = access_assessment(user=actor, assessment_id=assessment_id, for_update=True)
    a.period = period
    _require_grader(actor, a, "评定等次")
    _require_open(period)
    grades = period.kind_row.get("grades") or []
    if grade not in grades:
        raise InvalidInput(f"等次“{grade}”不在{period.jurisdiction.name}本次考核的等次之内。", code="bad_grade")
    if not a.eligible:
        raise RuleViolation(f"{a.cadre.name}不参加本次考核：{a.ineligible_reason}。", code="ineligible",
                            rule_ref=a.rule_ref, overridable=False)
    if previous is not None and (previous or "") != a.grade:
        raise StateConflict(f"{a.cadre.name}已被他人评定为{Grade(a.grade).label if a.grade else '未评定'}，请刷新后再操作。",
                            code="grade_changed")
    policy = period_policy(period)
    refusals = extra_grade_refusals(assessment=a, grade=grade, policy=policy)
    if refusals:
        raise refusals[0]
    override_reason = (override_reason or "").strip()
    overridden = False
    if grade == Grade.EXCELLENT and a.grade != Grade.EXCELLENT and period.quota_max_share is not None:
        counts = period_counts(period)
        most = rules.Quota(period.quota_max_share, period.quota_severity, period.quota_rule_ref).max_count(
            counts["eligible"])
        if counts["by_grade"].get(Grade.EXCELLENT, 0) + 1 > most:
            soft = period.quota_severity == "soft"
            if not (soft and override_reason):
                raise RuleViolation(
                    f"优秀名额已满（{counts['eligible']}人参加，最多{most}名优秀）" + (
                        "；实绩突出、群众满意的可不受指标限制，请填写理由" if soft else "。"),
                    code="quota_exceeded", rule_ref=period.quota_rule_ref, overridable=soft)
            overridden = True
    a.grade, a.grade_comment, a.graded_by, a.graded_at = grade, (comment or "")[:500], actor, timezone.now()
    a.grade_rule_ref = period.rule_ref
    fields = ["grade", "grade_comment", "graded_by", "graded_at", "grade_rule_ref"]
    if overridden:
        a.override_reason, a.override_by, a.override_at = override_reason[:500], actor, timezone.now()
        fields += ["override_reason", "override_by", "override_at"]
    a.save(update_fields=fields)
    audit_record(actor=actor, action="assessment.grade", obj=a,
                 summary=f"{a.cadre.name}评定为{Grade(grade).label}" + (f"（超出名额：{override_reason}）" if overridden else ""),
                 data={"grade": grade, "previous": previous, "override_reason": override_reason if overridden else "",
                       "rule_ref": period.quota_rule_ref if overridden else period.rule_ref})
    return a
