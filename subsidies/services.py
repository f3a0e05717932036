"""Every write of the allowance domain (POLICY.md §8): trips, runs, statements."""

import io
from collections import defaultdict
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.utils import timezone

from attendance.models import AttendanceSheet, DailyRecord, Status
from attendance.rules import review_rule
from attendance.selectors import payable_township_ids
from jurisdictions.audit import audit_record
from jurisdictions.errors import InvalidInput, NotPermitted, RuleViolation
from jurisdictions.models import Jurisdiction, OrgUnit, Role
from jurisdictions.policy import Policy, policy_in_force
from jurisdictions.scoping import scope_for
from teams.models import Cadre, Membership

from . import rules
from .models import CadreAllowanceProfile, Line, Statement, SubsidyRun, Trip

CHUNK = 5000  # cadres per chunk: read, computed and written (one transaction) together; memory is bounded by it
LOOKBACK_MONTHS = 3  # issued months re-checked by each run; differences become adjustment lines
RUN_ROLES = {Role.FINANCE, Role.JURISDICTION_ADMIN}
TRIP_ROLES = {Role.FINANCE, Role.DISPATCH_UNIT, Role.JURISDICTION_ADMIN}


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def policy_for_month(jurisdiction: Jurisdiction, month: date) -> Policy:
    """The rates of a month are those in force on its first day (stated in the UI and the README)."""
    return policy_in_force(jurisdiction, first_of_month(month))


def _snapshot(policy: Policy) -> dict:
    keys = [pv.key for pv in policy.with_prefix("subsidy.")] + ["attendance.paid_statuses"]
    return policy.snapshot(keys)


# ---- trips --------------------------------------------------------------------------------------

def _trip_refusal_ref(policy: Policy) -> str:
    living = policy.get("subsidy.living_per_day")
    if living and living.value.get("exclusive"):
        return living.rule_ref
    return f"{policy.jurisdiction.code} default"


@transaction.atomic
def trip_create(*, actor, cadre: Cadre, day: date, amount: Decimal | None = None) -> Trip:
    """Record one round trip home (往返一次). Caps and eligibility come from `subsidy.trips`."""
    scope = scope_for(actor)
    if not (scope.cadre_id == cadre.id or scope.holds_any(
            TRIP_ROLES, jurisdiction_id=cadre.jurisdiction_id, dispatch_unit_id=cadre.dispatch_unit_id)):
        raise NotPermitted("只有本人、派出单位或财务人员可以登记往返交通。")
    if day > timezone.localdate():
        raise InvalidInput("不能登记未来日期的往返交通。", code="trip_in_future")
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)  # serializes the monthly cap per cadre
    policy = policy_in_force(cadre.jurisdiction, day)
    pv = policy.get("subsidy.trips")
    if pv is None:
        raise RuleViolation("本辖区政策未规定由本系统报销往返交通。", code="trips_not_provided",
                            rule_ref=_trip_refusal_ref(policy), overridable=False)
    v = pv.value
    ref = pv.rule_ref
    levels = v.get("dispatch_levels")
    if levels and cadre.dispatch_level not in levels:
        raise RuleViolation("往返交通补助仅限市派单位干部。", code="trip_dispatch_level", rule_ref=ref,
                            overridable=False)
    if v.get("self_driving_only") and not cadre.self_driving:
        raise RuleViolation("往返交通补助仅限自行驾车往返的干部。", code="trip_not_self_driving", rule_ref=ref,
                            overridable=False)
    profile = CadreAllowanceProfile.objects.filter(cadre=cadre).first()
    if v.get("not_with_transport_allowance") and profile and profile.transport_allowance_paid:
        raise RuleViolation("已享受交通补贴的，不再报销往返交通。", code="trip_transport_allowance_paid", rule_ref=ref,
                            overridable=False)
    month_first = first_of_month(day)
    month_last = rules.month_last(month_first)
    membership = (Membership.objects.filter(cadre=cadre, start_date__lte=day).exclude(end_date__lt=day)
                  .select_related("team").order_by("-start_date").first())
    if membership is None:
        raise InvalidInput("该日期干部不在驻村任职期内。", code="trip_not_in_post")
    team = membership.team
    cap = int(v.get("max_per_month", 0))
    used = Trip.objects.filter(cadre=cadre, date__range=(month_first, month_last)).count()
    if cap and used >= cap:
        raise RuleViolation(f"往返交通每月不超过{cap}次，本月已登记{used}次。", code="trip_cap", rule_ref=ref,
                            overridable=False)
    if v.get("one_car_per_team"):
        type(team).objects.select_for_update().filter(pk=team.pk).first()
        other = Trip.objects.filter(team=team, date__range=(month_first, month_last)).exclude(cadre=cadre).first()
        if other is not None:
            raise RuleViolation("一个工作队只报销一辆车的往返交通，本月已由同队其他干部登记。", code="one_car_per_team",
                                rule_ref=ref, overridable=False)
    km = None
    if v.get("basis") == "per_km":
        if not cadre.commute_km:
            raise InvalidInput("请先在干部信息中填写单程里程。", code="commute_km_required")
        km = cadre.commute_km
        value = rules.trip_amount(policy, km=km, receipt=None)
    else:
        if amount is None or amount <= 0:
            raise InvalidInput("按票据报销，请填写票据金额。", code="receipt_amount_required")
        value = rules.trip_amount(policy, km=None, receipt=amount)
    trip = Trip.objects.create(jurisdiction=cadre.jurisdiction, cadre=cadre, team=team, date=day,
                               basis=v.get("basis", ""), km=km, amount=value, rule_ref=ref,
                               created_by=actor if actor.pk else None)
    audit_record(actor=actor, action="subsidy.trip_create", obj=trip,
                 summary=f"{cadre.name} {day} 往返交通 {value}", data={"rule_ref": ref, "amount": str(value)})
    return trip


@transaction.atomic
def allowance_profile_set(*, actor, cadre: Cadre, communication_paid_by_unit: bool | None = None,
                          transport_allowance_paid: bool | None = None, note: str = "") -> CadreAllowanceProfile:
    if not scope_for(actor).holds_any(TRIP_ROLES, jurisdiction_id=cadre.jurisdiction_id,
                                      dispatch_unit_id=cadre.dispatch_unit_id):
        raise NotPermitted("只有派出单位或财务人员可以修改补贴信息。")
    profile, _ = CadreAllowanceProfile.objects.select_for_update().get_or_create(cadre=cadre)
    if communication_paid_by_unit is not None:
        profile.communication_paid_by_unit = communication_paid_by_unit
    if transport_allowance_paid is not None:
        profile.transport_allowance_paid = transport_allowance_paid
    profile.note = note or profile.note
    profile.save()
    audit_record(actor=actor, action="subsidy.profile_set", obj=profile, jurisdiction=cadre.jurisdiction,
                 summary=f"{cadre.name} 补贴信息",
                 data={"communication_paid_by_unit": profile.communication_paid_by_unit,
                       "transport_allowance_paid": profile.transport_allowance_paid})
    return profile


# ---- runs ---------------------------------------------------------------------------------------

@transaction.atomic
def subsidy_run_create(*, actor, jurisdiction: Jurisdiction, month: date) -> SubsidyRun:
    """Queue the month's run (after commit). Finance or the jurisdiction admin only."""
    if not scope_for(actor).holds_any(RUN_ROLES, jurisdiction_id=jurisdiction.id):
        raise NotPermitted("只有辖区财务或管理员可以发起补贴核算。")
    month = first_of_month(month)
    last = rules.month_last(month)
    if last >= timezone.localdate():  # Asia/Shanghai
        raise InvalidInput(f"{month:%Y年%m月}尚未结束，月末次日起方可核算。", code="month_not_over")
    policy = policy_for_month(jurisdiction, month)  # a month before the regulation took effect: 400 no_policy
    if not AttendanceSheet.objects.filter(jurisdiction=jurisdiction, month=month).exists():
        raise InvalidInput(f"{month:%Y年%m月}本辖区尚无乡镇确认考勤表，请待考勤确认后再核算。",
                           code="no_confirmed_sheet")
    review = review_rule(policy)
    if review and not payable_township_ids(jurisdiction=jurisdiction, year=month.year, month=month.month,
                                           policy=policy):
        # fengdu art.20 "报县乡村振兴局审核后": a run now would issue the month with nobody in it
        raise RuleViolation(f"{month:%Y年%m月}已确认的考勤表均未经{Role(review.value['role']).label}审核，"
                            f"审核后方可核算补贴。", code="sheets_awaiting_review", rule_ref=review.rule_ref,
                            overridable=False)
    _refuse_open_rates(jurisdiction, month)
    run = SubsidyRun.objects.create(jurisdiction=jurisdiction, month=month, created_by=actor if actor.pk else None)
    audit_record(actor=actor, action="subsidy.run_create", obj=run,
                 summary=f"{jurisdiction.name} {month:%Y-%m} 补贴核算")

    from .tasks import subsidy_run_task

    transaction.on_commit(lambda: subsidy_run_task.delay(run.id))
    return run


@contextmanager
def _month_lock(run: SubsidyRun):
    """One run per jurisdiction and month at a time (a session advisory lock: no township row is locked)."""
    if connection.vendor != "postgresql":
        yield
        return
    key = (run.jurisdiction_id, run.month.year * 100 + run.month.month)
    with connection.cursor() as c:
        c.execute("SELECT pg_advisory_lock(%s, %s)", key)
    try:
        yield
    finally:
        with connection.cursor() as c:
            c.execute("SELECT pg_advisory_unlock(%s, %s)", key)


def subsidy_run_fail(*, run_id: int, error: str) -> None:
    SubsidyRun.objects.filter(pk=run_id).update(status=SubsidyRun.Status.FAILED, error=error[:4000],
                                                finished_at=timezone.now())


def subsidy_run_execute(*, run_id: int, chunk: int = CHUNK) -> SubsidyRun:
    """Compute a run. Not one transaction: the month is read, computed and written in chunks of `chunk` cadres (so
    memory is bounded by the chunk), each chunk committed so that progress is visible; a cadre who already has a
    statement for the month is never touched, so a failed run resumes where it stopped and a re-run of an issued
    month changes nothing."""
    run = SubsidyRun.objects.select_related("jurisdiction").get(pk=run_id)
    if run.status == SubsidyRun.Status.DONE:
        return run
    with _month_lock(run):
        run.refresh_from_db(fields=["status", "attempts"])  # a delivery of the same run may have finished it meanwhile
        if run.status == SubsidyRun.Status.DONE:
            return run
        SubsidyRun.objects.filter(pk=run.pk).update(status=SubsidyRun.Status.RUNNING, started_at=timezone.now(),
                                                    attempts=run.attempts + 1, progress=0, error="")
        try:
            _compute(run, chunk)
        except Exception as exc:
            subsidy_run_fail(run_id=run.pk, error=f"{type(exc).__name__}: {exc}")
            raise
    run.refresh_from_db()
    return run


def _missing_sheets(jurisdiction, first, last, confirmed: set[int]) -> list[dict]:
    """Townships and streets of the jurisdiction with cadres stationed (a membership overlapping the month) or
    attendance kept this month, whose sheet is not confirmed. One query (the sets are subqueries)."""
    # a probe per township on DailyRecord (township, date), not the jurisdiction's whole month of attendance
    kept = Exists(DailyRecord.objects.filter(township_id=OuterRef("id"), date__range=(first, last),
                                             jurisdiction=jurisdiction))
    stationed = (Membership.objects.filter(team__jurisdiction=jurisdiction, start_date__lte=last)
                 .filter(Q(end_date__isnull=True) | Q(end_date__gte=first)))
    rows = (OrgUnit.objects.filter(jurisdiction=jurisdiction, kind__in=(OrgUnit.Kind.TOWNSHIP, OrgUnit.Kind.STREET))
            .filter(kept | Q(id__in=stationed.values("team__host_unit_id"))
                    | Q(id__in=stationed.values("team__host_unit__parent_id")))
            .exclude(id__in=confirmed)
            # a confirmed sheet that is not payable waits for the county review (fengdu art.20): not "unconfirmed"
            .annotate(awaiting=Exists(AttendanceSheet.objects.filter(jurisdiction=jurisdiction, month=first,
                                                                     township_id=OuterRef("id"))))
            .order_by("path").values("id", "name", "awaiting"))
    return [{"township": r["id"], "name": r["name"],
             "reason": "awaiting_review" if r["awaiting"] else "unconfirmed"} for r in rows]


class _MonthFacts:
    """Everything a run of (jurisdiction, month) reads, one chunk of cadres at a time, so that memory is bounded by
    the chunk, not by the number of cadres (issue 15). `chunks(size)` walks the jurisdiction's cadres by id (keyset)
    and loads each chunk's facts into `self` before yielding: the month's attendance (and each re-checked month's)
    is one GROUP BY over the chunk's id range, and every other input is read by the same range (a fixed number of
    queries per chunk, whatever its size)."""

    def __init__(self, j: Jurisdiction, first: date, policy: Policy, confirmed: set[int], issued: list[date],
                 past_policies: dict[date, Policy]):
        self.j, self.first, self.last, self.policy = j, first, rules.month_last(first), policy
        self.confirmed, self.issued, self.past_policies = confirmed, issued, past_policies
        # confirmed sheets, and reviewed where the policy asks for a county review before pay (fengdu art.20)
        self.past_confirmed = {m: payable_township_ids(jurisdiction=j, year=m.year, month=m.month,  # 1 per issued
                                                       policy=past_policies[m]) for m in issued}
        self._memo: dict[tuple, list[rules.LineOut]] = {}  # one month's policy per month: the month keys it
        self.cadres: dict[int, dict] = {}
        self.candidates: list[int] = []

    def chunks(self, size: int):
        """Load each chunk of `size` cadres of the jurisdiction (in id order, keyset) into `self` and yield how many
        cadres it held. Queries per chunk: 6 (cadres, the month's attendance GROUP BY, statements already written,
        memberships, profiles, trips), +1 per issued month (its attendance) and +1 with issued months (paid lines)."""
        after = 0
        while True:
            cadres = list(Cadre.objects.filter(jurisdiction=self.j, id__gt=after).order_by("id").values(
                "id", "dispatch_level", "dispatch_unit_id")[:size])
            if not cadres:
                return
            self._load(cadres)
            yield len(cadres)
            if len(cadres) < size:
                return
            after = cadres[-1]["id"]

    def _load(self, cadres: list[dict]) -> None:
        j, first, last = self.j, self.first, self.last
        lo, hi = cadres[0]["id"], cadres[-1]["id"]
        in_chunk = {"cadre_id__gte": lo, "cadre_id__lte": hi}
        self.cadres = {c["id"]: c for c in cadres}
        self._memo.clear()  # bounded by the chunk too
        self.counts, self.main_township = _attendance_figures(j, first, last, self.confirmed, lo, hi)
        self.past = {m: (self.past_policies[m],
                         _attendance_figures(j, m, rules.month_last(m), self.past_confirmed[m], lo, hi)[0])
                     for m in self.issued}
        self.paid: dict[tuple[int, date], dict[str, Decimal]] = defaultdict(dict)
        self.paid_refs: dict[tuple[int, date], dict[str, str]] = defaultdict(dict)
        if self.issued:
            for r in (Line.objects.filter(statement__jurisdiction=j, for_month__in=self.issued,
                                          statement__cadre_id__gte=lo, statement__cadre_id__lte=hi)
                      .values("statement__cadre_id", "for_month", "base_kind")
                      .annotate(s=Sum("amount"), ref=Max("rule_ref"))):
                self.paid[(r["statement__cadre_id"], r["for_month"])][r["base_kind"]] = r["s"]
                self.paid_refs[(r["statement__cadre_id"], r["for_month"])][r["base_kind"]] = r["ref"]
        done_ids = set(Statement.objects.filter(jurisdiction=j, month=first, **in_chunk)
                       .values_list("cadre_id", flat=True))
        self.stints: dict[int, list] = defaultdict(list)
        for m in Membership.objects.filter(cadre__jurisdiction=j, start_date__lte=last, **in_chunk).values(
                "cadre_id", "start_date", "end_date"):
            self.stints[m["cadre_id"]].append(rules.Stint(m["start_date"], m["end_date"]))
        self.profiles = {p["cadre_id"]: p for p in CadreAllowanceProfile.objects.filter(
            cadre__jurisdiction=j, **in_chunk).values(
            "cadre_id", "communication_paid_by_unit", "transport_allowance_paid")}
        self.trips: dict[int, list] = defaultdict(list)
        for t in Trip.objects.filter(jurisdiction=j, statement__isnull=True, date__lte=last, **in_chunk).values(
                "id", "cadre_id", "date", "amount", "basis", "km"):
            self.trips[t["cadre_id"]].append(rules.TripFact(t["id"], t["date"], t["amount"], t["basis"], t["km"]))
        candidates = set(self.counts)
        for m, (_, m_counts) in self.past.items():
            candidates |= set(m_counts) | {cid for (cid, pm) in self.paid if pm == m}
        self.candidates = sorted(cid for cid in candidates - done_ids if cid in self.cadres)

    def statement_lines(self, policy: Policy, cid: int, status_days: dict, month: date,
                        missing: set | None) -> list[rules.LineOut]:
        """`rules.statement_lines` for one cadre, computed once per distinct set of figures: thousands of cadres
        share the same level, day counts, stints and profile, so the rules run on the few distinct cases. Not
        cached while collecting open rates (`missing`) or when the cadre has trips this month (their ids)."""
        facts = self.facts(cid, status_days, month)
        if missing is not None or facts.trips:
            return rules.statement_lines(policy, facts, month, missing)
        key = (month, facts.dispatch_level, tuple(sorted(status_days.items())), tuple(facts.stints),
               facts.communication_paid_by_unit, facts.transport_allowance_paid)
        out = self._memo.get(key)
        if out is None:
            out = self._memo[key] = rules.statement_lines(policy, facts, month, None)
        return out

    def facts(self, cid: int, status_days: dict, month: date) -> rules.CadreFacts:
        c, p = self.cadres[cid], self.profiles.get(cid, {})
        return rules.CadreFacts(
            cadre_id=cid, dispatch_level=c["dispatch_level"], status_days=status_days, stints=self.stints.get(cid, []),
            communication_paid_by_unit=p.get("communication_paid_by_unit", False),
            transport_allowance_paid=p.get("transport_allowance_paid", False),
            trips=[t for t in self.trips.get(cid, []) if t.date >= self.first] if month == self.first else [])

    def lines(self, cid: int, missing: set | None = None) -> list[rules.LineOut]:
        first = self.first
        lines: list[rules.LineOut] = []
        if cid in self.counts:
            lines += self.statement_lines(self.policy, cid, self.counts[cid], first, missing)
            lines += rules.late_trip_lines(self.policy, self.trips.get(cid, []), first)
        for m, (m_policy, m_counts) in self.past.items():
            expected = self.statement_lines(m_policy, cid, m_counts[cid], m, missing) if cid in m_counts else []
            lines += rules.adjustment_lines(month_for=m, expected=expected, paid_by_kind=self.paid.get((cid, m), {}),
                                            paid_refs=self.paid_refs.get((cid, m), {}),
                                            reason="考勤确认或标准调整后重算")
        return lines

    def has_open_rates(self) -> bool:
        return any(rules.open_rates(p) for p in [self.policy, *self.past_policies.values()])

    def missing_rates(self, chunk: int) -> list[rules.MissingRate]:
        """Open rates (null in the policy) that some cadre of this run would be paid under. Only walks the
        cadres (chunk by chunk, writing nothing) when a policy of the run has an open rate at all."""
        if not self.has_open_rates():
            return []
        missing: set = set()
        for _ in self.chunks(chunk):
            for cid in self.candidates:
                self.lines(cid, missing)
        earliest: dict[tuple, rules.MissingRate] = {}  # one entry per rate, with the earliest month that needs it
        for m in sorted(missing, key=lambda r: (r.key, r.field, r.month or self.first)):
            earliest.setdefault((m.key, m.field), m)
        return list(earliest.values())


def _issued_months(j: Jurisdiction, first: date) -> list[date]:
    """Issued months re-checked for corrections (late-confirmed days, rates fixed afterwards). One query."""
    lookback_from = rules.add_months(first, -LOOKBACK_MONTHS)
    return sorted(set(SubsidyRun.objects.filter(
        jurisdiction=j, status=SubsidyRun.Status.DONE, month__gte=lookback_from, month__lt=first,
    ).values_list("month", flat=True)))


def _refuse_open_rates(j: Jurisdiction, first: date) -> None:
    """Before a run is queued: refuse (rate_missing) when a cadre of the run would be paid under a rate the
    regulation leaves open and no admin has entered yet. Cheap when no rate is open: the policies of the month
    and of the re-checked months only (1 + 1 + 1 per issued month queries)."""
    if SubsidyRun.objects.filter(jurisdiction=j, month=first, status=SubsidyRun.Status.DONE).exists():
        return  # an issued month is not computed again
    policy = policy_for_month(j, first)
    issued = _issued_months(j, first)
    past_policies = {m: policy_for_month(j, m) for m in issued}
    if not any(rules.open_rates(p) for p in [policy, *past_policies.values()]):
        return
    confirmed = payable_township_ids(jurisdiction=j, year=first.year, month=first.month, policy=policy)
    _check_rates(_MonthFacts(j, first, policy, confirmed, issued, past_policies), CHUNK)


RATE_NAMES = {
    "subsidy.meal_per_day": "伙食补助（元/天）",
    "subsidy.living_per_day": "生活补助（元/天）",
    "subsidy.transport_per_day": "交通补贴（元/天）",
    "subsidy.communication_per_day": "通信补贴（元/天）",
    "subsidy.communication_monthly": "通信补贴（元/月）",
    "subsidy.work_allowance_monthly": "工作补助（元/月）",
    "subsidy.township_allowance": "乡镇工作补贴（元/月）",
}
FIELD_NAMES = {"city": "市级标准", "county": "县级标准", "province": "省级标准", "central": "中央单位标准",
               "amount": "标准", "monthly": "月标准"}


def missing_rate_words(m: dict) -> str:
    """'生活补助（元/天）县级标准' for {key: subsidy.living_per_day, field: county}."""
    return f"{RATE_NAMES.get(m['key'], m['key'])}{FIELD_NAMES.get(m['field'], m['field'])}"


def rate_missing_error(missing: list[rules.MissingRate], month: date) -> RuleViolation:
    """400 `rate_missing` (DESIGN.md): each open rate with its field and article; nothing is computed. The new
    version must take effect by the 1st of the earliest month that needs it (a re-checked month may be earlier)."""
    from jurisdictions.templatetags.portal import rule_label

    errors = [m.as_dict() for m in missing]
    by = min((m.month or month for m in missing), default=month)
    # the words and the article for people; `errors` keeps key and field for the API and the admin's form
    listed = "；".join(f"{missing_rate_words(e)}（{rule_label(e['rule_ref'])}）" for e in errors)
    return RuleViolation(f"文件未规定金额、尚未录入的补贴标准：{listed}。请辖区管理员在政策规则中录入新版本"
                         f"（生效日期不晚于{by:%Y年%m月}1日）后再核算；本系统不按自拟金额发放。",
                         code="rate_missing", errors=errors)


def _check_rates(month_facts: _MonthFacts, chunk: int) -> None:
    missing = month_facts.missing_rates(chunk)
    if missing:
        raise rate_missing_error(missing, month_facts.first)


def _compute(run: SubsidyRun, chunk: int) -> None:
    j = run.jurisdiction
    first = run.month
    last = rules.month_last(first)
    policy = policy_for_month(j, first)  # 1
    # 2: confirmed sheets, and reviewed where the policy asks for a county review before pay (fengdu art.20)
    confirmed = payable_township_ids(jurisdiction=j, year=first.year, month=first.month, policy=policy)
    missing = _missing_sheets(j, first, last, confirmed)  # 3
    if SubsidyRun.objects.filter(jurisdiction=j, month=first, status=SubsidyRun.Status.DONE).exists():  # 4
        SubsidyRun.objects.filter(pk=run.pk).update(
            status=SubsidyRun.Status.DONE, progress=100, missing_sheets=missing, policy_on=first,
            policy_snapshot=_snapshot(policy), finished_at=timezone.now(),
            note="该月已发放，本次不重新计算；此后的更正以调整项计入以后月份。")
        return
    issued = _issued_months(j, first)  # 5
    past_policies = {m: policy_for_month(j, m) for m in issued}  # 1 per issued month
    data = _MonthFacts(j, first, policy, confirmed, issued, past_policies)  # 1 per issued month
    # the refusal at creation is re-checked here (a pass over the chunks that writes nothing, only when a rate of the
    # run is open): nothing is written half-way
    _check_rates(data, chunk)
    cadres = Cadre.objects.filter(jurisdiction=j).count()  # progress: the share of the jurisdiction's cadres walked
    SubsidyRun.objects.filter(pk=run.pk).update(cadre_count=0, missing_sheets=missing, policy_on=first,
                                                policy_snapshot=_snapshot(policy))
    walked = counted = 0
    for size in data.chunks(chunk):  # 6 queries per chunk (+1 per issued month, +1 with any)
        statements, line_sets = [], []
        main_township = data.main_township
        for cid in data.candidates:
            lines = data.lines(cid)
            if cid not in data.counts and not lines:
                continue
            days = rules.paid_days(policy, data.counts.get(cid, {}))
            amount = sum((ln.amount for ln in lines), Decimal("0.00"))
            statements.append((cid, main_township.get(cid), data.cadres[cid]["dispatch_unit_id"], days, amount))
            line_sets.append(lines)
        walked += size
        counted += len(data.candidates)
        with transaction.atomic():
            _write_statements(run, statements, line_sets)  # 3 (+1 with paid trips)
            SubsidyRun.objects.filter(pk=run.pk).update(cadre_count=counted,
                                                        progress=min(99, int(100 * walked / max(cadres, 1))))
    # A resumed run (a retry, a worker killed mid-run, a run after a failed one) counts the statements written
    # before it too: the run's statements are its month's (selectors.statement_list), so are its totals.
    done = Statement.objects.filter(jurisdiction=j, month=first).aggregate(n=Count("id"), s=Sum("total"))
    created, total = done["n"], done["s"] or Decimal("0.00")
    with transaction.atomic():
        SubsidyRun.objects.filter(pk=run.pk).update(status=SubsidyRun.Status.DONE, progress=100, total=total,
                                                    statement_count=created, finished_at=timezone.now())
        audit_record(actor=run.created_by, action="subsidy.run_done", obj=run,
                     summary=f"{j.name} {first:%Y-%m} 出具{created}份结算单，合计{total}",
                     data={"statements": created, "total": str(total), "missing_sheets": missing})


def _copy_text(value) -> str:
    """One field of PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _copy(cursor, table: str, columns: tuple[str, ...], lines) -> None:
    """COPY rows already rendered as lines of the text format (tab-separated, newline-terminated)."""
    buf = io.StringIO()
    buf.writelines(lines)
    buf.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buf)


STATEMENT_COLUMNS = ("id", "run_id", "jurisdiction_id", "cadre_id", "month", "township_id", "dispatch_unit_id",
                     "paid_days", "total", "created_at")
LINE_COLUMNS = ("statement_id", "jurisdiction_id", "kind", "quantity", "rate", "amount", "rule_ref", "note", "for_month", "base_kind",
                "position")


def _line_tail(ln: rules.LineOut, first: date) -> str:
    """A line's columns after statement_id, rendered once per distinct line (thousands of cadres share them)."""
    return "\t".join(_copy_text(v) for v in (ln.kind, ln.quantity, ln.rate, ln.amount, ln.rule_ref, ln.note[:255],
                                              ln.for_month or first, ln.base_kind or ln.kind))


def _write_statements(run: SubsidyRun, statements: list[tuple], line_sets: list[list[rules.LineOut]]) -> None:
    """Write one chunk: statement ids drawn from the sequence in one query, then statements and lines with COPY
    (3 round trips for any chunk size; the paid trips of the chunk are marked in one more)."""
    if not statements:
        return
    first, now = run.month, timezone.now()
    paid_trips = [(tid, i) for i, lines in enumerate(line_sets) for ln in lines for tid in ln.trip_ids]
    if connection.vendor != "postgresql":  # pragma: no cover - the project runs on PostgreSQL
        objs = Statement.objects.bulk_create([
            Statement(run=run, jurisdiction_id=run.jurisdiction_id, cadre_id=cid, month=first, township_id=town,
                      dispatch_unit_id=unit, paid_days=days, total=amount)
            for cid, town, unit, days, amount in statements])
        ids = [o.pk for o in objs]
        Line.objects.bulk_create([
            Line(statement_id=sid, jurisdiction_id=run.jurisdiction_id, kind=ln.kind, quantity=ln.quantity, rate=ln.rate, amount=ln.amount,
                 rule_ref=ln.rule_ref, note=ln.note[:255], for_month=ln.for_month or first,
                 base_kind=ln.base_kind or ln.kind, position=pos)
            for sid, lines in zip(ids, line_sets, strict=True) for pos, ln in enumerate(lines)])
    else:
        with connection.cursor() as c:
            c.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                      [Statement._meta.db_table, len(statements)])
            ids = [r[0] for r in c.fetchall()]
            head = f"{run.pk}\t{run.jurisdiction_id}\t"
            tail = f"\t{first.isoformat()}\t"
            stamp = now.isoformat()
            _copy(c, Statement._meta.db_table, STATEMENT_COLUMNS, (
                f"{sid}\t{head}{cid}{tail}{_copy_text(town)}\t{unit}\t{days}\t{amount}\t{stamp}\n"
                for sid, (cid, town, unit, days, amount) in zip(ids, statements, strict=True)))
            tails: dict[rules.LineOut, str] = {}
            rendered = []
            for sid, lines in zip(ids, line_sets, strict=True):
                for pos, ln in enumerate(lines):
                    t = tails.get(ln)
                    if t is None:
                        t = tails[ln] = _line_tail(ln, first)
                    rendered.append(f"{sid}\t{run.jurisdiction_id}\t{t}\t{pos}\n")
            _copy(c, Line._meta.db_table, LINE_COLUMNS, rendered)
    if paid_trips:
        Trip.objects.bulk_update([Trip(id=tid, statement_id=ids[i]) for tid, i in paid_trips], ["statement"],
                                 batch_size=1000)


def attendance_rows(jurisdiction, first, last, township_ids, lo: int, hi: int):
    """The month's attendance of the cadres with ids lo..hi over the given townships, in one GROUP BY (cadre,
    township, status): rows (cadre_id, township_id, status, days)."""
    return (DailyRecord.objects.filter(jurisdiction=jurisdiction, date__range=(first, last),
                                       township_id__in=township_ids, cadre_id__gte=lo, cadre_id__lte=hi)
            .values_list("cadre_id", "township_id", "status").annotate(n=Count("id")).order_by())


def _attendance_figures(jurisdiction, first, last, township_ids, lo: int, hi: int
                        ) -> tuple[dict[int, dict[str, int]], dict[int, int]]:
    """`attendance_rows` as (cadre → {status: days}, every status present; cadre → the township where it spent most
    days, the first by id on a tie)."""
    counts: dict[int, dict[str, int]] = {}
    by_town: dict[int, dict[int, int]] = defaultdict(dict)
    statuses = Status.values
    for cid, town, status, n in attendance_rows(jurisdiction, first, last, township_ids, lo, hi):
        days = counts.get(cid)
        if days is None:
            days = counts[cid] = dict.fromkeys(statuses, 0)
        days[status] = days.get(status, 0) + n
        by_town[cid][town] = by_town[cid].get(town, 0) + n
    main = {cid: min(towns, key=lambda t, towns=towns: (-towns[t], t)) for cid, towns in by_town.items()}
    return counts, main
