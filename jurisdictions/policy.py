"""The one resolver every rule asks: which policy value is in force for a jurisdiction on a date.

Rule functions never query; they receive a `Policy` (a snapshot of the rows in force on one day,
loaded in a single query) and read values from it. A decision stores `Policy.snapshot(keys)`
so that a later rate change never rewrites history.

The rows are kept per process (`reference_cache`: a jurisdiction's rows are read once, then again only after a write
to the policy table or the calendar, anywhere), so asking again costs no query.
"""

import copy
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from . import reference_cache
from .errors import RuleViolation
from .models import Jurisdiction, PolicyRow
from .money import to_money


@dataclass(frozen=True)
class PolicyValue:
    key: str
    value: object
    rule_ref: str
    effective_from: date
    is_default: bool = False
    note: str = ""  # why the value is what it is (shown on the policy page; not part of a decision's snapshot)

    def as_dict(self) -> dict:
        return {"value": self.value, "rule_ref": self.rule_ref, "effective_from": self.effective_from.isoformat(),
                "is_default": self.is_default}


class NoPolicy(RuleViolation):
    """No rule at all is in force for the jurisdiction on that date (before its regulation took effect):
    every run, route and check asking for that date is refused with a clear 400, never guessed."""

    code = "no_policy"


class MissingPolicy(RuleViolation, LookupError):
    """Rules are in force but not this one: the policy table lacks a row the action needs (400, not a 500)."""

    code = "missing_policy"


def _day(on: date) -> str:
    return f"{on.year}年{on.month}月{on.day}日"


def _no_policy(jurisdiction: Jurisdiction, on: date) -> NoPolicy:
    first = (PolicyRow.objects.filter(jurisdiction=jurisdiction).order_by("effective_from")
             .values_list("effective_from", flat=True).first())
    if first is None:
        detail = f"{jurisdiction.name}尚未录入任何政策规则，{_day(on)}无可适用的规则。"
    elif first > on:
        detail = (f"{_day(on)} {jurisdiction.name}的驻村管理文件尚未施行（自{first.isoformat()}起施行），"
                  f"无可适用的规则。")
    else:  # pragma: no cover - rows exist on or before `on`, so the policy is not empty
        detail = f"{_day(on)} {jurisdiction.name}无可适用的规则。"
    exc = NoPolicy(detail, rule_ref=f"{jurisdiction.code} default", overridable=False)
    exc.effective_from = first if first is not None and first > on else None  # the first day that has rules
    return exc


class Policy:
    """The rows of one jurisdiction in force on one date."""

    def __init__(self, jurisdiction: Jurisdiction, on: date, values: dict[str, PolicyValue]):
        self.jurisdiction = jurisdiction
        self.on = on
        self._values = values

    def __contains__(self, key: str) -> bool:
        return key in self._values

    def get(self, key: str) -> PolicyValue | None:
        return self._values.get(key)

    def require(self, key: str) -> PolicyValue:
        try:
            return self._values[key]
        except KeyError:
            raise MissingPolicy(
                f"{self.jurisdiction.name}在{_day(self.on)}没有生效的规则“{key}”，请管理员在政策规则中补录。",
                rule_ref=f"{self.jurisdiction.code} default", overridable=False) from None

    def value(self, key: str, default=None):
        pv = self._values.get(key)
        return default if pv is None else pv.value

    def decimal(self, key: str, field: str | None = None) -> Decimal:
        pv = self.require(key)
        raw = pv.value[field] if field else pv.value
        return to_money(raw)

    def with_prefix(self, prefix: str) -> list[PolicyValue]:
        return [v for k, v in sorted(self._values.items()) if k.startswith(prefix)]

    def snapshot(self, keys=None) -> dict:
        items = self._values.items() if keys is None else ((k, self._values[k]) for k in keys if k in self._values)
        # a copy: the values are shared with the process's cache, a stored decision must not alias them
        return copy.deepcopy({k: v.as_dict() for k, v in items})

    def items(self):
        return sorted(self._values.items())


# A version that takes a key out of force (a pack imported without it): from its date the key is absent and
# the features that need it are unavailable. Rows are never deleted, so earlier decisions stay explainable.
REMOVED = {"_removed": True}


def is_removed(value) -> bool:
    return value == REMOVED


def _rows_to_values(rows, on: date | None = None) -> dict[str, PolicyValue]:
    """The values in force on `on` (None: rows already filtered), from rows ordered by key, -effective_from."""
    values: dict[str, PolicyValue] = {}
    seen: set[str] = set()
    for row in rows:  # ordered by key, -effective_from: the first per key (on or before `on`) is in force
        if on is not None and row.effective_from > on:
            continue
        if row.key not in seen:
            seen.add(row.key)
            if is_removed(row.value):
                continue
            values[row.key] = row if isinstance(row, PolicyValue) else PolicyValue(
                row.key, row.value, row.rule_ref, row.effective_from, row.is_default, row.note)
    return values


ON_DATES_KEPT = 64  # per jurisdiction: the dates asked for most (month starts, today) resolve without a loop


class _Rows:
    """Every row (all versions) of one jurisdiction, as PolicyValues ordered by key, -effective_from, with the
    values in force on the dates asked for so far."""

    def __init__(self, rows: list[PolicyValue]):
        self.rows = rows
        self.on: dict[date, dict[str, PolicyValue]] = {}

    def values_on(self, on: date) -> dict[str, PolicyValue]:
        values = self.on.get(on)
        if values is None:
            if len(self.on) >= ON_DATES_KEPT:
                self.on.clear()
            values = self.on[on] = _rows_to_values(self.rows, on)
        return values


def _as_date(on) -> date:
    return on.date() if isinstance(on, datetime) else on


def _load_rows(jurisdiction_ids) -> tuple[dict[int, "_Rows"], object]:
    """One query: every row of these jurisdictions, and the reference stamp read by the same statement."""
    from django.db.models.expressions import RawSQL

    grouped: dict[int, list[PolicyValue]] = {jid: [] for jid in jurisdiction_ids}
    qs = PolicyRow.objects.filter(jurisdiction_id__in=jurisdiction_ids).order_by("jurisdiction_id", "key",
                                                                                 "-effective_from")
    fields = ["jurisdiction_id", "key", "value", "rule_ref", "effective_from", "is_default", "note"]
    stamp_sql = reference_cache.stamp_sql()
    if stamp_sql:
        qs, fields = qs.annotate(_stamp=RawSQL(stamp_sql, ())), [*fields, "_stamp"]  # noqa: S611 - a constant
    stamp = None
    for jid, key, value, rule_ref, effective_from, is_default, note, *rest in qs.values_list(*fields):
        grouped[jid].append(PolicyValue(key, value, rule_ref, effective_from, is_default, note))
        stamp = rest[0] if rest else None
    return {jid: _Rows(rows) for jid, rows in grouped.items()}, stamp


def _rows_of(jurisdiction_ids) -> dict[int, _Rows]:
    return reference_cache.cached_many("policy", jurisdiction_ids, _load_rows)


def policy_in_force(jurisdiction: Jurisdiction, on: date) -> Policy:
    """Every row of `jurisdiction` in force on `on`. One query at most (none while the process's copy is true).

    A date before the jurisdiction's first rows has no rules: `NoPolicy` (a 400 with code `no_policy`)."""
    on = _as_date(on)
    values = _rows_of([jurisdiction.id])[jurisdiction.id].values_on(on)
    if not values:
        raise _no_policy(jurisdiction, on)
    return Policy(jurisdiction, on, values)


def policies_in_force(jurisdictions, on: date) -> dict[int, Policy]:
    """Policies of several jurisdictions on one date, in one query at most (dashboards, batch runs).

    Unlike `policy_in_force` it does not refuse: a jurisdiction whose regulation is not yet in force gets an
    empty `Policy` (a dashboard shows it as such); `require()` on it still refuses with `missing_policy`."""
    by_id = {j.id: j for j in jurisdictions}
    on = _as_date(on)
    rows = _rows_of(list(by_id))
    return {jid: Policy(by_id[jid], on, rows[jid].values_on(on)) for jid in by_id}


def policy_value(jurisdiction: Jurisdiction, key: str, on: date) -> PolicyValue:
    """A single value in force on `on`."""
    return policy_in_force(jurisdiction, on).require(key)
