"""The one resolver every rule asks: which policy value is in force for a jurisdiction on a date.

Rule functions never query; they receive a `Policy` (a snapshot of the rows in force on one day,
loaded in a single query) and read values from it. A decision stores `Policy.snapshot(keys)`
so that a later rate change never rewrites history.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .models import Jurisdiction, PolicyRow
from .money import to_money


@dataclass(frozen=True)
class PolicyValue:
    key: str
    value: object
    rule_ref: str
    effective_from: date
    is_default: bool = False

    def as_dict(self) -> dict:
        return {"value": self.value, "rule_ref": self.rule_ref, "effective_from": self.effective_from.isoformat(),
                "is_default": self.is_default}


class MissingPolicy(LookupError):
    pass


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
            raise MissingPolicy(f"{self.jurisdiction.code}: no policy row '{key}' in force on {self.on}") from None

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
        return {k: v.as_dict() for k, v in items}

    def items(self):
        return sorted(self._values.items())


def _rows_to_values(rows) -> dict[str, PolicyValue]:
    values: dict[str, PolicyValue] = {}
    for row in rows:  # ordered by key, -effective_from: the first per key is in force
        if row.key not in values:
            values[row.key] = PolicyValue(row.key, row.value, row.rule_ref, row.effective_from, row.is_default)
    return values


def policy_in_force(jurisdiction: Jurisdiction, on: date) -> Policy:
    """Every row of `jurisdiction` in force on `on`. One query."""
    rows = (
        PolicyRow.objects.filter(jurisdiction=jurisdiction, effective_from__lte=on)
        .order_by("key", "-effective_from")
        .only("key", "value", "rule_ref", "effective_from", "is_default")
    )
    return Policy(jurisdiction, on, _rows_to_values(rows))


def policies_in_force(jurisdictions, on: date) -> dict[int, Policy]:
    """Policies of several jurisdictions on one date, in one query (dashboards, batch runs)."""
    by_id = {j.id: j for j in jurisdictions}
    rows = (
        PolicyRow.objects.filter(jurisdiction_id__in=by_id, effective_from__lte=on)
        .order_by("jurisdiction_id", "key", "-effective_from")
    )
    grouped: dict[int, list] = {jid: [] for jid in by_id}
    for row in rows:
        grouped[row.jurisdiction_id].append(row)
    return {jid: Policy(by_id[jid], on, _rows_to_values(grouped[jid])) for jid in by_id}


def policy_value(jurisdiction: Jurisdiction, key: str, on: date) -> PolicyValue:
    """A single value in force on `on`."""
    return policy_in_force(jurisdiction, on).require(key)
