"""Counted / required days and compliance for a whole jurisdiction-month, set-based (issue 12, scale).

The same figures as `attendance.selectors.figures_for` (the sheet's), computed without a Python loop over cadres:

1. one statement (`FACTS_SQL`) writes a temporary table with one row per cadre in post that month: the counted
   days of the month, the counted days of each month of the year so far (only read where the rule's basis is the
   year-to-date average, ganzhou art.16) and the cadre's *shape*: its postings within the period, its approved leave
   days and (year average only) the months it has records in — the only facts the required-days rule reads;
2. the distinct shapes (a handful: most cadres were posted for the whole period and took no approved leave) are
   read back and the attendance rules (`attendance.rules.required_days`, with the same calendars) are evaluated
   once per shape, exactly as `figures_for` evaluates them per cadre;
3. `reports.services.CADRE_SQL` joins the cadre rows to the facts and the shapes' results (an `unnest` of arrays)
   and decides compliance in PostgreSQL: counted ≥ required for the month, or, on the year-average basis, the
   counted days of the months that count ≥ the sum of their required days.

`reports/tests/test_compliance.py` compares every cadre's figures with `figures_for` for each jurisdiction's rule."""

import calendar
from datetime import date

from django.db import connection

FACTS_SQL = """
DROP TABLE IF EXISTS reports_cadre_facts;
CREATE TEMP TABLE reports_cadre_facts ON COMMIT DROP AS
WITH ids AS (
    SELECT DISTINCT m.cadre_id FROM teams_membership m JOIN teams_team t ON t.id = m.team_id
    WHERE t.jurisdiction_id = %(j)s AND m.start_date <= %(last)s AND (m.end_date IS NULL OR m.end_date >= %(first)s)
), sp AS (  -- the postings within [since, last], clipped to it (attendance.selectors.postings)
    SELECT m.cadre_id, string_agg(to_char(GREATEST(m.start_date, %(since)s), 'YYYY-MM-DD') || ':' ||
               to_char(LEAST(COALESCE(m.end_date, %(last)s), %(last)s), 'YYYY-MM-DD'), ','
               ORDER BY m.start_date, m.end_date) AS spans
    FROM teams_membership m JOIN ids USING (cadre_id)
    WHERE m.start_date <= %(last)s AND (m.end_date IS NULL OR m.end_date >= %(since)s)
    GROUP BY m.cadre_id
), bym AS (  -- one pass over the period's records: per cadre and month (a month with any record appears, even
            -- with 0 counted) the counted days and the days written as leave by an approved leave request
            -- (attendance.selectors.approved_leave_dates); aggregated before the join with the cadres
    SELECT d.cadre_id, extract(month FROM d.date)::int AS m, count(*) FILTER (WHERE d.status = ANY(%(counted)s)) AS n,
           string_agg(to_char(d.date, 'YYYY-MM-DD'), ',' ORDER BY d.date)
               FILTER (WHERE d.status = 'leave' AND d.leave_request_id IS NOT NULL) AS leave
    FROM attendance_dailyrecord d
    WHERE d.jurisdiction_id = %(j)s AND d.date BETWEEN %(since)s AND %(last)s
    GROUP BY 1, 2
), rec AS (
    SELECT cadre_id, array_agg(m ORDER BY m) AS months, array_agg(n ORDER BY m) AS ns,
           COALESCE(sum(n) FILTER (WHERE m = %(month)s), 0)::int AS counted,
           string_agg(leave, ',' ORDER BY m) AS leave
    FROM bym GROUP BY cadre_id
)
SELECT ids.cadre_id, COALESCE(rec.counted, 0) AS counted,
       COALESCE(rec.months, '{}'::int[]) AS months, COALESCE(rec.ns, '{}'::bigint[]) AS ns,
       COALESCE(sp.spans, '') || '|' || COALESCE(rec.leave, '') || '|' ||
       CASE WHEN %(yearly)s THEN COALESCE(array_to_string(rec.months, ','), '') ELSE '' END AS shape
FROM ids LEFT JOIN sp USING (cadre_id) LEFT JOIN rec USING (cadre_id);
"""


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _month_days(year: int, month: int) -> list[date]:
    return [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]


def shape_params(report, first: date, last: date) -> dict:
    """Write the facts table for the report's jurisdiction-month and return the parameters `CADRE_SQL` joins:
    `shapes`, `req` (required days of the month), `yreq` (required days of the months that count, year average) and
    `incl` (a bitmask of those months: bit m for month m; 0 when the basis is the month). Queries: policy (1),
    calendar(s) (1–2 each), the facts statement (1) and its distinct shapes (1)."""
    from attendance import rules
    from jurisdictions.calendar import month_calendar
    from jurisdictions.policy import policy_in_force

    year, month = first.year, first.month
    policy = policy_in_force(report.jurisdiction, first)
    cal = month_calendar(year, month)
    whole = rules.required_days(policy, working_days=cal.working_day_count, days_in_month=cal.days_in_month)
    yearly = whole.yearly_average
    since = date(year, 1, 1) if yearly else first
    counted, _ = rules.status_set(policy, "attendance.counted_statuses")
    months = list(range(since.month, month + 1))
    calendars = {month: cal}
    if yearly and whole.method == "statutory_working_days":
        calendars |= {m: month_calendar(year, m) for m in months if m != month}
    working_sets = {m: set(c.working_days) for m, c in calendars.items()}

    with connection.cursor() as c:
        c.execute(FACTS_SQL, {"j": report.jurisdiction_id, "first": first, "last": last, "since": since,
                              "month": month, "counted": sorted(counted), "yearly": yearly})
        c.execute("SELECT DISTINCT shape FROM reports_cadre_facts")
        shapes = [r[0] for r in c.fetchall()]

    memo: dict = {}

    def month_required(spans, leave, m: int):
        """attendance.selectors.figures_for's `_month_required`: the days in post of month m, minus approved leave
        where the policy excuses it, through the same rule."""
        key = (m, spans, frozenset(d for d in leave if d.month == m))
        if key not in memo:
            days = _month_days(year, m)
            posted = [d for d in days if any(s <= d <= e for s, e in spans)]
            working = working_sets.get(m, set())
            away = [d for d in posted if d in leave]
            cm = calendars.get(m)
            req = rules.required_days(policy, working_days=cm.working_day_count if cm else 0,
                                      days_in_month=len(days), posted_days=len(posted),
                                      posted_working_days=sum(1 for d in posted if d in working),
                                      leave_days=len(away), leave_working_days=sum(1 for d in away if d in working))
            memo[key] = (bool(posted), req.days)
        return memo[key]

    req, yreq, incl = [], [], []
    for shape in shapes:
        spans_raw, leave_raw, months_raw = shape.split("|")
        spans = tuple(tuple(_day(x) for x in s.split(":")) for s in spans_raw.split(",") if s)
        leave = {_day(x) for x in leave_raw.split(",") if x}
        recorded = {int(x) for x in months_raw.split(",") if x}
        req.append(month_required(spans, leave, month)[1])
        mask, total = 0, 0
        if yearly:
            for m in months:
                posted, days = month_required(spans, leave, m)
                # an earlier month without a record for the cadre is unknown, not zero (figures_for)
                if posted and (m == month or m in recorded):
                    mask |= 1 << m
                    total += days
        yreq.append(total)
        incl.append(mask)
    return {"shapes": shapes, "req": req, "yreq": yreq, "incl": incl}
