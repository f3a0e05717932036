"""Pure assessment rules: they take a `Policy` (or a period's policy snapshot) and facts; no queries."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from jurisdictions.errors import InvalidInput, RuleViolation
from jurisdictions.policy import Policy

KIND_KEYS = {"annual": "assessment.annual", "semi_annual": "assessment.semi_annual", "term_end": "assessment.term_end"}
TWO = Decimal("0.01")


def kind_row(policy: Policy, kind: str):
    """The policy row of an assessment kind; a kind the jurisdiction's regulation does not have is a 400."""
    key = KIND_KEYS.get(kind)
    if key is None:
        raise InvalidInput(f"未知的考核类型：{kind}。", code="bad_kind")
    pv = policy.get(key)
    if pv is None:
        raise RuleViolation(f"{policy.jurisdiction.name}的驻村管理文件没有规定此类考核。", code="kind_not_in_policy",
                            rule_ref=f"{policy.jurisdiction.code} default", overridable=False)
    return pv


def period_bounds(kind: str, year: int, half: int | None) -> tuple[date, date]:
    if kind == "semi_annual":
        if half not in (1, 2):
            raise InvalidInput("半年测评须指定上半年(1)或下半年(2)。", code="bad_half")
        return (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1), date(year, 12, 31))
    return date(year, 1, 1), date(year, 12, 31)


@dataclass(frozen=True)
class Quota:
    max_share: Decimal | None
    severity: str  # "hard" | "soft" | ""
    rule_ref: str

    def max_count(self, eligible: int) -> int | None:
        """The most 优秀 grades a base of `eligible` cadres allows: the share, rounded down ("不超过")."""
        if self.max_share is None:
            return None
        return int((self.max_share * eligible).to_integral_value(rounding=ROUND_FLOOR))


def quota_for(policy: Policy, kind: str, requested_share=None) -> Quota | None:
    """The excellent quota of an annual period. The policy's share caps it where the text gives one (qujiang art.25:
    a requested share above it is refused); where the text only says the share "may be raised" (ganzhou art.20,
    fengdu art.15) the org department sets it when opening the period, and without one there is no cap."""
    if kind != "annual":
        return None
    pv = policy.get("assessment.excellent_quota")
    if pv is None:
        return None
    cap = pv.value.get("max_share")
    cap = Decimal(str(cap)) if cap is not None else None
    share = cap
    if requested_share is not None:
        requested = Decimal(str(requested_share)).quantize(TWO, ROUND_HALF_UP)
        if not (Decimal(0) < requested <= 1):
            raise InvalidInput("优秀比例须在0到1之间。", code="bad_share")
        if cap is not None and requested > cap:
            raise RuleViolation(f"优秀比例最高不超过{cap * 100:.0f}%。", code="quota_above_policy",
                                rule_ref=pv.rule_ref, overridable=False)
        share = requested
    return Quota(share, pv.value.get("severity", "hard"), pv.rule_ref)


def months_stationed(spans: list[tuple[date, date]], start: date, end: date) -> Decimal:
    """Months in post within [start, end]: calendar days in post × 12 / days in the year, one decimal."""
    days = set()
    for a, b in spans:
        a, b = max(a, start), min(b, end)
        while a <= b:
            days.add(a)
            a += timedelta(days=1)
    year_days = 366 if (start.year % 4 == 0 and start.year % 100 != 0) or start.year % 400 == 0 else 365
    return (Decimal(len(days)) * 12 / year_days).quantize(Decimal("0.1"), ROUND_HALF_UP)


def eligibility(policy: Policy, kind: str, *, months: Decimal, term_ends_in_period: bool) -> tuple[bool, str, str]:
    """(eligible, reason, rule_ref). Fengdu art.15: only cadres stationed 6 months or more (“6个月以上”, 6 included)
    are assessed by the county. Term-end: only the cadres whose term ends in the period."""
    pv = kind_row(policy, kind)
    if pv.value.get("eligibility") == "term_ends" and not term_ends_in_period:
        return False, "任期不在本期届满", pv.rule_ref
    if kind == "annual":
        mm = policy.get("assessment.min_months_stationed")
        if mm is not None and months < Decimal(mm.value["months"]):
            return False, f"当年驻村{months}个月，不满{mm.value['months']}个月", mm.rule_ref
    return True, "", pv.rule_ref


def poll_check(favourable, total) -> None:
    if favourable is None or total is None or favourable < 0 or total <= 0:
        raise InvalidInput("测评票数须为非负整数，总票数须大于0。", code="bad_poll")
    if favourable > total:
        raise InvalidInput("满意票不能多于总票数。", code="bad_poll")


def poll_below_threshold(policy: Policy, favourable: int, total: int):
    """Linfen art.9(五)6: a satisfaction or assessment poll below 60% → recall candidate. Returns the row or None."""
    pv = policy.get("assessment.poll_threshold")
    if pv is None:
        return None
    return pv if Decimal(favourable) / Decimal(total) < Decimal(str(pv.value["min_share"])) else None


def incompetent_recall(policy: Policy, grade: str):
    pv = policy.get("assessment.incompetent_recall")
    return pv if pv is not None and grade in pv.value.get("grades", []) else None


def composite(kind_value: dict, rule_ref: str, parts_in: dict) -> tuple[dict, Decimal]:
    """Linfen art.11: composite = Σ weight × part. Part keys, weights and maxima from the kind's row; a weight the
    text leaves open (null) is asked for (400 `weight_missing`), a part out of [0, max] is a 400."""
    parts = kind_value.get("parts") or []
    if not parts:
        raise RuleViolation("此类考核不计分。", code="not_scored", rule_ref=rule_ref, overridable=False)
    missing = [p["key"] for p in parts if p.get("weight") is None]
    if missing:
        raise RuleViolation("文件未规定各部分权重，请管理员先在政策规则中录入权重。", code="weight_missing",
                            rule_ref=rule_ref, overridable=False,
                            errors=[{"key": "assessment.semi_annual", "field": f"parts.{k}.weight", "rule_ref": rule_ref}
                                    for k in missing])
    unknown = set(parts_in) - {p["key"] for p in parts}
    if unknown:
        raise InvalidInput(f"未知的评分项目：{'、'.join(sorted(unknown))}。", code="bad_part")
    out, total = {}, Decimal(0)
    for p in parts:
        raw = parts_in.get(p["key"])
        if raw is None:
            raise InvalidInput(f"缺少评分项目：{p['key']}。", code="bad_part")
        try:
            value = Decimal(str(raw)).quantize(TWO, ROUND_HALF_UP)
        except Exception:  # noqa: BLE001 - any unparsable number is a 400
            raise InvalidInput(f"{p['key']}的分值应为数字。", code="bad_score") from None
        top = Decimal(str(p.get("max", 100)))
        if not (Decimal(0) <= value <= top):
            raise InvalidInput(f"{p['key']}的分值应在0到{top}之间。", code="score_out_of_range")
        weight = Decimal(str(p["weight"]))
        out[p["key"]] = str(value)
        total += weight * value
    return out, total.quantize(TWO, ROUND_HALF_UP)


def ranks(scores: list[tuple[int, Decimal]]) -> dict[int, int]:
    """Competition ranking (1, 2, 2, 4) by score, highest first."""
    ordered = sorted(scores, key=lambda t: -t[1])
    out, prev, rank = {}, None, 0
    for i, (pk, s) in enumerate(ordered, 1):
        if s != prev:
            rank, prev = i, s
        out[pk] = rank
    return out
