"""Every policy key's schema: its fields, their types, the role codes they may hold, their ranges.

One entry per key (or per key family, `leave.route.*`): a dict of field → spec. A field is required unless
wrapped in `opt(...)`; a field not listed is unknown. `RATE` allows null: a rate the regulation leaves open is
entered later by the jurisdiction admin (see `subsidy.*` rows and `rate_missing`). `validate_value` checks one
row, `validate_rows` a whole set in force (it adds the cross-row checks: leave routes cover every day count
from 1 up exactly once). Errors are `{key, field, detail}` in Chinese; `InvalidPolicy` carries them (400
`invalid_policy`). `FEATURES` names the keys each feature needs, so a pack lacking one marks it unavailable.

A new seeded key needs an entry here (`tests/test_policy_schema.py` fails otherwise); `python manage.py
policy_schema_stub` prints a draft entry inferred from the seeded values.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .errors import InvalidInput
from .models import Role


class InvalidPolicy(InvalidInput):
    """A pack or a version that does not match its key's schema: 400 `invalid_policy`, nothing saved."""

    code = "invalid_policy"

    def __init__(self, errors: list[dict]):
        first = errors[0]
        detail = f"政策规则不合规（{len(errors)}处）：{first['key']}" + (f".{first['field']}" if first["field"] else "") \
            + f" {first['detail']}"
        super().__init__(detail, code="invalid_policy", errors=errors)


ROLE_CODES = {r.value for r in Role}


@dataclass(frozen=True)
class Spec:
    kind: str  # bool int rate share severity role roles stages text list dict any applies int_or_null
    optional: bool = False


def opt(spec: Spec) -> Spec:
    return Spec(spec.kind, optional=True)


BOOL, INT, RATE, SHARE = Spec("bool"), Spec("int"), Spec("rate"), Spec("share")
SEVERITY, ROLE, ROLES, STAGES = Spec("severity"), Spec("role"), Spec("roles"), Spec("stages")
TEXT, LIST, DICT, ANY = Spec("text"), Spec("list"), Spec("dict"), Spec("any")
INT_OR_NULL, APPLIES = Spec("int_or_null"), Spec("applies")
SHARE_OR_NULL = Spec("share_or_null")  # a share the text leaves to the period (ganzhou art.20 "可适当提高")

CHECK = {"check": TEXT, "severity": SEVERITY, "applies_to": LIST}  # a selection check
ASSESSMENT_KIND = {"by": ANY, "graders": ROLES, "consulted": ROLES, "grades": LIST, "eligibility": TEXT,
                   "parts": opt(LIST), "scored": opt(BOOL), "months": opt(LIST),
                   "counts_as_dispatch_unit_grade": opt(BOOL)}

SCHEMAS: dict[str, dict[str, Spec]] = {
    "team.kinds": {"kinds": LIST, "roles": LIST},
    "team.size_min": {"min": INT, "severity": SEVERITY},
    "team.one_active_assignment": {"severity": SEVERITY},
    "team.one_active_leader": {"severity": SEVERITY},
    "team.one_team_per_village": {"severity": SEVERITY},
    "team.keep_previous_member": {"severity": SEVERITY, "on": LIST},
    "team.unit_composition": {"severity": SEVERITY},
    "team.composition": {"severity": SEVERITY, "categories": DICT},
    "selection.age_max": CHECK | {"max": INT, "exempt_categories": LIST},
    "selection.first_secretary_full_party_member": CHECK,
    "selection.first_secretary_party_years_min": CHECK | {"years": INT},
    "selection.first_secretary_rank_min": CHECK | {"or_reserve": BOOL, "by_dispatch_level": DICT, "by_category": DICT},
    "selection.first_secretary_work_years_min": CHECK | {"years": INT},
    "selection.leader_age_max": CHECK | {"max": INT},
    "selection.leader_full_party_member": CHECK,
    "selection.leader_is_first_secretary": CHECK,
    "selection.leader_party_years_min": CHECK | {"years": INT},
    "selection.leader_rank_min": CHECK | {"min": TEXT},
    "selection.member_age_max": CHECK | {"max": INT},
    "selection.member_from_team_unit": CHECK | {"exempt_categories": LIST},
    "selection.member_on_establishment": CHECK | {"categories": LIST, "exempt_categories": LIST, "requirement": TEXT},
    "selection.party_member_preferred": CHECK | {"exempt_categories": opt(LIST)},
    "selection.rank_min": CHECK | {"min": TEXT, "exempt_categories": LIST},
    "term.years": {"years": INT, "minimum": BOOL, "severity": opt(SEVERITY), "rolling": opt(BOOL)},
    "term.mid_change": {"in_principle": opt(TEXT), "replacement_by": opt(ROLE), "filed_with": opt(TEXT),
                        "requires": opt(LIST), "approvers": opt(LIST), "city_dispatched_also": opt(ROLES),
                        "no_change_before_approval": opt(BOOL), "under_term_approvers": opt(LIST),
                        "at_term": opt(TEXT)},
    "term.leave_post_after": {"requires": LIST},
    "term.grassroots_experience": {"counts": BOOL, "min_years": opt(INT)},
    "term.end_grounds.*": {"grounds": LIST},
    "attendance.required_days": {"method": TEXT, "severity": SEVERITY, "basis": TEXT, "approved_leave": TEXT,
                                 "days": opt(INT), "numerator": opt(INT), "denominator": opt(INT)},
    "attendance.counted_statuses": {"statuses": LIST},
    "attendance.paid_statuses": {"statuses": LIST},
    "attendance.recorder": {"default": TEXT, "leader": opt(TEXT), "first_secretary": opt(TEXT),
                            "industry_instructor": opt(TEXT), "township_team_member": opt(ROLE),
                            "village_team_member": opt(TEXT)},
    "attendance.county_monthly_check": {"by": ROLE},
    "attendance.review_before_pay": {"role": ROLE},
    "attendance.whereabouts_board": {"fields": LIST},
    "attendance.daily_township_count": {"enabled": BOOL, "monthly_evaluation": BOOL, "county_weekly_upload": BOOL},
    "attendance.absence_recall": {"consecutive_more_than": INT, "yearly_more_than": INT},
    "leave.route.*": {"applies_to": APPLIES, "min_days": INT, "max_days": INT_OR_NULL, "stages": STAGES,
                      "filings": ROLES, "label": TEXT, "interpretation": opt(TEXT)},
    "leave.official_business_needs_request": {"enabled": BOOL},
    "leave.replacement_required": {"min_days": INT, "label": TEXT, "holds_approval": BOOL},
    "leave.emergency_channels": {"channels": LIST, "written_followup": BOOL, "followup_days": INT, "label": TEXT},
    "leave.in_advance": {"exempt_channels": LIST, "label": TEXT},
    "leave.in_principle_none": {"notice": TEXT},
    "inspection.county_monthly": {"every": TEXT, "by": ROLE, "feedback": opt(ROLE), "report_to_city": opt(TEXT)},
    "inspection.unexcused_absence": {"min_level": ANY, "window": TEXT, "steps": LIST},
    "inspection.reprimand_recall": {"count": INT},
    # an assessment kind (issue 10): who grades and is consulted (role codes), the grades, who is eligible
    "assessment.annual": ASSESSMENT_KIND,
    "assessment.term_end": ASSESSMENT_KIND,
    "assessment.semi_annual": ASSESSMENT_KIND | {"by": opt(ANY), "parts": LIST, "ranked": BOOL},
    "assessment.excellent_quota": {"max_share": SHARE_OR_NULL, "severity": SEVERITY,
                                   "outside_dispatch_unit_quota": opt(BOOL), "may_be_raised": opt(BOOL),
                                   "separate": opt(BOOL)},
    "assessment.min_months_stationed": {"months": INT},
    "assessment.incompetent_recall": {"grades": LIST},
    "assessment.poll_threshold": {"min_share": SHARE},
    # personnel cases (issue 11): who proposes, stages in order (joint inside a stage), filings, consequences
    "case.route.*": {"applies_to": DICT, "proposers": ROLES, "stages": STAGES, "filings": ROLES,
                     "successor_required": BOOL, "requires_steps": LIST, "consequences": LIST, "label": TEXT,
                     "flag_grounds": opt(DICT)},
    "subsidy.meal_per_day": {"amount": RATE},
    "subsidy.township_allowance": {"monthly": RATE, "after_months": INT, "continuity": BOOL,
                                   "dispatch_levels": opt(LIST)},
    "subsidy.trips": {"max_per_month": INT, "basis": TEXT, "per_km": opt(RATE), "self_driving_only": opt(BOOL),
                      "dispatch_levels": opt(LIST), "one_car_per_team": opt(BOOL), "no_tolls": opt(BOOL),
                      "not_with_transport_allowance": opt(BOOL), "label": opt(TEXT)},
    "subsidy.living_per_day": {"city": opt(RATE), "county": opt(RATE), "province": opt(RATE), "levels": opt(DICT),
                               "amount": opt(RATE), "exclusive": opt(BOOL)},
    "subsidy.communication_monthly": {"amount": RATE},
    "subsidy.transport_per_day": {"amount": RATE},
    "subsidy.communication_per_day": {"amount": RATE},
    "subsidy.work_allowance_monthly": {"amount": RATE, "dispatch_levels": LIST, "prorate": BOOL},
    "funds.signers": {"roles": ROLES, "signers_default": opt(BOOL)},
    "funds.forbidden_categories": {"categories": LIST},
    "funds.allowed_categories": {"categories": LIST, "exhaustive": BOOL},
    "funds.budget": {"source": TEXT, "min_per_team": opt(RATE), "custody": opt(TEXT), "by_kind": opt(DICT),
                     "dispatch_levels": opt(LIST), "by_host": opt(DICT), "host_notes": opt(DICT),
                     "per_person": opt(DICT), "per_person_dispatch_levels": opt(LIST), "custody_by_kind": opt(DICT)},
    "funds.no_overspend": {"hard": BOOL},
    "duties.group_study": {"min_per_month": INT},
    "duties.team_meeting": {"every": opt(TEXT), "severity": opt(SEVERITY), "county_leaders_meeting": opt(TEXT),
                            "presence_check": opt(TEXT)},
    "duties.diary": {"weekly": BOOL, "monthly_summary": BOOL, "with_on_duty_registration": opt(BOOL),
                     "ledger": opt(BOOL)},
    "duties.reports": {"team": opt(TEXT), "member": opt(TEXT), "annual_summary_due": opt(DICT), "to": opt(ROLES),
                       "member_to": opt(ROLES)},
    "duties.research_reports": {"per_year": INT},
    "duties.household_pairing": {"households": INT, "visits_per_quarter": INT},
    "duties.yearly_checks": {"physical_exam": BOOL, "accident_insurance": BOOL, "insurance_by": opt(DICT)},
    "duties.training": {"min_per_term": opt(INT), "level": opt(TEXT), "severity": opt(SEVERITY),
                        "leaders_per_year": opt(INT), "first_secretaries_per_year": opt(INT),
                        "systematic_per_cadre": opt(INT), "all_members_per_year": opt(INT)},
}

ROUTE_PREFIX = "leave.route."

# Feature → (Chinese name, keys it needs; a key ending in "*" needs at least one row of that family).
FEATURES = {
    "leave": ("请销假审批", ["leave.route.*"]),
    "attendance": ("考勤", ["attendance.required_days", "attendance.counted_statuses"]),
    "subsidies": ("补助核算", ["attendance.paid_statuses"]),
    "assessment": ("年度考核", ["assessment.annual"]),
    "funds": ("工作经费", ["funds.signers"]),
}


def schema_for(key: str) -> dict[str, Spec] | None:
    if key in SCHEMAS:
        return SCHEMAS[key]
    for family, schema in SCHEMAS.items():
        if family.endswith("*") and key.startswith(family[:-1]) and len(key) > len(family) - 1:
            return schema
    return None


def _decimal(raw) -> Decimal | None:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        return None
    try:
        return Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return None


def _roles_problem(raw) -> str | None:
    if not isinstance(raw, list) or not all(isinstance(r, str) for r in raw):
        return "应为角色代码的列表"
    unknown = [r for r in raw if r not in ROLE_CODES]
    return f"系统没有角色“{'、'.join(unknown)}”" if unknown else None


def _problem(spec: Spec, raw) -> str | None:
    """What is wrong with one field's value, in Chinese (None: fine)."""
    kind = spec.kind
    if kind == "any":
        return None
    if kind == "bool":
        return None if isinstance(raw, bool) else "应为 true 或 false"
    if kind in ("int", "int_or_null"):
        if raw is None and kind == "int_or_null":
            return None
        if isinstance(raw, bool) or not isinstance(raw, int):
            return "应为整数"
        return "不能为负数" if raw < 0 else None
    if kind == "rate":
        if raw is None:
            return None  # open: the admin enters it later; a run that needs it refuses (rate_missing)
        amount = _decimal(raw) if isinstance(raw, str) else None
        if amount is None:
            return "应为金额字符串（元，两位小数，如 \"100.00\"），文件未定的标准填 null"
        if amount < 0:
            return "金额不能为负数"
        return None if amount == amount.quantize(Decimal("0.01")) else "金额最多两位小数"
    if kind in ("share", "share_or_null"):
        if raw is None and kind == "share_or_null":
            return None
        share = _decimal(raw)
        if share is None:
            return "应为0到1之间的比例（如 \"0.20\" 表示20%）"
        if share < 0:
            return "比例不能为负数"
        return "比例不能超过100%（1）" if share > 1 else None
    if kind == "severity":
        return None if raw in ("hard", "soft") else "应为 hard（必须/不得）或 soft（原则上）"
    if kind == "role":
        if not isinstance(raw, str):
            return "应为角色代码"
        return None if raw in ROLE_CODES else f"系统没有角色“{raw}”"
    if kind == "roles":
        return _roles_problem(raw)
    if kind == "stages":
        if not isinstance(raw, list) or not raw:
            return "应为审批环节的列表（每个环节是共同审批的角色列表）"
        for stage in raw:
            problem = _roles_problem(stage)
            if problem or not stage:
                return problem or "审批环节不能为空"
        return None
    if kind == "applies":
        if not isinstance(raw, dict) or set(raw) - {"role", "dispatch_level"}:
            return "应为 {role, dispatch_level}"
        if raw.get("role", "any") not in ("any", "member", "leader"):
            return "role 应为 any、member 或 leader"
        if raw.get("dispatch_level", "any") not in ("any", "city", "not_city"):
            return "dispatch_level 应为 any、city 或 not_city"
        return None
    if kind == "text":
        return None if isinstance(raw, str) else "应为文字"
    if kind == "list":
        return None if isinstance(raw, list) else "应为列表"
    if kind == "dict":
        return None if isinstance(raw, dict) else "应为对象"
    raise AssertionError(kind)  # pragma: no cover


def validate_value(key: str, value) -> list[dict]:
    """Errors of one row's value against its key's schema."""
    schema = schema_for(key)
    if schema is None:
        return [{"key": key, "field": None, "detail": "未知的规则键（系统没有这条规则的格式定义）"}]
    if not isinstance(value, dict):
        return [{"key": key, "field": None, "detail": "取值应为对象（字段: 值）"}]
    errors = [{"key": key, "field": name, "detail": "缺少必填字段"}
              for name, spec in schema.items() if not spec.optional and name not in value]
    errors += [{"key": key, "field": name, "detail": "未知字段"} for name in value if name not in schema]
    for name, raw in value.items():
        if name in schema:
            problem = _problem(schema[name], raw)
            if problem:
                errors.append({"key": key, "field": name, "detail": problem})
    if key.startswith(ROUTE_PREFIX) and not errors:
        high = value["max_days"]
        if value["min_days"] < 1:
            errors.append({"key": key, "field": "min_days", "detail": "请假天数从1天起"})
        elif high is not None and high < value["min_days"]:
            errors.append({"key": key, "field": "max_days", "detail": "不能小于 min_days"})
    return errors


def _route_applies(applies: dict, role: str, level: str) -> bool:
    r, d = applies.get("role", "any"), applies.get("dispatch_level", "any")
    return r in ("any", role) and (d == "any" or d == level or (d == "not_city" and level != "city"))


def route_coverage_errors(routes: dict[str, dict]) -> list[dict]:
    """Leave routes (key → value) must give every day count from 1 up exactly one route, for a member and a
    leader, sent by a city unit or not: overlapping or gapped routes are refused."""
    if not routes:
        return []
    errors = []
    for role, role_name in (("member", "队员"), ("leader", "队长")):
        for level, level_name in (("city", "市直单位选派"), ("county", "非市直单位选派")):
            spans = sorted((v["min_days"], v["max_days"], k) for k, v in routes.items()
                           if _route_applies(v["applies_to"], role, level))
            who = f"{role_name}（{level_name}）"
            expect = 1
            for low, high, key in spans:
                if expect is None or low < expect:
                    errors.append({"key": key, "field": "min_days",
                                   "detail": f"{who}请假{low}天起与另一条审批路径重叠：每个天数只能有一条路径"})
                elif low > expect:
                    errors.append({"key": key, "field": "min_days",
                                   "detail": f"{who}请假{expect}–{low - 1}天没有审批路径"})
                expect = None if high is None else max(high + 1, expect or 0)
            if expect is not None:
                key = spans[-1][2] if spans else sorted(routes)[0]
                errors.append({"key": key, "field": "max_days",
                               "detail": f"{who}请假{expect}天以上没有审批路径"})
    seen, unique = set(), []
    for e in errors:
        if (e["key"], e["field"], e["detail"]) not in seen:
            seen.add((e["key"], e["field"], e["detail"]))
            unique.append(e)
    return unique


def validate_rows(values: dict[str, object]) -> list[dict]:
    """Errors of a whole set of rows in force together (a pack): each row, then the leave routes together."""
    errors = [e for key, value in sorted(values.items()) for e in validate_value(key, value)]
    if not errors:
        errors = route_coverage_errors({k: v for k, v in values.items() if k.startswith(ROUTE_PREFIX)})
    return errors


def check_rows(values: dict[str, object]) -> None:
    errors = validate_rows(values)
    if errors:
        raise InvalidPolicy(errors)


def unavailable_features(keys) -> list[dict]:
    """Features a set of keys cannot run: [{feature, label, missing: [key]}]."""
    keys = set(keys)
    out = []
    for feature, (label, needs) in FEATURES.items():
        missing = [k for k in needs if (not any(x.startswith(k[:-1]) for x in keys) if k.endswith("*") else k not in keys)]
        if missing:
            out.append({"feature": feature, "label": label, "missing": missing})
    return out
