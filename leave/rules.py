"""Leave routing (POLICY.md §5) as pure functions over the policy rows in force. No queries, no jurisdiction codes.

Every route is a row `leave.route.*`: who it applies to (member/leader, city-dispatched or not), the day band,
the stages of approvers (a stage with several roles is joint) and the roles it is filed with (备案).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from jurisdictions.models import Role
from jurisdictions.policy import Policy, PolicyValue

ROUTE_PREFIX = "leave.route."
REPLACEMENT_KEY = "leave.replacement_required"
EMERGENCY_KEY = "leave.emergency_channels"
NOTICE_KEY = "leave.in_principle_none"
OFFICIAL_KEY = "leave.official_business_needs_request"
IN_ADVANCE_KEY = "leave.in_advance"


def leave_days(start: date, end: date) -> int:
    """Calendar days, both ends included (POLICY.md §5)."""
    return (end - start).days + 1


@dataclass(frozen=True)
class Routing:
    route: PolicyValue
    stages: list[list[str]]
    filings: list[str]
    replacement: PolicyValue | None = None
    followup: PolicyValue | None = None
    followup_days: int | None = None
    notices: list[dict] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        keys = [self.route.key]
        keys += [pv.key for pv in (self.replacement, self.followup) if pv is not None]
        return keys


def route_applies(value: dict, *, days: int, is_leader: bool, dispatch_level: str) -> bool:
    applies = value.get("applies_to") or {}
    role = applies.get("role", "any")
    if role == "leader" and not is_leader or role == "member" and is_leader:
        return False
    level = applies.get("dispatch_level", "any")
    if level == "city" and dispatch_level != "city" or level == "not_city" and dispatch_level == "city":
        return False
    if days < value.get("min_days", 1):
        return False
    max_days = value.get("max_days")
    return max_days is None or days <= max_days


def choose_route(policy: Policy, *, days: int, is_leader: bool, dispatch_level: str) -> PolicyValue | None:
    """The first route row (in key order) that applies."""
    for pv in policy.with_prefix(ROUTE_PREFIX):
        if route_applies(pv.value, days=days, is_leader=is_leader, dispatch_level=dispatch_level):
            return pv
    return None


def route_leave(policy: Policy, *, days: int, is_leader: bool, dispatch_level: str, channel: str) -> Routing | None:
    """Everything the rows say about one request: route, replacement (赣州 ≥15天), written follow-up for
    phone/SMS leave, and notices to show. None when no route applies."""
    pv = choose_route(policy, days=days, is_leader=is_leader, dispatch_level=dispatch_level)
    if pv is None:
        return None
    replacement = policy.get(REPLACEMENT_KEY)
    if replacement is not None and days < replacement.value.get("min_days", 10**6):
        replacement = None
    followup = policy.get(EMERGENCY_KEY)
    if followup is not None and not (followup.value.get("written_followup")
                                     and channel in followup.value.get("channels", [])):
        followup = None
    notices = []
    notice = policy.get(NOTICE_KEY)
    if notice is not None:
        notices.append({"text": notice.value.get("notice", ""), "rule_ref": notice.rule_ref})
    return Routing(route=pv, stages=[list(s) for s in pv.value.get("stages", [])],
                   filings=list(pv.value.get("filings", [])), replacement=replacement, followup=followup,
                   followup_days=followup.value.get("followup_days") if followup else None, notices=notices)


def replacement_holds_approval(route_snapshot: dict) -> str | None:
    """The rule_ref when the replacement row frozen on the request makes a named replacement a condition of the
    final approval (`holds_approval`); None when it does not (赣州 art.17 as seeded: it does not)."""
    row = (route_snapshot.get("rows") or {}).get(REPLACEMENT_KEY)
    if row and (row.get("value") or {}).get("holds_approval"):
        return row.get("rule_ref")
    return None


def late_request(policy: Policy, *, start: date, today: date, channel: str) -> PolicyValue | None:
    """The hard rule broken when leave must be asked in advance (赣州 art.17 须提前请假) and the start has passed;
    phone/SMS leave in a special case may be entered afterwards. None when allowed."""
    pv = policy.get(IN_ADVANCE_KEY)
    if pv is None or start >= today or channel in pv.value.get("exempt_channels", []):
        return None
    return pv


def followup_due(submitted_on: date, days: int | None) -> date:
    return submitted_on + timedelta(days=days or 0)


# County-level offices are named after the jurisdiction's own level: 曲江 is a 区 (区委组织部), 新丰 a 县 (县委组织部);
# in a city (赣州, 临汾) they are the offices of its 县（市、区）.
_COUNTY_LEVEL_PREFIX = {"district": "区", "county": "县", "city": "县（市、区）"}
_COUNTY_LEVEL_ROLES = {
    "county_office": "驻村工作领导小组办公室",
    "county_group": "驻村工作领导小组",
    "county_org_dept": "委组织部",
    "county_rr_bureau": "乡村振兴局",
}


def role_label(role: str, level: str | None) -> str:
    """The approver/filing office as people of this jurisdiction call it: 'county_org_dept' is 区委组织部 in a
    district, 县委组织部 in a county, 县（市、区）委组织部 in a city. Other roles keep their usual name."""
    rest = _COUNTY_LEVEL_ROLES.get(role)
    if rest is None:
        try:
            return Role(role).label
        except ValueError:
            return role
    return _COUNTY_LEVEL_PREFIX.get(level or "", "县") + rest
