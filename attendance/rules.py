"""Pure attendance rules: they take policy values and facts and return figures/findings. No queries."""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

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
    basis: str = "month"  # month | year_average
    leave_excused: bool = False
    full_days: int | None = None  # the whole month's figure, before prorating to the days in post

    @property
    def yearly_average(self) -> bool:
        return self.basis == "year_average"

    @property
    def prorated(self) -> bool:
        return self.full_days is not None and self.full_days != self.days


def required_days(policy: Policy, *, working_days: int, days_in_month: int, posted_days: int | None = None,
                  posted_working_days: int | None = None, leave_days: int = 0,
                  leave_working_days: int = 0) -> Required:
    """POLICY.md §4 required presence: statutory working days, a fixed number, or a fraction of the month, prorated to
    the days the cadre was in post (`posted_days`, `posted_working_days`; None: the whole month). Where the policy says
    approved leave is excused (`approved_leave: "excused"`, e.g. qujiang art.14, fengdu art.9), the approved leave
    days (`leave_days`, `leave_working_days`) are taken out too. A prorated fixed or fractional figure is rounded up
    (不少于: the smallest whole number of days that is not less than the share)."""
    pv = policy.require("attendance.required_days")
    v = pv.value
    method = v["method"]
    leave_excused = v.get("approved_leave") == "excused"
    posted = days_in_month if posted_days is None else posted_days
    posted_working = working_days if posted_working_days is None else posted_working_days
    if leave_excused:
        posted = max(posted - leave_days, 0)
        posted_working = max(posted_working - leave_working_days, 0)
    if method == "statutory_working_days":
        full, days = working_days, posted_working
    elif method == "fixed":
        full = int(v["days"])
        days = math.ceil(Fraction(full * posted, days_in_month))
    elif method == "fraction_of_month":
        share = Fraction(int(v["numerator"]), int(v["denominator"]))
        full = math.ceil(days_in_month * share)
        days = math.ceil(posted * share)
    else:
        raise ValueError(f"unknown attendance.required_days method {method!r}")
    basis = v.get("basis") or ("year_average" if v.get("yearly_average") else "month")
    return Required(days=days, rule_ref=pv.rule_ref, method=method, severity=v.get("severity", "hard"),
                    is_default=pv.is_default, basis=basis, leave_excused=leave_excused, full_days=full)


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
    posted_days: int | None = None
    approved_leave_days: int = 0
    # the year to date (basis year_average): counted and required days of each month in post, this month included
    year_counted: list[int] | None = None
    year_required: list[int] | None = None

    @property
    def month_compliant(self) -> bool:
        return self.counted_days >= self.required.days

    @property
    def year_to_date(self) -> bool:
        return self.required.yearly_average and bool(self.year_counted)

    @property
    def yearly_average_days(self) -> float | None:
        return round(sum(self.year_counted) / len(self.year_counted), 2) if self.year_to_date else None

    @property
    def yearly_average_required_days(self) -> float | None:
        return round(sum(self.year_required) / len(self.year_required), 2) if self.year_to_date else None

    @property
    def yearly_average_compliant(self) -> bool | None:
        return sum(self.year_counted) >= sum(self.year_required) if self.year_to_date else None

    @property
    def compliant(self) -> bool:
        """Follows the policy's basis: the year-to-date average (ganzhou art.16) or the month on its own."""
        return self.yearly_average_compliant if self.year_to_date else self.month_compliant

    @property
    def shortfall(self) -> int:
        """Days short of the requirement on the policy's basis (0 when compliant)."""
        if self.year_to_date:
            return max(sum(self.year_required) - sum(self.year_counted), 0)
        return max(self.required.days - self.counted_days, 0)

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
            "compliance_basis": self.required.basis,
            "month_compliant": self.month_compliant,
            "full_month_required_days": self.required.full_days,
            "posted_days": self.posted_days,
            "approved_leave_days": self.approved_leave_days,
            "approved_leave_excused": self.required.leave_excused,
            "shortfall_days": self.shortfall,
            "required_method": self.required.method,
            "required_is_default": self.required.is_default,
            "counted_rule_ref": self.counted_rule_ref,
            "paid_rule_ref": self.paid_rule_ref,
            "interpretation": self.interpretation,
            "warnings": self.warnings,
        }
        if self.year_to_date:
            out["yearly_average_days"] = self.yearly_average_days
            out["yearly_average_required_days"] = self.yearly_average_required_days
            out["yearly_average_months"] = len(self.year_counted)
            out["yearly_average_compliant"] = self.yearly_average_compliant
        return out


def month_figures(policy: Policy, *, cadre_id: int, month: str, counts: dict, days_in_month: int, working_days: int,
                  calendar_warnings: list, posted_days: int | None = None, posted_working_days: int | None = None,
                  leave_days: int = 0, leave_working_days: int = 0, year_counted: list[int] | None = None,
                  year_required: list[int] | None = None) -> MonthFigures:
    """Figures of one cadre for one month. `posted_*`: days in post this month (None: all); `leave_*`: approved leave
    days. `year_counted` / `year_required`: counted and required days of each month in post of the year so far (this
    month included), for a rule whose basis is the year-to-date average (ganzhou art.16)."""
    required = required_days(policy, working_days=working_days, days_in_month=days_in_month, posted_days=posted_days,
                             posted_working_days=posted_working_days, leave_days=leave_days,
                             leave_working_days=leave_working_days)
    counted_statuses, counted_ref = status_set(policy, "attendance.counted_statuses")
    paid_statuses, paid_ref = status_set(policy, "attendance.paid_statuses")
    recorded = sum(counts.get(s, 0) for s in STATUSES)
    in_post = days_in_month if posted_days is None else posted_days
    warnings = list(calendar_warnings) if required.method == "statutory_working_days" else []
    fig = MonthFigures(
        cadre=cadre_id, month=month, counts={s: counts.get(s, 0) for s in STATUSES},
        unrecorded_days=max(in_post - recorded, 0),
        counted_days=sum(counts.get(s, 0) for s in counted_statuses),
        paid_days=sum(counts.get(s, 0) for s in paid_statuses),
        required=required, counted_rule_ref=counted_ref, paid_rule_ref=paid_ref, warnings=warnings,
        interpretation=interpretation(policy), posted_days=posted_days, approved_leave_days=leave_days,
    )
    if required.yearly_average and year_counted:
        fig.year_counted = list(year_counted)
        fig.year_required = list(year_required) if year_required else [required.days] * len(year_counted)
    if required.severity == "soft" and not fig.compliant:
        fig.warnings.append(f"本月计入{fig.counted_days}天，少于原则上的{required.days}天（{required.rule_ref}，软性规定，"
                            "请记录原因）。")
    return fig


# ---- direct entry of leave and official business (ganzhou art.17, qujiang art.14) ---------------

REQUEST_ONLY_KEY = "leave.official_business_needs_request"
REQUEST_ONLY_STATUSES = ("official_business", "leave")


def request_only_statuses(policy: Policy) -> tuple[set[str], str]:
    """Statuses that only an approved leave (or official-trip) request may write, and the article; where the policy
    row `leave.official_business_needs_request` is on, `official_business` and `leave` (the regulation asks for the
    approval procedure for both)."""
    pv = policy.get(REQUEST_ONLY_KEY)
    if pv is None or not (pv.value or {}).get("enabled"):
        return set(), ""
    return set(REQUEST_ONLY_STATUSES), pv.rule_ref


def direct_entry_refused(policy: Policy, status: str) -> str:
    """The rule_ref that refuses a keeper's direct entry of `status`, or ''."""
    statuses, ref = request_only_statuses(policy)
    return ref if status in statuses else ""


# ---- county review of a confirmed sheet before pay (fengdu art.9/art.20) ----------------------------

REVIEW_KEY = "attendance.review_before_pay"


def review_rule(policy: Policy):
    """The policy row asking for a county review of confirmed sheets before pay (its value names the `role`), or
    None where the regulation asks for none."""
    pv = policy.get(REVIEW_KEY)
    return pv if pv is not None and (pv.value or {}).get("role") else None


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


def notice_recipients(policy: Policy, *, count: int) -> list[str]:
    """Who is told of the step the `count`-th unexcused absence reached: the step's `notify` list ("cadre" for the
    cadre, otherwise a role code, e.g. fengdu art.13: the cadre and the dispatch unit). Empty: a flag only."""
    pv = policy.get("inspection.unexcused_absence")
    if pv is None:
        return []
    reached = [s for s in sorted(pv.value["steps"], key=lambda s: s["count"]) if s["count"] <= count]
    return list(reached[-1].get("notify", [])) if reached else []


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
