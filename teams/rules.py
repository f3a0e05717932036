"""Selection and team-formation rules (POLICY.md §2, §3) as pure functions of policy values.

Each policy row under `selection.` names a check from the small library below and its
parameters; each row under `team.` a team-level check. Adding a rule to a jurisdiction is
adding a row; no code names a jurisdiction.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from jurisdictions.policy import Policy, PolicyValue

RANK_LEVEL = {
    "division": 6, "deputy_division": 5, "section": 4, "middle_manager": 4,
    "deputy_section": 3, "staff": 2, "clerk": 1, "none": 0,
}
RANK_NAMES = {"division": "正处", "deputy_division": "副处", "section": "正科", "middle_manager": "中层",
              "deputy_section": "副科", "staff": "科员", "clerk": "办事员", "none": "无"}
CATEGORY_NAMES = {"civil_servant": "公务员", "public_institution": "事业单位人员", "soe": "国企人员",
                  "university": "高校人员", "selected_graduate": "选调生",
                  "tech_commissioner": "农村科技特派员", "sanzhi_yifu": "三支一扶",
                  "graduate_volunteer": "高校毕业生志愿者", "financial_assistant": "金融助理"}


@dataclass(frozen=True)
class Finding:
    code: str
    rule_ref: str
    severity: str  # "hard" refuses; "soft" needs a recorded reason
    detail: str

    def as_dict(self) -> dict:
        return {"code": self.code, "rule_ref": self.rule_ref, "severity": self.severity, "detail": self.detail}


@dataclass(frozen=True)
class Candidate:
    """What the selection checks look at, for one proposed membership."""

    party_status: str
    party_joined_on: date | None
    work_started_on: date | None
    birth_date: date
    rank: str
    reserve_cadre: bool
    category: str
    dispatch_level: str
    role: str  # leader / member / industry_instructor
    first_secretary: bool
    on: date
    dispatch_unit_id: int | None = None
    team_unit_ids: frozenset = frozenset()  # the team's lead and member units (成员单位); empty: not listed


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def years_between(start: date | None, end: date) -> int:
    if start is None:
        return -1
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def _applies(value: dict, c: Candidate) -> bool:
    if c.category in value.get("exempt_categories", ()):  # e.g. 曲江 art.4 staff are not art.5 选派干部
        return False
    targets = value.get("applies_to", ["all"])
    if "all" in targets:
        return True
    return (("leader" in targets and c.role == "leader")
            or ("member" in targets and c.role != "leader")
            or ("first_secretary" in targets and c.first_secretary))


def _who(value: dict) -> str:
    names = {"all": "所有队员", "leader": "队长", "member": "队员", "first_secretary": "第一书记"}
    return "、".join(names[t] for t in value.get("applies_to", ["all"]))


def _check_full_party_member(v, c):
    if c.party_status != "member":
        return f"{_who(v)}须为中共正式党员。"


def _check_party_member_preferred(v, c):
    if c.party_status == "none":
        return f"{_who(v)}原则上优先选派党员。"


def _check_party_years_min(v, c):
    if years_between(c.party_joined_on, c.on) < v["years"]:
        return f"{_who(v)}党龄须满{v['years']}年。"


def _check_work_years_min(v, c):
    if years_between(c.work_started_on, c.on) < v["years"]:
        return f"{_who(v)}须有{v['years']}年以上工作经历。"


def _check_age_max(v, c):
    age = years_between(c.birth_date, c.on)
    if age > v["max"]:
        return f"{_who(v)}年龄一般不超过{v['max']}周岁（现{age}周岁）。"


def _check_rank_min(v, c):
    wanted = v.get("by_category", {}).get(c.category) or v.get("by_dispatch_level", {}).get(c.dispatch_level) \
        or v.get("min")
    if wanted is None:
        return None
    if RANK_LEVEL.get(c.rank, 0) >= RANK_LEVEL[wanted]:
        return None
    if v.get("or_reserve") and c.reserve_cadre:
        return None
    suffix = "或后备干部" if v.get("or_reserve") else ""
    return f"{_who(v)}职级应为{RANK_NAMES[wanted]}及以上{suffix}（现为{RANK_NAMES.get(c.rank, c.rank)}）。"


def _check_leader_is_first_secretary(v, c):
    if c.role == "leader" and not c.first_secretary:
        return "队长原则上由驻村第一书记兼任。"


def _check_category_in(v, c):
    if c.category not in v["categories"]:
        return (f"{_who(v)}{v.get('requirement', '')}（现为{CATEGORY_NAMES.get(c.category, c.category)}）。")


def _check_from_team_unit(v, c):
    if c.team_unit_ids and c.dispatch_unit_id not in c.team_unit_ids:
        return f"{_who(v)}应由工作队的成员单位选派（该干部的派出单位不是本队成员单位）。"


CHECKS = {
    "full_party_member": _check_full_party_member,
    "party_member_preferred": _check_party_member_preferred,
    "party_years_min": _check_party_years_min,
    "work_years_min": _check_work_years_min,
    "age_max": _check_age_max,
    "rank_min": _check_rank_min,
    "leader_is_first_secretary": _check_leader_is_first_secretary,
    "category_in": _check_category_in,
    "from_team_unit": _check_from_team_unit,
}


def _finding(pv: PolicyValue, detail: str) -> Finding:
    return Finding(code=pv.key.split(".", 1)[1], rule_ref=pv.rule_ref, severity=pv.value["severity"], detail=detail)


def selection_findings(policy: Policy, candidate: Candidate) -> list[Finding]:
    """Every `selection.*` row that the candidate fails, hard ones first."""
    findings = []
    for pv in policy.with_prefix("selection."):
        if not _applies(pv.value, candidate):
            continue
        detail = CHECKS[pv.value["check"]](pv.value, candidate)
        if detail:
            findings.append(_finding(pv, detail))
    return sorted(findings, key=lambda f: f.severity != "hard")


@dataclass(frozen=True)
class TeamFacts:
    member_count: int
    leader_count: int
    leader_is_first_secretary: bool | None
    categories: dict  # category -> active count
    leader_unit_id: int | None
    lead_unit_id: int | None
    member_unit_ids: set
    units_present: set
    term_start: date | None = None
    term_end: date | None = None




def team_checks(policy: Policy, facts: TeamFacts) -> list[Finding]:
    """Checks shown on a team (`checks` on GET teams/{id}/)."""
    out = []
    term = policy.get("term.years")
    if (term and term.value.get("minimum") and facts.term_end is not None
            and facts.term_end < add_years(facts.term_start, term.value["years"])):
        out.append(Finding("term_short", term.rule_ref, term.value.get("severity", "hard"),
                           f"任期一般不少于{term.value['years']}年。"))
    size = policy.get("team.size_min")
    if size and facts.member_count < size.value["min"]:
        out.append(_finding(size, f"工作队应不少于{size.value['min']}人（现{facts.member_count}人）。"))
    if facts.leader_count == 0:
        pv = policy.get("team.one_active_leader")
        if pv:
            out.append(Finding("no_leader", pv.rule_ref, "soft", "工作队尚未确定队长。"))
    lfs = policy.get("selection.leader_is_first_secretary")
    if lfs and facts.leader_is_first_secretary is False:
        out.append(_finding(lfs, "队长原则上由驻村第一书记兼任。"))
    comp = policy.get("team.composition")
    if comp:
        for category, (lo, hi) in comp.value["categories"].items():
            n = facts.categories.get(category, 0)
            if n < lo or (hi is not None and n > hi):
                span = f"{lo}-{hi}名" if hi is not None and hi != lo else f"{lo}名" + ("以上" if hi is None else "")
                out.append(Finding(f"composition_{category}", comp.rule_ref, comp.value["severity"],
                                   f"{CATEGORY_NAMES.get(category, category)}应配备{span}（现{n}名）。"))
    units = policy.get("team.unit_composition")
    if units and facts.lead_unit_id:
        if facts.leader_unit_id is not None and facts.leader_unit_id != facts.lead_unit_id:
            out.append(Finding("leader_not_from_lead_unit", units.rule_ref, units.value["severity"],
                               "队长应由牵头单位选派。"))
        missing = facts.member_unit_ids - facts.units_present
        if missing:
            out.append(Finding("member_unit_missing", units.rule_ref, units.value["severity"],
                               f"有{len(missing)}个成员单位尚未选派队员（每个成员单位各选派1名）。"))
    return out


# ---- personnel cases (issue 11) ---------------------------------------------------------------------------------

CASE_END_KIND = {"recall": "recall", "adjustment": "adjustment", "replacement": "adjustment"}


def case_route_prefix(policy, kind: str) -> str:
    """`case.route.<kind>.`; a mid-term replacement follows the adjustment routes unless it has its own rows."""
    own = f"case.route.{kind}."
    if policy.with_prefix(own) or kind != "replacement":
        return own
    return "case.route.adjustment."


def case_route(policy, kind: str, *, dispatch_level: str, served_from: date, on: date):
    """The first `case.route.<kind>.*` row (in key order) whose applies_to fits the cadre, or None."""
    for pv in sorted(policy.with_prefix(case_route_prefix(policy, kind)), key=lambda p: p.key):
        applies = pv.value.get("applies_to") or {}
        level = applies.get("dispatch_level", "any")
        if level == "city" and dispatch_level != "city" or level == "not_city" and dispatch_level == "city":
            continue
        under = applies.get("served_under_years")
        if under and add_years(served_from, under) <= on:
            continue
        return pv
    return None


def case_grounds(policy, kind: str) -> list[dict]:
    """[{code, label, rule_ref}] from `term.end_grounds.<kind>` (a replacement uses the adjustment grounds)."""
    pv = policy.get(f"term.end_grounds.{CASE_END_KIND.get(kind, kind)}")
    if pv is None:
        return []
    return [{"code": str(n), "label": label, "rule_ref": pv.rule_ref}
            for n, label in enumerate(pv.value["grounds"], start=1)]


def case_ground(policy, kind: str, ground) -> dict | None:
    """The ground by code ("4") or by its words."""
    for g in case_grounds(policy, kind):
        if str(ground).strip() in (g["code"], g["label"]):
            return g
    return None


def consequence_spans(route_value: dict, decided_on: date) -> list[tuple[str, date | None]]:
    """(kind, until): years 0 = to 31 December of the decision year, N = N years less a day, None = no end."""
    out = []
    for c in route_value.get("consequences", []):
        years = c.get("years")
        if years is None:
            until = None
        elif years == 0:
            until = date(decided_on.year, 12, 31)
        else:
            until = add_years(decided_on, years) - timedelta(days=1)
        out.append((c["kind"], until))
    return out


def flag_ground(route_value: dict, source: str) -> str | None:
    n = (route_value.get("flag_grounds") or {}).get(source)
    return str(n) if n else None


# ---- leaving the post at the end of the term (曲江 art.19/26, 赣州 art.18) ------------------------------------------

# The ways out that are "leaving at the end of the term"; a mid-term adjustment or a recall goes through a personnel
# case (issue 11) and is not held to `term.leave_post_after`.
LEAVING_AT_TERM_END = ("term_end", "rotation")
LEAVE_POST_REQUIREMENTS = {"term_end_assessment": "期满考核", "handover": "工作交接"}


def leave_post_missing(policy, kind: str, done: set[str]) -> tuple[PolicyValue | None, list[str]]:
    """(`term.leave_post_after` row, the requirements not yet met) for leaving by `kind`, given the requirements
    `done`. No row (or a mid-term way out): (row or None, []). A requirement this code does not know stays missing
    (a new condition in a jurisdiction's policy refuses rather than passes unchecked)."""
    row = policy.get("term.leave_post_after")
    if row is None or kind not in LEAVING_AT_TERM_END:
        return row, []
    return row, [r for r in row.value.get("requires", []) if r not in done]
