"""Pure allowance rules (POLICY.md §8): a Policy + one cadre's facts for a month → statement lines.

No queries. Every line carries the rule_ref of the policy row it comes from. Rates are read only from
the policy: the run resolves `policy_in_force(jurisdiction, first day of the month)`, so a rate whose
row takes effect on the 1st applies to that whole month, and one taking effect mid-month applies from
the next month.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from jurisdictions.money import to_money as money
from jurisdictions.policy import Policy

ZERO = Decimal("0.00")
# Ganzhou art.27: "市级标准" for cadres of city (and higher) units, the county's own rate otherwise.
DEFAULT_LEVEL_RATE = {"central": "city", "province": "city", "city": "city", "county": "county"}


def month_last(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Stint:
    """A membership period; `end` None while active."""

    start: date
    end: date | None = None


@dataclass(frozen=True)
class TripFact:
    trip_id: int
    date: date
    amount: Decimal
    basis: str
    km: Decimal | None = None


@dataclass
class CadreFacts:
    cadre_id: int
    dispatch_level: str
    status_days: dict[str, int] = field(default_factory=dict)
    stints: list[Stint] = field(default_factory=list)
    communication_paid_by_unit: bool = False
    transport_allowance_paid: bool = False
    trips: list[TripFact] = field(default_factory=list)


@dataclass(frozen=True)
class LineOut:
    kind: str
    quantity: int
    rate: Decimal
    amount: Decimal
    rule_ref: str
    note: str = ""
    base_kind: str = ""
    for_month: date | None = None
    trip_ids: tuple = ()


def paid_days(policy: Policy, status_days: dict[str, int]) -> int:
    """Paid days = statuses in `attendance.paid_statuses` (on_duty only, POLICY.md §4)."""
    statuses = policy.value("attendance.paid_statuses", {"statuses": ["on_duty"]})["statuses"]
    return sum(status_days.get(s, 0) for s in statuses)


def days_in_post(stints: list[Stint], first: date, last: date, *, not_before: date | None = None) -> int:
    """Calendar days of the month covered by a membership (optionally only from `not_before`)."""
    lo_bound = max(first, not_before) if not_before else first
    spans = sorted((max(s.start, lo_bound), min(s.end or last, last)) for s in stints)
    total, reach = 0, None
    for lo, hi in spans:  # merge overlapping memberships so no day counts twice
        if reach is not None and lo <= reach:
            lo = reach + timedelta(days=1)
        if hi >= lo:
            total += (hi - lo).days + 1
            reach = hi if reach is None else max(reach, hi)
    return total


def service_start(stints: list[Stint], on: date, *, continuity: bool) -> date | None:
    """Start of the stay that counts on `on`. With continuity, a stint starting the day after the previous
    ended (or overlapping it) continues the same stay; without it, each membership starts afresh."""
    start = None
    reach = None  # the last day covered by the stay so far (date.max while a membership is open)
    for s in sorted(stints, key=lambda s: s.start):
        if s.start > on:
            break
        if start is None or not continuity or s.start - timedelta(days=1) > reach:
            start = s.start
        end = s.end or date.max
        reach = end if reach is None or not continuity else max(reach, end)
    return start


def prorate(monthly: Decimal, days: int, month_days: int) -> Decimal:
    """A monthly amount for `days` calendar days in post, rounded to the fen (POLICY.md §8 default)."""
    if days >= month_days:
        return money(monthly)
    return money(Decimal(monthly) * days / month_days)


def _monthly_line(kind, monthly: Decimal, days: int, month_days: int, rule_ref: str, what: str) -> LineOut | None:
    """A monthly amount for the days in post. Quantity × rate = amount on every line: a full month is 1 × the
    monthly rate; a part month is 1 × the prorated amount, the note saying how many days it covers."""
    if days <= 0:
        return None
    amount = prorate(monthly, days, month_days)
    if days >= month_days:
        note = f"整月，月标准{money(monthly)}元"
    else:
        note = f"在岗{days}/{month_days}天，按日历天数折算（月标准{money(monthly)}元）"
    return LineOut(kind, 1, amount, amount, rule_ref, f"{what}，{note}")


@dataclass(frozen=True)
class MissingRate:
    """A rate the regulation leaves open (null in the policy row) that a cadre would be paid under."""

    key: str
    field: str
    rule_ref: str
    month: date | None = None  # the month whose policy leaves it open (a re-checked month may be earlier)

    def as_dict(self) -> dict:
        return {"key": self.key, "field": self.field, "rule_ref": self.rule_ref}


def open_rates(policy: Policy) -> list[MissingRate]:
    """Rates of the `subsidy.*` rows left null (the text gives no figure and nobody has entered one yet)."""
    return [MissingRate(pv.key, name, pv.rule_ref) for pv in policy.with_prefix("subsidy.")
            if isinstance(pv.value, dict) for name, raw in pv.value.items() if raw is None]


def _rate(pv, name: str, missing: set | None, month: date | None = None) -> Decimal | None:
    """The rate `pv.value[name]`; None (and recorded in `missing`) while the text's open rate is not entered.
    Never a figure of our own: an open rate is not paid until a jurisdiction admin enters it."""
    raw = pv.value.get(name)
    if raw is None:
        if missing is None:
            raise KeyError(f"rate {pv.key}.{name} ({pv.rule_ref}) not entered")
        missing.add(MissingRate(pv.key, name, pv.rule_ref, month))
        return None
    return money(raw)


def _applies_to(pv, dispatch_level: str) -> bool:
    levels = pv.value.get("dispatch_levels")
    return not levels or dispatch_level in levels


def statement_lines(policy: Policy, facts: CadreFacts, month: date, missing: set | None = None) -> list[LineOut]:
    """Every line the cadre is owed for `month` (first day), in a stable order. A rate left open by the text
    is recorded in `missing` (the run refuses before computing) and raises without it."""
    first, last = month, month_last(month)
    month_days = last.day
    days = paid_days(policy, facts.status_days)
    in_post = days_in_post(facts.stints, first, last)
    lines: list[LineOut] = []

    def per_day(kind, pv, name, what):
        if days <= 0:
            return
        rate = _rate(pv, name, missing, month)
        if rate is not None and rate > 0:
            lines.append(LineOut(kind, days, rate, money(rate * days), pv.rule_ref, f"{what}×驻村天数"))

    meal = policy.get("subsidy.meal_per_day")
    if meal:
        per_day("meal", meal, "amount", "伙食补助")

    living = policy.get("subsidy.living_per_day")
    if living:
        v = living.value
        name = "amount" if "amount" in v else v.get("levels", DEFAULT_LEVEL_RATE).get(facts.dispatch_level, "county")
        per_day("living", living, name, "生活补助")
        if v.get("exclusive"):  # Fengdu art.20: nothing else is paid
            return [dataclass_with_base(ln, month) for ln in lines]

    for kind, key, what in (("transport", "subsidy.transport_per_day", "交通补贴"),
                            ("communication", "subsidy.communication_per_day", "通信补贴")):
        pv = policy.get(key)
        if pv:
            per_day(kind, pv, "amount", what)

    work = policy.get("subsidy.work_allowance_monthly")
    if work and _applies_to(work, facts.dispatch_level) and in_post > 0:
        rate = _rate(work, "amount", missing, month)
        ln = rate is not None and _monthly_line("work_allowance", rate, in_post, month_days, work.rule_ref, "工作补助")
        if ln:
            lines.append(ln)

    town = policy.get("subsidy.township_allowance")
    if town and _applies_to(town, facts.dispatch_level):  # Xinfeng sec.六(一): county-unit staff only
        ln = township_allowance_line(policy, facts.stints, first, last, missing)
        if ln:
            lines.append(ln)

    comm = policy.get("subsidy.communication_monthly")
    if comm and not facts.communication_paid_by_unit and in_post > 0:
        rate = _rate(comm, "amount", missing, month)
        ln = rate is not None and _monthly_line("communication", rate, in_post, month_days, comm.rule_ref, "通信补贴")
        if ln:
            lines.append(ln)

    lines.extend(trip_lines(policy, facts.trips))
    return [dataclass_with_base(ln, month) for ln in lines]


def township_allowance_line(policy: Policy, stints: list[Stint], first: date, last: date,
                            missing: set | None = None) -> LineOut | None:
    """From the 7th month in post (after `after_months` full months), at the local monthly rate, prorated
    by the days of the month on which the cadre is past the waiting period."""
    pv = policy.require("subsidy.township_allowance")
    v = pv.value
    start = service_start(stints, last, continuity=bool(v.get("continuity")))
    if start is None:
        return None
    eligible_from = add_months(start, int(v.get("after_months", 6)))
    days = days_in_post(stints, first, last, not_before=max(eligible_from, start))
    if days <= 0:
        return None
    rate = _rate(pv, "monthly", missing, first)
    if rate is None:
        return None
    month_days = last.day
    what = (f"乡镇工作补贴（连续驻点自{start:%Y-%m-%d}起，满{v.get('after_months', 6)}个月后"
            f"自{eligible_from:%Y-%m-%d}起发放）")
    return _monthly_line("township_allowance", rate, days, month_days, pv.rule_ref, what)


def trip_lines(policy: Policy, trips: list[TripFact]) -> list[LineOut]:
    """Round trips of the month. The monthly cap is a hard rule enforced when a trip is recorded (under a row
    lock), so every recorded trip is payable; a trip left out here would otherwise come back as "late"."""
    pv = policy.get("subsidy.trips")
    if not pv or not trips:
        return []
    paid = sorted(trips, key=lambda t: (t.date, t.trip_id))
    if pv.value.get("basis") == "per_km":
        by_rate: dict[Decimal, list[TripFact]] = {}
        for t in paid:
            by_rate.setdefault(money(t.amount), []).append(t)
        return [LineOut("transport", len(ts), rate, money(rate * len(ts)), pv.rule_ref,
                        f"自驾往返{len(ts)}次，单程{ts[0].km}公里×2×{pv.value.get('per_km')}元/公里",
                        trip_ids=tuple(t.trip_id for t in ts)) for rate, ts in by_rate.items()]
    label = pv.value.get("label", "往返交通")
    return [LineOut("transport", 1, money(t.amount), money(t.amount), pv.rule_ref, f"{t.date:%m-%d} {label}凭票报销",
                    trip_ids=(t.trip_id,)) for t in paid]


def late_trip_lines(policy: Policy, trips: list[TripFact], month: date) -> list[LineOut]:
    """Trips of earlier months reported after their month: paid now as adjustments for their month."""
    pv = policy.get("subsidy.trips")
    ref = pv.rule_ref if pv else ""
    return [LineOut("adjustment", 1, money(t.amount), money(t.amount), ref, f"{t.date:%Y-%m-%d} 往返交通（迟报，补发）",
                    "transport", t.date.replace(day=1), (t.trip_id,))
            for t in sorted(trips, key=lambda t: (t.date, t.trip_id)) if t.date < month]


def trip_amount(policy: Policy, *, km: Decimal | None, receipt: Decimal | None) -> Decimal:
    """The reimbursable amount of one round trip: 2 × one-way km × rate, or the receipt."""
    v = policy.require("subsidy.trips").value
    if v.get("basis") == "per_km":
        return money(Decimal(2) * Decimal(km) * Decimal(str(v["per_km"])))
    return money(receipt)


def dataclass_with_base(ln: LineOut, month: date) -> LineOut:
    return LineOut(ln.kind, ln.quantity, ln.rate, ln.amount, ln.rule_ref, ln.note, ln.base_kind or ln.kind,
                   ln.for_month or month, ln.trip_ids)


def adjustment_lines(*, month_for: date, expected: list[LineOut], paid_by_kind: dict[str, Decimal],
                     reason: str, paid_refs: dict[str, str] | None = None) -> list[LineOut]:
    """What was owed for an earlier month minus what was paid for it, per kind (trips excluded: they are
    paid by the run that first sees them). A difference becomes an `adjustment` line with its reason."""
    owed: dict[str, Decimal] = {}
    refs: dict[str, str] = {}
    for ln in expected:
        if ln.kind == "transport":
            continue
        owed[ln.kind] = owed.get(ln.kind, ZERO) + ln.amount
        refs.setdefault(ln.kind, ln.rule_ref)
    out = []
    for kind in sorted(set(owed) | {k for k in paid_by_kind if k != "transport"}):
        diff = money(owed.get(kind, ZERO) - paid_by_kind.get(kind, ZERO))
        if diff != ZERO:
            verb = "补发" if diff > 0 else "扣回"
            # a kind paid but no longer owed keeps the article it was paid under
            ref = refs.get(kind) or (paid_refs or {}).get(kind, "")
            out.append(LineOut("adjustment", 1, diff, diff, ref,
                               f"{month_for:%Y-%m} {KIND_LABELS.get(kind, kind)}{verb}：应发"
                               f"{money(owed.get(kind, ZERO))}，已发{money(paid_by_kind.get(kind, ZERO))}（{reason}）",
                               base_kind=kind, for_month=month_for))
    return out


KIND_LABELS = {"meal": "伙食补助", "living": "生活补助", "work_allowance": "工作补助",
               "township_allowance": "乡镇工作补贴", "transport": "交通", "communication": "通信", "adjustment": "调整"}
