"""Pure attendance rules: they take policy values and facts and return figures/findings. No queries."""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from jurisdictions.policy import Policy

STATUSES = ("on_duty", "official_business", "leave", "rest", "absent")
LEVEL_RANK = {"township": 0, "county": 1, "city": 2, "province": 3}

STATUS_DAY_LABELS = {"on_duty": "在岗天数", "official_business": "因公外出天数", "leave": "请假天数",
                     "rest": "休息天数", "absent": "缺勤天数"}


def interpretation(policy: Policy | None) -> str:
    """How the counted and paid days are read, stated from the jurisdiction's own policy rows
    (attendance.counted_statuses / attendance.paid_statuses), naming no other jurisdiction."""
    counted = status_set(policy, "attendance.counted_statuses")[0] if policy else {"on_duty"}
    paid = status_set(policy, "attendance.paid_statuses")[0] if policy else {"on_duty"}

    def names(statuses):
        return "＋".join(STATUS_DAY_LABELS[s] for s in STATUSES if s in statuses) or "无"

    text = f"计入天数（用于是否达标）= {names(counted)}；计发天数（用于按天补助）= {names(paid)}"
    if "official_business" not in paid:
        text += "（因公外出按差旅规定报销，不重复计发）"
    return text + "。"


@dataclass
class Required:
    days: int
    rule_ref: str
    method: str
    severity: str = "hard"
    is_default: bool = False
    yearly_average: bool = False


def required_days(policy: Policy, *, working_days: int, days_in_month: int) -> Required:
    """POLICY.md §4 required presence: statutory working days, a fixed number, or a fraction of the month."""
    pv = policy.require("attendance.required_days")
    v = pv.value
    method = v["method"]
    if method == "statutory_working_days":
        days = working_days
    elif method == "fixed":
        days = int(v["days"])
    elif method == "fraction_of_month":
        days = math.ceil(days_in_month * int(v["numerator"]) / int(v["denominator"]))
    else:
        raise ValueError(f"unknown attendance.required_days method {method!r}")
    return Required(days=days, rule_ref=pv.rule_ref, method=method, severity=v.get("severity", "hard"),
                    is_default=pv.is_default, yearly_average=bool(v.get("yearly_average")))


def status_set(policy: Policy, key: str) -> tuple[set[str], str]:
    pv = policy.get(key)
    if pv is None:
        return {"on_duty"}, ""
    return set(pv.value["statuses"]), pv.rule_ref


@dataclass
class MonthFigures:
    cadre: int
    month: str
    counts: dict
    unrecorded_days: int
    counted_days: int
    paid_days: int
    required: Required
    counted_rule_ref: str
    paid_rule_ref: str
    warnings: list = field(default_factory=list)
    interpretation: str = ""
    yearly_average_days: float | None = None
    yearly_average_months: int | None = None

    @property
    def compliant(self) -> bool:
        return self.counted_days >= self.required.days

    def as_dict(self) -> dict:
        out = {"cadre": self.cadre, "month": self.month}
        out |= {f"{s}_days": self.counts.get(s, 0) for s in STATUSES}
        out |= {
            "unrecorded_days": self.unrecorded_days,
            "counted_days": self.counted_days,
            "paid_days": self.paid_days,
            "required_days": self.required.days,
            "compliant": self.compliant,
            "rule_ref": self.required.rule_ref,
            "severity": self.required.severity,
            "required_method": self.required.method,
            "required_is_default": self.required.is_default,
            "counted_rule_ref": self.counted_rule_ref,
            "paid_rule_ref": self.paid_rule_ref,
            "interpretation": self.interpretation,
            "warnings": self.warnings,
        }
        if self.yearly_average_days is not None:
            out["yearly_average_days"] = self.yearly_average_days
            out["yearly_average_months"] = self.yearly_average_months
            out["yearly_average_compliant"] = self.yearly_average_days >= self.required.days
        return out


def month_figures(policy: Policy, *, cadre_id: int, month: str, counts: dict, days_in_month: int, working_days: int,
                  calendar_warnings: list, year_counted: list[int] | None = None) -> MonthFigures:
    """Figures of one cadre for one month. `year_counted`: counted days of each month of the year so far (this
    month included), for a required-days rule that is a yearly average (ganzhou art.16)."""
    required = required_days(policy, working_days=working_days, days_in_month=days_in_month)
    counted_statuses, counted_ref = status_set(policy, "attendance.counted_statuses")
    paid_statuses, paid_ref = status_set(policy, "attendance.paid_statuses")
    recorded = sum(counts.get(s, 0) for s in STATUSES)
    warnings = list(calendar_warnings) if required.method == "statutory_working_days" else []
    fig = MonthFigures(
        cadre=cadre_id, month=month, counts={s: counts.get(s, 0) for s in STATUSES},
        unrecorded_days=max(days_in_month - recorded, 0),
        counted_days=sum(counts.get(s, 0) for s in counted_statuses),
        paid_days=sum(counts.get(s, 0) for s in paid_statuses),
        required=required, counted_rule_ref=counted_ref, paid_rule_ref=paid_ref, warnings=warnings,
        interpretation=interpretation(policy),
    )
    if required.yearly_average and year_counted:
        fig.yearly_average_days = round(sum(year_counted) / len(year_counted), 2)
        fig.yearly_average_months = len(year_counted)
    if required.severity == "soft" and not fig.compliant:
        fig.warnings.append(f"本月计入{fig.counted_days}天，少于原则上的{required.days}天（{required.rule_ref}，软性规定，"
                            "请记录原因）。")
    return fig


# ---- recorder (who keeps a cadre's attendance) ---------------------------------------------------

def recorder_post(*, role: str, first_secretary: bool, team_kind: str) -> str:
    """The cadre's post as the policy's `attendance.recorder` names it."""
    if first_secretary:
        return "first_secretary"
    if role in ("leader", "industry_instructor"):
        return role
    return "village_team_member" if team_kind == "village" else "township_team_member"


def recorder_for(policy: Policy, post: str) -> tuple[str, str]:
    """(who keeps the attendance: township | team_leader | first_secretary, rule_ref)."""
    pv = policy.get("attendance.recorder")
    if pv is None:
        return "township", ""
    return pv.value.get(post, pv.value.get("default", "township")), pv.rule_ref


# ---- inspections and flags (POLICY.md §6) -------------------------------------------------------

@dataclass
class Consequence:
    kind: str
    rule_ref: str
    detail: str
    key: str


def unexcused_absence_consequence(policy: Policy, *, level: str, count: int) -> tuple[str, str] | None:
    """The step reached by the `count`-th unexcused absence found at or above the rule's level (inclusive):
    the highest step whose count ≤ count. None: nothing follows."""
    pv = policy.get("inspection.unexcused_absence")
    if pv is None:
        return None
    min_level = pv.value.get("min_level")
    if min_level and LEVEL_RANK[level] < LEVEL_RANK[min_level]:
        return None
    steps = sorted(pv.value["steps"], key=lambda s: s["count"])
    reached = [s for s in steps if s["count"] <= count]
    return (reached[-1]["kind"], pv.rule_ref) if reached else None


def absence_rule(policy: Policy):
    return policy.get("attendance.absence_recall")


def longest_run(days: list[date]) -> int:
    """Longest run of consecutive calendar days."""
    best = run = 0
    prev = None
    for d in sorted(set(days)):
        run = run + 1 if prev is not None and d - prev == timedelta(days=1) else 1
        best = max(best, run)
        prev = d
    return best
