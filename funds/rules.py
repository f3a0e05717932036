"""Working-fund rules (POLICY.md §9) as pure functions of policy values and facts. No queries."""

from dataclasses import dataclass, replace
from decimal import Decimal

from jurisdictions.money import to_money as money
from jurisdictions.policy import Policy
from teams.rules import Finding

CATEGORY_NAMES = {
    "experts_planning": "专家规划", "equipment": "设备", "printing": "印刷", "labour": "劳务",
    "study_training": "考察培训", "office_supplies": "办公生活用品", "publicity": "宣传",
    "meetings_training": "会议培训", "archives": "档案", "meals_hospitality": "餐饮招待", "personal": "个人费用",
    "other": "其他",
}
ROLE_NAMES = {"township_secretary": "乡镇党委书记", "team_leader": "队长"}
DEFAULT_SIGNER_ROLES = ["township_secretary", "team_leader"]


@dataclass(frozen=True)
class TeamFacts:
    kind: str
    host_name: str
    dispatch_level: str
    active_members: int


@dataclass(frozen=True)
class Proposal:
    amount: Decimal | None
    rule_ref: str | None
    source: str | None
    detail: str
    is_default: bool = False
    minimum: Decimal | None = None
    custody: str = ""

    def as_dict(self) -> dict:
        return {"amount": None if self.amount is None else f"{self.amount:.2f}", "rule_ref": self.rule_ref,
                "source": self.source, "detail": self.detail, "is_default": self.is_default,
                "minimum": None if self.minimum is None else f"{self.minimum:.2f}", "custody": self.custody}


def budget_proposal(policy: Policy, team: TeamFacts) -> Proposal:
    """The yearly amount the regulation names for this team, or None with the reason; with where the money
    is held when the regulation says so (`custody`, or `custody_by_kind`)."""
    proposal = _budget_proposal(policy, team)
    pv = policy.get("funds.budget")
    if pv is None:
        return proposal
    custody = (pv.value.get("custody_by_kind") or {}).get(team.kind) or pv.value.get("custody") or ""
    return replace(proposal, custody=custody)


def _budget_proposal(policy: Policy, team: TeamFacts) -> Proposal:
    pv = policy.get("funds.budget")
    if pv is None:
        return Proposal(None, None, None, "该辖区政策未规定工作经费金额，请按实际拨付填写。")
    v = pv.value
    source = v.get("source")
    by_host = v.get("by_host") or {}
    if team.kind != "village" and team.host_name in by_host:
        note = (v.get("host_notes") or {}).get(team.host_name, "")
        detail = f"{team.host_name}工作队每年{money(by_host[team.host_name])}元" + (f"（{note}）" if note else "")
        return Proposal(money(by_host[team.host_name]), pv.rule_ref, source, detail, pv.is_default)
    levels = v.get("dispatch_levels")
    by_kind = v.get("by_kind") or {}
    if team.kind in by_kind:
        if levels and team.dispatch_level not in levels:
            return Proposal(None, pv.rule_ref, source, "文件只为县级派出的工作队安排该项经费，本队不在其列。",
                            pv.is_default)
        return Proposal(money(by_kind[team.kind]), pv.rule_ref, source,
                        f"该类工作队每年{money(by_kind[team.kind])}元", pv.is_default)
    per_person = v.get("per_person") or {}
    if team.kind in per_person:
        levels = v.get("per_person_dispatch_levels")
        if levels and team.dispatch_level not in levels:
            return Proposal(None, pv.rule_ref, source, "文件只为县级选派的驻村工作队按人安排经费，本队不在其列。",
                            pv.is_default)
        rate = money(per_person[team.kind])
        return Proposal(money(rate * team.active_members), pv.rule_ref, source,
                        f"每人每年{rate}元 × 在岗队员{team.active_members}人", pv.is_default)
    if v.get("min_per_team") is not None:
        minimum = money(v["min_per_team"])
        return Proposal(minimum, pv.rule_ref, source, f"每年不少于{minimum}元（建议按下限填写，可多于此数）",
                        pv.is_default, minimum=minimum)
    return Proposal(None, pv.rule_ref, source, "文件未规定本队工作经费金额，请按实际拨付填写。", pv.is_default)


def budget_checks(policy: Policy, *, proposal: Proposal, source: str, amount: Decimal,
                  source_total: Decimal) -> list[Finding]:
    """Checks shown on an account: a floor not met (team-year total from that source), a named figure differing."""
    findings = []
    if proposal.minimum is not None and source == proposal.source and source_total < proposal.minimum:
        findings.append(Finding("budget_below_minimum", proposal.rule_ref, "hard",
                                f"本年度该来源经费合计{source_total}元，低于规定的每年不少于{proposal.minimum}元。"))
    elif (proposal.minimum is None and proposal.amount is not None and source == proposal.source
          and amount != proposal.amount):
        findings.append(Finding("budget_differs_from_policy", proposal.rule_ref, "notice",
                                f"账户金额{amount}元与政策规定的{proposal.amount}元不一致（{proposal.detail}）。"))
    return findings


def category_findings(policy: Policy, category: str) -> list[Finding]:
    """Forbidden (hard, refuse) or outside a non-exhaustive allowed list (warning)."""
    name = CATEGORY_NAMES.get(category, category)
    forbidden = policy.get("funds.forbidden_categories")
    if forbidden and category in forbidden.value.get("categories", []):
        return [Finding("category_forbidden", forbidden.rule_ref, "hard", f"工作经费不得用于{name}支出。")]
    allowed = policy.get("funds.allowed_categories")
    if allowed and category not in allowed.value.get("categories", []):
        listed = "、".join(CATEGORY_NAMES.get(c, c) for c in allowed.value.get("categories", []))
        if allowed.value.get("exhaustive", False):
            return [Finding("category_not_allowed", allowed.rule_ref, "hard",
                            f"工作经费只能用于：{listed}。")]
        return [Finding("category_outside_main_uses", allowed.rule_ref, "warning",
                        f"{name}不在文件列举的主要用途（{listed}）之内，请在用途说明中写明与帮扶工作的关系。")]
    return []


@dataclass(frozen=True)
class Signers:
    roles: list
    rule_ref: str
    is_default: bool


def required_signers(policy: Policy) -> Signers:
    pv = policy.get("funds.signers")
    if pv is None:
        return Signers(list(DEFAULT_SIGNER_ROLES), f"{policy.jurisdiction.code} default", True)
    return Signers(list(pv.value["roles"]), pv.rule_ref, pv.is_default or bool(pv.value.get("signers_default")))


def overspend(*, budget: Decimal, committed_others: Decimal, amount: Decimal) -> bool:
    """Would approved + pending spending exceed the account?"""
    return committed_others + amount > budget
