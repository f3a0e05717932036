"""Reads of attendance that other apps (subsidies, reports) rely on. Aggregates run in the database."""

import calendar
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.db.models import CharField, Count, Q
from django.db.models.functions import Cast

from .models import AttendanceSheet, DailyRecord, Status


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def confirmed_township_ids(*, jurisdiction, year: int, month: int) -> set[int]:
    """Townships of the jurisdiction whose sheet for the month is confirmed. One query."""
    return set(AttendanceSheet.objects.filter(jurisdiction=jurisdiction, month=date(year, month, 1))
               .values_list("township_id", flat=True))


def payable_township_ids(*, jurisdiction, year: int, month: int, policy) -> set[int]:
    """Townships whose sheet for the month a subsidy run may pay: confirmed and, where the policy asks for a county
    review before pay (fengdu art.9/art.20), reviewed too. Unreviewed sheets count as missing. One query."""
    from . import rules

    qs = AttendanceSheet.objects.filter(jurisdiction=jurisdiction, month=date(year, month, 1))
    if rules.review_rule(policy) is not None:
        qs = qs.filter(reviewed_at__isnull=False)
    return set(qs.values_list("township_id", flat=True))


def access_sheet(*, user, sheet_id, for_update: bool = False):
    """A confirmed sheet of a township in the user's scope (others 404); locked when `for_update`."""
    from jurisdictions.scoping import get_in_scope, scope_for, scope_q

    qs = AttendanceSheet.objects.filter(scope_q(scope_for(user), jurisdiction="jurisdiction_id",
                                                org_path="township__path"))
    if for_update:
        qs = qs.select_for_update(of=("self",))
    return get_in_scope(qs.select_related("township", "jurisdiction"), sheet_id)


def sheet_list(*, user, month_raw, review: str | None = None):
    """GET attendance-sheets/?month=YYYY-MM[&review=pending|done]: the month's confirmed sheets of townships in the
    user's scope, each with whether the policy asks for a county review (fengdu art.20). `review=pending`: the sheets
    still waiting for it (the bureau's worklist). Three queries: sheets, the policies of their jurisdictions, and
    nothing per sheet. Returns (sheets, {jurisdiction_id: review PolicyValue or None})."""
    from jurisdictions.errors import InvalidInput
    from jurisdictions.policy import policies_in_force
    from jurisdictions.scoping import scope_for, scope_q

    from . import rules

    year, month = parse_month(month_raw)
    if review not in (None, "", "pending", "done"):
        raise InvalidInput("review 只能为 pending 或 done。", code="bad_review_filter")
    first = date(year, month, 1)
    sheets = list(AttendanceSheet.objects.filter(scope_q(scope_for(user), jurisdiction="jurisdiction_id",
                                                         org_path="township__path"), month=first)
                  .select_related("township", "jurisdiction").order_by("township__path", "id"))
    jurisdictions = {s.jurisdiction_id: s.jurisdiction for s in sheets}
    reviews = {jid: rules.review_rule(p) for jid, p in policies_in_force(jurisdictions.values(), first).items()}
    if review == "pending":
        sheets = [s for s in sheets if reviews.get(s.jurisdiction_id) and s.reviewed_at is None]
    elif review == "done":
        sheets = [s for s in sheets if s.reviewed_at is not None]
    return sheets, reviews


def month_status_counts(*, jurisdiction, year: int, month: int, township_ids=None) -> dict[int, dict[str, int]]:
    """cadre_id → {status: days} for the month, optionally only in some townships. One query."""
    first, last = month_bounds(year, month)
    qs = DailyRecord.objects.filter(jurisdiction=jurisdiction, date__range=(first, last))
    if township_ids is not None:
        qs = qs.filter(township_id__in=township_ids)
    rows = qs.values("cadre_id").annotate(**{s: Count("id", filter=Q(status=s)) for s in Status.values})
    return {r["cadre_id"]: {s: r[s] for s in Status.values} for r in rows}


# ---- scope and figures ---------------------------------------------------------------------------

def parse_month(raw) -> tuple[int, int]:
    """'YYYY-MM' → (year, month); anything else is a 400 in Chinese."""
    from config.inputs import year_in_range
    from jurisdictions.errors import InvalidInput

    try:
        year, month = (int(x) for x in str(raw).split("-"))
        date(year, month, 1)
        if len(str(raw)) != 7 or year < 2000 or not year_in_range(year):  # 9999-12: later month ends overflow
            raise ValueError
    except (TypeError, ValueError):
        raise InvalidInput("月份格式应为 YYYY-MM（例如 2026-10）。", code="bad_month") from None
    return year, month


def _id_param(raw) -> int:
    from jurisdictions.errors import InvalidInput

    if not str(raw).isdigit():
        raise InvalidInput("干部ID应为整数。", code="bad_cadre_param")
    return int(raw)


def memberships_on(cadre_ids, first: date, last: date):
    """Memberships overlapping [first, last], with their team and places. One query."""
    from teams.models import Membership

    return (Membership.objects.filter(cadre_id__in=cadre_ids, start_date__lte=last)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
            .select_related("team", "team__host_unit", "team__host_unit__parent", "village", "cadre")
            .order_by("cadre_id", "-start_date"))


def post_label(m) -> str:
    """A membership's post as shown: 队长 · 第一书记 for a leader who is also first secretary; a member who is first
    secretary: 第一书记."""
    return _post_text(m.role, m.first_secretary)


@lru_cache(maxsize=64)
def _post_text(role: str, first_secretary: bool) -> str:
    from teams.models import Membership

    label = Membership.Role(role).label if role in Membership.Role.values else role
    if first_secretary:
        return "第一书记" if role == "member" else f"{label} · 第一书记"
    return label


def record_on(*, cadre, day: date):
    """The cadre's attendance record of one day (None: nothing recorded)."""
    return cadre.attendance.filter(date=day).first()


def current_membership(*, cadre_id: int):
    """The cadre's open membership with its team and places (a team keeper's own team), or None."""
    from teams.models import Membership

    return (Membership.objects.filter(cadre_id=cadre_id, end_date__isnull=True)
            .select_related("team", "team__host_unit", "team__host_unit__parent", "team__jurisdiction").first())


def membership_on(cadre, day: date):
    return memberships_on([cadre.pk], day, day).first()


def township_memberships(*, township, first: date, last: date):
    """Who the township keeps in a month: memberships of teams hosted in the township or in one of its villages,
    overlapping the month, one per cadre (the latest). One query."""
    from teams.models import Membership

    rows = (Membership.objects.filter(Q(team__host_unit=township) | Q(team__host_unit__parent=township),
                                      start_date__lte=last)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
            .select_related("team", "team__host_unit", "cadre", "village")
            .order_by("cadre_id", "-start_date"))
    seen, out = set(), []
    for m in rows:
        if m.cadre_id not in seen:
            seen.add(m.cadre_id)
            out.append(m)
    out.sort(key=lambda m: (m.team_id, {"leader": 0}.get(m.role, 1), not m.first_secretary, m.cadre_id))
    return out


@dataclass(frozen=True, slots=True)
class SheetMember:
    """A row of the township's monthly sheet: the cadre's latest membership overlapping the month, as plain values
    (no model instances: a township has hundreds of rows, issue 15)."""

    cadre_id: int
    name: str
    team_id: int
    team_kind: str
    role: str
    first_secretary: bool
    start_date: date
    end_date: date | None

    @property
    def post(self) -> str:
        return _post_text(self.role, self.first_secretary)


def township_sheet_members(*, township, first: date, last: date) -> list[SheetMember]:
    """`township_memberships` as plain values, in the same order (team, the leader first, first secretaries next,
    cadre). One query."""
    from teams.models import Membership

    rows = (Membership.objects.filter(Q(team__host_unit=township) | Q(team__host_unit__parent=township),
                                      start_date__lte=last)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
            .order_by("cadre_id", "-start_date")
            .values_list("cadre_id", "cadre__name", "team_id", "team__kind", "role", "first_secretary", "start_date",
                         "end_date"))
    seen, out = set(), []
    for row in rows:
        if row[0] not in seen:
            seen.add(row[0])
            out.append(SheetMember(*row))
    out.sort(key=lambda m: (m.team_id, {"leader": 0}.get(m.role, 1), not m.first_secretary, m.cadre_id))
    return out


def postings(cadre_ids, first: date, last: date) -> dict[int, list[tuple[date, date]]]:
    """cadre_id → the (start, end) spans of its memberships within [first, last] (required days follow the posting).
    One query, written in SQL like `month_records` (every `attendance/monthly/` request runs it)."""
    from django.db import connection

    from teams.models import Membership

    if not cadre_ids:
        return {}
    sql = (f"SELECT cadre_id, start_date, end_date FROM {Membership._meta.db_table} "  # noqa: S608
           f"WHERE cadre_id IN ({', '.join(['%s'] * len(cadre_ids))}) AND start_date <= %s "
           "AND (end_date IS NULL OR end_date >= %s) ORDER BY team_id, role DESC, start_date, id")  # Meta.ordering
    with connection.cursor() as cursor:
        cursor.execute(sql, [*cadre_ids, last, first])
        rows = cursor.fetchall()
    out: dict[int, list[tuple[date, date]]] = {}
    for cid, start, end in rows:
        start, end = _as_date(start), _as_date(end) if end is not None else None  # SQLite answers text
        out.setdefault(cid, []).append((max(start, first), min(end or last, last)))
    return out


def _as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _in_post(spans, day: date) -> bool:
    return any(start <= day <= end for start, end in spans)


def _posted_days(spans, days: list[date]) -> list[date]:
    """The days of `days` (one month, in order) within one of the spans (`[d for d in days if _in_post(spans, d)]`,
    a slice per span)."""
    first, last = days[0], days[-1]
    if len(spans) == 1:
        start, end = spans[0]
        return days[max(start, first).day - 1:min(end, last).day] if start <= last and end >= first else []
    return [d for d in days if _in_post(spans, d)]


def approved_leave_dates(cadre_ids, first: date, last: date) -> dict[int, set[date]]:
    """cadre_id → the days written as `leave` by an approved leave request (not a keeper's entry). One query."""
    out: dict[int, set[date]] = {}
    for cid, day in (DailyRecord.objects.filter(cadre_id__in=cadre_ids, date__range=(first, last), status=Status.LEAVE,
                                                leave_request_id__isnull=False).values_list("cadre_id", "date")):
        out.setdefault(cid, set()).add(day)
    return out


def _month_days(year: int, month: int) -> list[date]:
    first, last = month_bounds(year, month)
    return [date(year, month, d) for d in range(1, last.day + 1)]


def month_records(cadre_ids, since: date, last: date, counted_statuses=None):
    """(records, spans) of the cadres, in one statement (SQL for PostgreSQL and SQLite: it runs on every
    `attendance/monthly/` request, and composing it with the ORM cost more than running it, issue 15):
    - records: cadre_id → month → {status: days, …, "counted": days in `counted_statuses` (if given),
      "approved_leave": the days written as `leave` by an approved leave request (not a keeper's entry), as a set of
      dates} for the months of [since, last] (one year) in which the cadre has any record (GROUP BY cadre, month,
      status);
    - spans: `postings(cadre_ids, since, last)` (UNION ALL the memberships overlapping [since, last])."""
    from django.db import connection

    from teams.models import Membership

    if not cadre_ids:
        return {}, {}
    month_sql, month_params = connection.ops.date_extract_sql("month", '"date"', ())
    agg = "STRING_AGG" if connection.vendor == "postgresql" else "GROUP_CONCAT"
    ids = ", ".join(["%s"] * len(cadre_ids))
    sql = (f"SELECT cadre_id, {month_sql}, status, COUNT(*), {agg}(CAST(\"date\" AS text), ',') "  # noqa: S608
           f"FILTER (WHERE leave_request_id IS NOT NULL), NULL, NULL FROM {DailyRecord._meta.db_table} "
           f"WHERE cadre_id IN ({ids}) AND \"date\" BETWEEN %s AND %s GROUP BY 1, 2, 3 "
           f"UNION ALL SELECT cadre_id, NULL, NULL, NULL, NULL, start_date, end_date FROM {Membership._meta.db_table} "
           f"WHERE cadre_id IN ({ids}) AND start_date <= %s AND (end_date IS NULL OR end_date >= %s)")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*month_params, *cadre_ids, since, last, *cadre_ids, last, since])
        rows = cursor.fetchall()
    out: dict[int, dict[int, dict]] = {}
    spans: dict[int, list[tuple[date, date]]] = {}
    for cid, m, status, n, approved, start, end in rows:
        if status is None:  # a membership
            start, end = _as_date(start), _as_date(end) if end is not None else None  # SQLite answers text
            spans.setdefault(cid, []).append((max(start, since), min(end or last, last)))
            continue
        m = int(m)
        row = out.setdefault(cid, {}).get(m)
        if row is None:
            row = out[cid][m] = {**dict.fromkeys(Status.values, 0), "approved_leave": set()}
            if counted_statuses is not None:
                row["counted"] = 0
        row[status] = n
        if counted_statuses is not None and status in counted_statuses:
            row["counted"] += n
        if approved and status == Status.LEAVE:
            row["approved_leave"] = {date.fromisoformat(d) for d in approved.split(",")}
    for mine in spans.values():
        mine.sort()  # the same spans in the same order for the same postings (figures_for memoizes on them)
    return out, spans


def figures_for(*, jurisdiction, year: int, month: int, cadre_ids: list[int], **_ignored) -> dict:
    """cadre_id → MonthFigures for one month, for any number of cadres of one jurisdiction, in a fixed number of
    queries: policy (1; none in a request while the process's copy is true), calendar (1; likewise), the records of
    the month — or, where the rule's basis is the year-to-date average, of the year to date — by month (status
    counts, counted days and approved leave days) with the postings, in one statement (1); plus, outside a request,
    the earlier months' calendars (1 each) only when that rule counts statutory working days. Required days are prorated to the days in post
    (qujiang art.14, fengdu art.9) and, where the policy excuses it, to approved leave."""
    from jurisdictions.calendar import month_calendar
    from jurisdictions.policy import policy_in_force

    from . import rules

    first, last = month_bounds(year, month)
    policy = policy_in_force(jurisdiction, first)
    cal = month_calendar(year, month)
    whole = rules.required_days(policy, working_days=cal.working_day_count, days_in_month=cal.days_in_month)
    if not cadre_ids:
        return {}
    since = date(year, 1, 1) if whole.yearly_average else first
    counted = rules.status_set(policy, "attendance.counted_statuses")[0] if whole.yearly_average else None
    records, spans = month_records(cadre_ids, since, last, counted)
    counts = {cid: {s: by[month][s] for s in Status.values} for cid, by in records.items() if month in by}
    leave = {cid: set().union(*(r["approved_leave"] for r in by.values())) for cid, by in records.items()}
    months = list(range(since.month, month + 1))
    calendars = {month: cal}
    by_month: dict[int, dict[int, int]] = {}
    if whole.yearly_average:
        by_month = {cid: {m: r["counted"] for m, r in by.items()} for cid, by in records.items()}
        if whole.method == "statutory_working_days":
            calendars |= {m: month_calendar(year, m) for m in months if m != month}
    working_sets = {m: set(c.working_days) for m, c in calendars.items()}

    memo: dict = {}  # cadres with the same postings and leave days have the same month (most of them, at scale)

    def month_required(cid: int, m: int):
        mine = spans.get(cid, [])
        mine_leave = leave.get(cid) or set()
        key = (m, tuple(mine), frozenset(d for d in mine_leave if d.month == m))
        if key not in memo:
            memo[key] = _month_required(mine, mine_leave, m)
        return memo[key]

    def _month_required(mine, mine_leave, m: int):
        days = _month_days(year, m)
        posted = _posted_days(mine, days)
        working = working_sets.get(m, set())
        away = [d for d in posted if d in mine_leave]
        c = calendars.get(m)
        req = rules.required_days(policy, working_days=c.working_day_count if c else 0, days_in_month=len(days),
                                  posted_days=len(posted), posted_working_days=sum(1 for d in posted if d in working),
                                  leave_days=len(away), leave_working_days=sum(1 for d in away if d in working))
        return posted, away, req

    out = {}
    for cid in cadre_ids:
        posted, away, _ = month_required(cid, month)
        year_counted = year_required = None
        if whole.yearly_average:
            year_counted, year_required = [], []
            for m in months:
                p, _, req = month_required(cid, m)
                # an earlier month with nothing recorded for the cadre was not kept in the portal (e.g. before it was
                # used): it is unknown, not zero, and stays out of the average; the month in view always counts
                if p and (m == month or m in by_month.get(cid, {})):
                    year_counted.append(by_month.get(cid, {}).get(m, 0))
                    year_required.append(req.days)
        working = working_sets[month]
        out[cid] = rules.month_figures(
            policy, cadre_id=cid, month=f"{year:04d}-{month:02d}", counts=counts.get(cid, {}),
            days_in_month=cal.days_in_month, working_days=cal.working_day_count, calendar_warnings=cal.warnings,
            posted_days=len(posted), posted_working_days=sum(1 for d in posted if d in working),
            leave_days=len(away), leave_working_days=sum(1 for d in away if d in working),
            year_counted=year_counted, year_required=year_required)
    return out


def cadre_month_figures(*, user, cadre_id, month_raw):
    """GET attendance/monthly/: the cadre's jurisdiction if the cadre is in scope (1 query; the role grants come with
    the API token), then `figures_for` (1 while the process's copy of the policy and calendar is true)."""
    from teams.selectors import cadre_jurisdiction_in_scope

    year, month = parse_month(month_raw)
    jurisdiction = cadre_jurisdiction_in_scope(user=user, cadre_id=cadre_id)
    cadre_id = int(cadre_id)
    return figures_for(jurisdiction=jurisdiction, year=year, month=month, cadre_ids=[cadre_id])[cadre_id]


def township_month(*, township, year: int, month: int, with_records: bool = True):
    """The township's sheet for a month: its rows (`SheetMember`s), records by (cadre, day of month) as tuples
    (status, source, latitude, longitude; the coordinates as text), figures per cadre and the sheet if confirmed. A fixed number of queries,
    whatever the number of cadres; rows and records are plain values (a township of 400 cadres has 12,000 records:
    model instances were a third of the page's time, issue 15)."""
    first, last = month_bounds(year, month)
    memberships = township_sheet_members(township=township, first=first, last=last)
    ids = [m.cadre_id for m in memberships]
    records = {}
    if with_records:  # coordinates as PostgreSQL writes numeric(9,6): "25.831200", as the page shows them
        for cid, day, *rest in DailyRecord.objects.filter(cadre_id__in=ids, date__range=(first, last)).values_list(
                "cadre_id", "date", "status", "source", Cast("latitude", CharField()), Cast("longitude", CharField())):
            records[(cid, day.day)] = tuple(rest)
    figures = figures_for(jurisdiction=township.jurisdiction, year=year, month=month, cadre_ids=ids)
    sheet = AttendanceSheet.objects.filter(township=township, month=first).select_related("confirmed_by").first()
    return memberships, records, figures, sheet


def township_memberships_qs(*, township, first: date, last: date):
    """`township_memberships` as one queryset, for paging in the database: the latest membership of each cadre the
    township keeps in the month (hosted in the township or one of its villages), ordered as the sheet orders its
    rows (team, the leader first, first secretaries next, cadre)."""
    from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When

    from teams.models import Membership

    overlapping = (Membership.objects.filter(Q(team__host_unit=township) | Q(team__host_unit__parent=township),
                                             start_date__lte=last)
                   .filter(Q(end_date__isnull=True) | Q(end_date__gte=first)))
    # the latest membership per cadre, as a correlated subquery (portable: no DISTINCT ON, so SQLite `make run` works)
    newest = overlapping.filter(cadre_id=OuterRef("cadre_id")).order_by("-start_date", "-id").values("id")[:1]
    latest = overlapping.filter(id=Subquery(newest)).values("id")
    return (Membership.objects.filter(id__in=latest).select_related("cadre")
            .order_by("team_id", Case(When(role="leader", then=Value(0)), default=Value(1),
                                      output_field=IntegerField()), "-first_secretary", "cadre_id"))


def sheet_shortfalls(*, township, year: int, month: int, data=None, working_days=None) -> list[dict]:
    """Cadres the keeper must look at before confirming: below a hard required-days rule, or with working days
    (within their posting) that have no record. `data`: a `township_month(...)` result and `working_days`: the
    month's working days, to reuse (no query then)."""
    from jurisdictions.calendar import month_calendar

    memberships, records, figures, _ = data or township_month(township=township, year=year, month=month)
    first, last = month_bounds(year, month)
    working = month_calendar(year, month).working_days if working_days is None else working_days
    out = []
    for m in memberships:
        fig = figures[m.cadre_id]
        start = max(m.start_date, first)
        end = min(m.end_date or last, last)
        unrecorded = sum(1 for d in working if start <= d <= end and (m.cadre_id, d.day) not in records)
        below = fig.required.severity == "hard" and not fig.compliant
        if below or unrecorded:
            out.append({"cadre": m.cadre_id, "name": m.name, "counted_days": fig.counted_days,
                        "required_days": fig.required.days, "below_required": below,
                        "unrecorded_working_days": unrecorded, "rule_ref": fig.required.rule_ref})
            if fig.year_to_date:  # judged on the year-to-date average (ganzhou art.16): show it beside the month
                out[-1] |= {"yearly_average_days": fig.yearly_average_days,
                            "yearly_average_required_days": fig.yearly_average_required_days}
    return out


def township_list(*, user):
    """The townships (and streets) the user can see."""
    from jurisdictions.models import OrgUnit
    from jurisdictions.scoping import scope_for, scope_q

    scope = scope_for(user)
    return OrgUnit.objects.filter(scope_q(scope, jurisdiction="jurisdiction_id", org_path="path"),
                                  kind__in=[OrgUnit.Kind.TOWNSHIP, OrgUnit.Kind.STREET]).select_related("jurisdiction")


def sheets_of(*, townships, year: int, month: int) -> dict[int, "AttendanceSheet"]:
    """township id → its confirmed sheet of the month (with who confirmed it). One query."""
    return {s.township_id: s for s in AttendanceSheet.objects.filter(
        township__in=townships, month=date(year, month, 1)).select_related("confirmed_by")}


def sheet_confirmed(*, township, first: date) -> bool:
    return AttendanceSheet.objects.filter(township=township, month=first).exists()


def township_villages(*, township):
    """The township's villages with their public board links (one query)."""
    from jurisdictions.models import OrgUnit

    return (OrgUnit.objects.filter(parent=township, kind=OrgUnit.Kind.VILLAGE)
            .select_related("jurisdiction", "board_link").order_by("name"))


def access_township(*, user, township_id):
    """A township (or street) the user can see; others 404."""
    from jurisdictions.scoping import get_in_scope

    return get_in_scope(township_list(user=user), township_id)


def inspection_cadres(*, user):
    """The cadres an inspector may pick, with their current post prefetched for the option labels."""
    from teams.selectors import cadre_list

    return cadre_list(user=user).prefetch_related("memberships__team__host_unit", "memberships__village")


def own_cadre(*, user):
    """The cadre record of the signed-in user (None: not a cadre)."""
    from teams.models import Cadre

    return Cadre.objects.filter(user=user).select_related("jurisdiction").first()


def townships_held(*, user, roles):
    """Townships where the user holds one of `roles` (for the clerk's pages)."""
    from jurisdictions.models import OrgUnit
    from jurisdictions.scoping import scope_for

    scope = scope_for(user)
    qs = OrgUnit.objects.filter(kind__in=[OrgUnit.Kind.TOWNSHIP, OrgUnit.Kind.STREET]).select_related("jurisdiction")
    if scope.is_superuser:
        return qs.order_by("path")
    q = Q(pk__in=[])
    for g in scope.grants:
        if g.role in roles and g.org_unit_id:
            q |= Q(path__startswith=g.org_unit.path)
        elif g.role in roles and not g.dispatch_unit_id:
            q |= Q(jurisdiction_id=g.jurisdiction_id)
    return qs.filter(q).order_by("path")


# ---- flags, inspections ---------------------------------------------------------------------------

def cadre_flags(*, user, cadre_id):
    from teams.selectors import access_cadre

    from .models import Flag

    cadre = access_cadre(user=user, cadre_id=cadre_id)
    return Flag.objects.filter(cadre=cadre).select_related("inspection").order_by("-created_at", "-id")


def inspection_list(*, user, month_raw=None, cadre_id=None):
    from jurisdictions.scoping import scope_for
    from teams.models import Cadre
    from teams.selectors import cadre_scope_q

    from .models import Inspection

    scope = scope_for(user)
    qs = (Inspection.objects.filter(cadre__in=Cadre.objects.filter(cadre_scope_q(scope)))
          .select_related("cadre", "recorded_by").prefetch_related("flags").order_by("-date", "-id"))
    if month_raw:
        year, month = parse_month(month_raw)
        qs = qs.filter(date__range=month_bounds(year, month))
    if cadre_id:
        qs = qs.filter(cadre_id=_id_param(cadre_id))
    return qs


# ---- whereabouts board, diaries -------------------------------------------------------------------

def access_village(*, user, village_id):
    """A village the signed-in user's scope covers (its jurisdiction or an org unit above it); others 404."""
    from django.http import Http404

    from jurisdictions.models import OrgUnit
    from jurisdictions.scoping import get_in_scope, scope_for, scope_q

    if not getattr(user, "is_authenticated", False):
        raise Http404
    qs = OrgUnit.objects.filter(scope_q(scope_for(user), jurisdiction="jurisdiction_id", org_path="path"),
                                kind=OrgUnit.Kind.VILLAGE)
    return get_in_scope(qs, village_id)


def board_village_id(*, token) -> int:
    """The village behind a public board link; an unknown token is a 404 (issue 14)."""
    from django.http import Http404

    from .models import BoardLink

    village_id = BoardLink.objects.filter(token=str(token)[:64]).values_list("village_id", flat=True).first()
    if village_id is None:
        raise Http404
    return village_id


def whereabouts(*, village_id, day: date):
    """The public board of a village (linfen art.9(二), fengdu art.8): who is stationed there, phone, today's status
    or leave until when. Four queries, whatever the number of cadres."""
    from datetime import timedelta

    from django.http import Http404

    from jurisdictions.models import OrgUnit
    from jurisdictions.policy import policy_in_force
    from teams.models import Membership

    try:
        village = OrgUnit.objects.select_related("jurisdiction").get(pk=int(village_id), kind=OrgUnit.Kind.VILLAGE)
    except (OrgUnit.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    members = list(Membership.objects.filter(Q(village=village) | Q(team__host_unit=village), start_date__lte=day)
                   .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
                   .select_related("cadre", "team").order_by("-role", "-first_secretary", "cadre_id"))
    pv = policy_in_force(village.jurisdiction, day).get("attendance.whereabouts_board")
    # the board publishes only what the policy lists (linfen art.9(二): name, phone, whereabouts)
    show_phone = pv is not None and "phone" in (pv.value or {}).get("fields", [])
    show_post = pv is not None and "post" in (pv.value or {}).get("fields", [])  # fengdu art.8 lists 职务
    show_status = pv is not None and "status" in (pv.value or {}).get("fields", [])
    ids = [m.cadre_id for m in members]
    ahead: dict[int, dict] = {}
    for r in DailyRecord.objects.filter(cadre_id__in=ids, date__range=(day, day + timedelta(days=90))).values(
            "cadre_id", "date", "status"):
        ahead.setdefault(r["cadre_id"], {})[r["date"]] = r["status"]
    # fengdu art.8: the board also shows each cadre's photo and pledges (one more query, only where listed)
    shown = set((pv.value or {}).get("fields", [])) if pv is not None else set()
    profiles = {}
    if shown & {"photo", "pledges"}:
        from .models import BoardProfile

        profiles = {p.cadre_id: p for p in BoardProfile.objects.filter(cadre_id__in=ids)}
    board, seen = [], set()
    for m in members:
        if m.cadre_id in seen:
            continue
        seen.add(m.cadre_id)
        days = ahead.get(m.cadre_id, {})
        status = days.get(day, "unrecorded")
        until = None
        if status == Status.LEAVE:
            until = day
            while days.get(until + timedelta(days=1)) == Status.LEAVE:
                until += timedelta(days=1)
        role = post_label(m)
        if not show_status:
            status, until = None, None
        board.append({"cadre": m.cadre_id, "name": m.cadre.name, "role": role if show_post else None,
                      "phone": m.cadre.phone if show_phone else None,
                      "status": status, "status_label": STATUS_LABELS.get(status, "未登记") if status else None,
                      "until": until,
                      **_board_extras(profiles.get(m.cadre_id), shown)})
    shown_columns = {"phone": show_phone, "post": show_post, "status": show_status}
    return village, board, (pv.rule_ref if pv else ""), shown_columns


def _board_extras(profile, shown) -> dict:
    extras = {}
    if "photo" in shown:
        extras["photo"] = profile.photo.url if profile is not None and profile.photo else None
    if "pledges" in shown:
        extras["pledges"] = profile.pledges if profile is not None else ""
    return extras


STATUS_LABELS = dict(Status.choices)


def access_diary(*, user, diary_id):
    """One diary entry the user may read (its cadre in the user's cadre scope), else 404 (issue 14: a diary photo
    is served only through this check, never straight from MEDIA_ROOT)."""
    from jurisdictions.scoping import get_in_scope, scope_for
    from teams.models import Cadre
    from teams.selectors import cadre_scope_q

    from .models import DiaryEntry

    qs = DiaryEntry.objects.filter(cadre__in=Cadre.objects.filter(cadre_scope_q(scope_for(user))))
    return get_in_scope(qs.select_related("cadre"), diary_id)


def diary_list(*, user, cadre_id=None, month_raw=None, week_raw=None):
    """A cadre sees its own entries; its team leader, township and county see their scope (teams' cadre scope)."""
    from datetime import timedelta

    from jurisdictions.errors import InvalidInput
    from jurisdictions.scoping import scope_for
    from teams.models import Cadre
    from teams.selectors import cadre_scope_q

    from .models import DiaryEntry

    scope = scope_for(user)
    qs = (DiaryEntry.objects.filter(cadre__in=Cadre.objects.filter(cadre_scope_q(scope)))
          .select_related("cadre").order_by("-date", "-id"))
    if cadre_id:
        qs = qs.filter(cadre_id=_id_param(cadre_id))
    if month_raw:
        year, month = parse_month(month_raw)
        qs = qs.filter(date__range=month_bounds(year, month))
    if week_raw:
        try:
            year, week = str(week_raw).split("-W")
            monday = date.fromisocalendar(int(year), int(week), 1)
        except (ValueError, TypeError):
            raise InvalidInput("周的格式应为 YYYY-Www（例如 2026-W43）。", code="bad_week") from None
        qs = qs.filter(date__range=(monday, monday + timedelta(days=6)))
    return qs


def township_daily_counts(*, township, year: int, month: int) -> list[dict]:
    """Per day of the month: how many cadres of the township were in each status (linfen art.8: the township's
    daily on-duty statistics). One query."""
    from django.db.models.functions import ExtractDay

    first, last = month_bounds(year, month)
    rows = (DailyRecord.objects.filter(township=township, date__range=(first, last))
            .annotate(d=ExtractDay("date")).values("d")
            .annotate(**{s: Count("id", filter=Q(status=s)) for s in Status.values}))
    by_day = {r["d"]: r for r in rows}
    return [{"date": date(year, month, d).isoformat(), **{s: by_day.get(d, {}).get(s, 0) for s in Status.values}}
            for d in range(1, last.day + 1)]


def inspection_log(*, township, year: int, month: int):
    """The month's inspection log of a township's cadres (linfen art.9(四): every cadre inspected monthly):
    (memberships, inspections by cadre). Two queries."""
    from .models import Inspection

    first, last = month_bounds(year, month)
    memberships = township_memberships(township=township, first=first, last=last)
    by_cadre: dict[int, list] = {}
    for i in Inspection.objects.filter(cadre_id__in=[m.cadre_id for m in memberships],
                                       date__range=(first, last)).order_by("date", "id"):
        by_cadre.setdefault(i.cadre_id, []).append(i)
    return memberships, by_cadre
