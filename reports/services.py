"""Monthly report generation (issue 12): set-based SQL over the existing tables, written in one transaction.

`report_request` creates a pending report (POST `reports/monthly/`, the beat); `report_generate` computes it: the
cadre rows in one INSERT … SELECT (GROUP BY in PostgreSQL) with the compliance figures of the attendance rules (the
same figures as `attendance.selectors.figures_for`, only for townships with a confirmed sheet), the rules evaluated
once per distinct posting/leave shape and joined back in SQL (`reports.compliance`), then team, township, county and
jurisdiction rows rolled up with GROUP BY over the rows below. No Python loop over cadres. A finished report
gets the next version number; earlier versions are kept."""

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from jurisdictions.audit import audit_record
from jurisdictions.errors import NotPermitted
from jurisdictions.models import CITY_ROLES, COUNTY_ROLES, Jurisdiction, Role, RoleGrant
from jurisdictions.policy import policy_in_force
from jurisdictions.scoping import scope_for
from jurisdictions.services import notify

from .compliance import shape_params
from .models import FIGURE_KEYS, NULLABLE, MonthlyReport, ReportRow

log = logging.getLogger(__name__)

# Who generates a report on demand and who is told that a report is ready: the county and city offices, the org
# departments, the rural-revitalization bureaus and the jurisdiction admin (DESIGN.md roles: "receive monthly
# reports"). Township secretaries see their township's figures on the dashboard but are not sent the report.
RECEIVERS = COUNTY_ROLES | CITY_ROLES | {Role.JURISDICTION_ADMIN}


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def previous_month(today: date) -> date:
    return first_of_month(first_of_month(today) - timedelta(days=1))


@transaction.atomic
def report_request(*, actor, jurisdiction: Jurisdiction, month: date, beat: bool = False) -> tuple[MonthlyReport, bool]:
    """A pending report for the month (→ the task). A policy must be in force for the month (400 no_policy).
    The beat asks once per jurisdiction and month: a retried beat returns the report it already asked for."""
    month = first_of_month(month)
    if actor is not None:
        scope = scope_for(actor)
        if not scope.is_county_level(jurisdiction.id):
            raise NotPermitted("只有县、市驻村工作办公室、组织部或辖区管理员可以生成月度报告。")
    policy_in_force(jurisdiction, month)  # NoPolicy: a month before the regulation took effect
    if beat:
        report, created = MonthlyReport.objects.get_or_create(
            jurisdiction=jurisdiction, month=month, beat_key=f"{month:%Y-%m}",
            defaults={"trigger": MonthlyReport.Trigger.BEAT})
    else:
        report, created = MonthlyReport.objects.create(jurisdiction=jurisdiction, month=month, created_by=actor), True
    if created:
        audit_record(actor=actor, action="monthly_report.request", obj=report, jurisdiction=jurisdiction,
                     summary=f"{jurisdiction.name} {month:%Y年%m月} 月度报告")
    return report, created


def report_enqueue(report: MonthlyReport) -> None:
    from .tasks import monthly_report_task

    transaction.on_commit(lambda: monthly_report_task.delay(report.id))


# ---- generation -------------------------------------------------------------------------------------------------

CADRE_SQL = """
WITH mem AS (
    SELECT DISTINCT ON (m.cadre_id) m.cadre_id, m.team_id
    FROM teams_membership m JOIN teams_team t ON t.id = m.team_id
    WHERE t.jurisdiction_id = %(j)s AND m.start_date <= %(last)s AND (m.end_date IS NULL OR m.end_date >= %(first)s)
    ORDER BY m.cadre_id, m.start_date DESC, m.id DESC
), place AS (
    SELECT mem.cadre_id, mem.team_id, tw.id AS township_id, tw.path,
           CASE WHEN co.kind = 'county' THEN co.id END AS county_id
    FROM mem
    JOIN teams_team t ON t.id = mem.team_id
    JOIN jurisdictions_orgunit h ON h.id = t.host_unit_id
    JOIN jurisdictions_orgunit tw
      ON tw.id = CASE WHEN h.kind = 'village' AND h.parent_id IS NOT NULL THEN h.parent_id ELSE h.id END
    LEFT JOIN jurisdictions_orgunit co ON co.id = tw.parent_id
), att AS (
    SELECT cadre_id, count(*) AS recorded, count(*) FILTER (WHERE status = 'on_duty') AS on_duty
    FROM attendance_dailyrecord WHERE jurisdiction_id = %(j)s AND date BETWEEN %(first)s AND %(last)s
    GROUP BY cadre_id
), lv AS (
    SELECT cadre_id, count(*) AS n,
           sum(LEAST(end_date, %(last)s) - GREATEST(start_date, %(first)s) + 1) AS d
    FROM leave_leaverequest
    WHERE jurisdiction_id = %(j)s AND status = 'approved' AND start_date <= %(last)s AND end_date >= %(first)s
    GROUP BY cadre_id
), insp AS (
    SELECT cadre_id, count(*) AS n, count(*) FILTER (WHERE result = 'absent_unexcused') AS unexcused
    FROM attendance_inspection WHERE jurisdiction_id = %(j)s AND date BETWEEN %(first)s AND %(last)s
    GROUP BY cadre_id
), fl AS (
    SELECT cadre_id, count(*) AS n FROM attendance_flag
    WHERE jurisdiction_id = %(j)s AND created_at >= %(start)s AND created_at < %(stop)s GROUP BY cadre_id
), di AS (
    SELECT cadre_id, count(*) AS n FROM attendance_diaryentry
    WHERE jurisdiction_id = %(j)s AND kind = 'entry' AND date BETWEEN %(first)s AND %(last)s GROUP BY cadre_id
), pay AS (
    SELECT cadre_id, sum(total) AS total FROM subsidies_statement
    WHERE jurisdiction_id = %(j)s AND month = %(first)s GROUP BY cadre_id
), sheet AS (
    SELECT DISTINCT township_id FROM attendance_attendancesheet WHERE jurisdiction_id = %(j)s AND month = %(first)s
), shape AS (  -- the required-days rule evaluated once per distinct shape (reports.compliance)
    SELECT * FROM unnest(%(shapes)s::text[], %(req)s::int[], %(yreq)s::int[], %(incl)s::int[])
        AS s(shape, req, yreq, incl)
), comp AS (  -- counted / required / compliant of each cadre (missing where the township has no confirmed sheet)
    SELECT f.cadre_id, f.counted, s.req,
           CASE WHEN s.incl <> 0
                THEN (SELECT COALESCE(sum(x.n), 0) FROM unnest(f.months, f.ns) AS x(m, n)
                      WHERE (s.incl >> x.m) & 1 = 1) >= s.yreq
                ELSE f.counted >= s.req END AS ok
    FROM reports_cadre_facts f JOIN shape s ON s.shape = f.shape
)
INSERT INTO reports_reportrow (report_id, level, name, county_id, township_id, team_id, cadre_id, path,
    cadres, teams, counted_days, required_days, compliant, non_compliant, on_duty_days, recorded_days,
    leave_requests, leave_days, inspections, unexcused_absences, flags, diaries, diaries_missing,
    allowance_total, fund_budget, fund_spent, sheets_unconfirmed)
SELECT %(report)s, 'cadre', c.name, p.county_id, p.township_id, p.team_id, p.cadre_id, p.path,
    1, 0, CASE WHEN sheet.township_id IS NOT NULL THEN comp.counted END,
    CASE WHEN sheet.township_id IS NOT NULL THEN comp.req END,
    CASE WHEN sheet.township_id IS NOT NULL THEN CASE WHEN comp.ok THEN 1 ELSE 0 END END,
    CASE WHEN sheet.township_id IS NOT NULL THEN CASE WHEN comp.ok THEN 0 ELSE 1 END END,
    COALESCE(att.on_duty, 0), COALESCE(att.recorded, 0),
    COALESCE(lv.n, 0), COALESCE(lv.d, 0), COALESCE(insp.n, 0), COALESCE(insp.unexcused, 0), COALESCE(fl.n, 0),
    COALESCE(di.n, 0), CASE WHEN di.n IS NULL THEN 1 ELSE 0 END,
    CASE WHEN %(paid)s THEN COALESCE(pay.total, 0) END, 0, 0,
    CASE WHEN sheet.township_id IS NOT NULL THEN 0 ELSE 1 END
FROM place p JOIN teams_cadre c ON c.id = p.cadre_id
LEFT JOIN sheet ON sheet.township_id = p.township_id LEFT JOIN comp ON comp.cadre_id = p.cadre_id
LEFT JOIN att ON att.cadre_id = p.cadre_id LEFT JOIN lv ON lv.cadre_id = p.cadre_id
LEFT JOIN insp ON insp.cadre_id = p.cadre_id LEFT JOIN fl ON fl.cadre_id = p.cadre_id
LEFT JOIN di ON di.cadre_id = p.cadre_id LEFT JOIN pay ON pay.cadre_id = p.cadre_id
"""
# ASSESSMENTS: "assessments graded" (issue 10) is one more CTE here (graded assessments of periods open in the
# month, GROUP BY cadre) and one more column in reports.models.FIGURES once the assessment app is merged.

SUMS = ["counted_days", "required_days", "compliant", "non_compliant", "on_duty_days", "recorded_days",
        "leave_requests", "leave_days", "inspections", "unexcused_absences", "flags", "diaries", "diaries_missing",
        "allowance_total", "fund_budget", "fund_spent"]
COLUMNS = ", ".join(["cadres", "teams", *SUMS, "sheets_unconfirmed"])
SUMMED = ", ".join(f"sum(r.{c})" for c in SUMS)
# a jurisdiction with nobody in post that month: zeros, except the figures that are missing without a sheet/run
TOTAL_SUMMED = ", ".join(f"sum(r.{c})" if c in NULLABLE else f"COALESCE(sum(r.{c}), 0)" for c in SUMS)

TEAM_SQL = f"""
WITH fund AS (
    SELECT a.team_id, sum(a.amount) AS budget FROM funds_fundaccount a
    WHERE a.jurisdiction_id = %(j)s AND a.year = %(year)s GROUP BY a.team_id
), spent AS (
    SELECT a.team_id, sum(e.amount) AS spent FROM funds_expenditure e JOIN funds_fundaccount a ON a.id = e.account_id
    WHERE e.jurisdiction_id = %(j)s AND e.status = 'approved' AND e.decided_at >= %(start)s AND e.decided_at < %(stop)s
    GROUP BY a.team_id
)
INSERT INTO reports_reportrow (report_id, level, name, county_id, township_id, team_id, path, {COLUMNS})
SELECT %(report)s, 'team', t.name, r.county_id, r.township_id, r.team_id, r.path,
    count(*), 1, {", ".join(f"sum(r.{c})" for c in SUMS[:-2])},
    COALESCE(max(fund.budget), 0), COALESCE(max(spent.spent), 0), max(r.sheets_unconfirmed)
FROM reports_reportrow r JOIN teams_team t ON t.id = r.team_id
LEFT JOIN fund ON fund.team_id = r.team_id LEFT JOIN spent ON spent.team_id = r.team_id
WHERE r.report_id = %(report)s AND r.level = 'cadre'
GROUP BY r.county_id, r.township_id, r.team_id, r.path, t.name
"""  # noqa: S608 (column names are the constants above; values are parameters)

TOWNSHIP_SQL = f"""
INSERT INTO reports_reportrow (report_id, level, name, county_id, township_id, path, {COLUMNS})
SELECT %(report)s, 'township', o.name, r.county_id, r.township_id, r.path,
    sum(r.cadres), count(*), {SUMMED}, max(r.sheets_unconfirmed)
FROM reports_reportrow r JOIN jurisdictions_orgunit o ON o.id = r.township_id
WHERE r.report_id = %(report)s AND r.level = 'team'
GROUP BY r.county_id, r.township_id, r.path, o.name
"""  # noqa: S608 (column names are the constants above; values are parameters)

COUNTY_SQL = f"""
INSERT INTO reports_reportrow (report_id, level, name, county_id, path, {COLUMNS})
SELECT %(report)s, 'county', o.name, r.county_id, o.path,
    sum(r.cadres), sum(r.teams), {SUMMED}, sum(r.sheets_unconfirmed)
FROM reports_reportrow r JOIN jurisdictions_orgunit o ON o.id = r.county_id
WHERE r.report_id = %(report)s AND r.level = 'township'
GROUP BY r.county_id, o.path, o.name
"""  # noqa: S608 (column names are the constants above; values are parameters)

TOTAL_SQL = f"""
INSERT INTO reports_reportrow (report_id, level, name, path, {COLUMNS})
SELECT %(report)s, 'jurisdiction', %(name)s, '',
    COALESCE(sum(r.cadres), 0), COALESCE(sum(r.teams), 0), {TOTAL_SUMMED}, COALESCE(sum(r.sheets_unconfirmed), 0)
FROM reports_reportrow r WHERE r.report_id = %(report)s AND r.level = 'township'
"""  # noqa: S608 (column names are the constants above; values are parameters)


def _extras(report: MonthlyReport, params: dict) -> dict:
    """Breakdowns kept beside the totals: leave by route, spending by category, and the lists that need action."""
    from attendance.models import Flag
    from funds.models import Category
    from leave.models import LeaveRequest

    with connection.cursor() as c:
        c.execute("""
            SELECT route_key, rule_ref, count(*), sum(LEAST(end_date, %(last)s) - GREATEST(start_date, %(first)s) + 1)
            FROM leave_leaverequest WHERE jurisdiction_id = %(j)s AND status = 'approved'
              AND start_date <= %(last)s AND end_date >= %(first)s
            GROUP BY route_key, rule_ref ORDER BY route_key""", params)
        leave_routes = [{"route": r[0], "rule_ref": r[1], "requests": r[2], "days": int(r[3] or 0)}
                        for r in c.fetchall()]
        c.execute("""
            SELECT e.category, sum(e.amount) FROM funds_expenditure e
            WHERE e.jurisdiction_id = %(j)s AND e.status = 'approved' AND e.decided_at >= %(start)s
              AND e.decided_at < %(stop)s GROUP BY e.category ORDER BY e.category""", params)
        labels = dict(Category.choices)
        spending = [{"category": k, "label": labels.get(k, k), "amount": str(v)} for k, v in c.fetchall()]
    paths = dict(ReportRow.objects.filter(report=report, level=ReportRow.Level.CADRE).values_list("cadre_id", "path"))
    recall = [{"cadre": fl.cadre_id, "name": fl.cadre.name, "rule_ref": fl.rule_ref, "detail": fl.detail,
               "path": paths.get(fl.cadre_id, "")}
              for fl in Flag.objects.filter(jurisdiction=report.jurisdiction, kind=Flag.Kind.RECALL_CANDIDATE,
                                            created_at__lt=params["stop"], cadre_id__in=list(paths))
              .select_related("cadre").order_by("-created_at")[:200]]
    overdue = [{"request": lr.id, "cadre": lr.cadre_id, "name": lr.cadre.name, "due": lr.written_followup_due.isoformat(),
                "rule_ref": lr.followup_rule_ref, "path": lr.township.path}
               for lr in LeaveRequest.objects.filter(jurisdiction=report.jurisdiction, written_followup_due__lte=params["last"],
                                                     written_form_filed_at__isnull=True)
               .exclude(status__in=["rejected", "cancelled"]).select_related("cadre", "township")[:200]]
    return {"leave_routes": leave_routes, "spending": spending, "recall_candidates": recall,
            "overdue_written_forms": overdue}


def _compute(report: MonthlyReport) -> None:
    from subsidies.models import SubsidyRun

    first = report.month
    last = month_end(first)
    tz = timezone.get_current_timezone()
    params = {"j": report.jurisdiction_id, "first": first, "last": last, "report": report.id, "year": first.year,
              "start": timezone.make_aware(datetime.combine(first, time.min), tz),
              "stop": timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min), tz),
              "name": report.jurisdiction.name,
              "paid": SubsidyRun.objects.filter(jurisdiction_id=report.jurisdiction_id, month=first,
                                                status=SubsidyRun.Status.DONE).exists()}
    ReportRow.objects.filter(report=report).delete()  # a retry inside the same transaction starts clean
    # counted/required days and compliance: the attendance rules once per distinct shape, joined in SQL
    params |= shape_params(report, first, last)
    with connection.cursor() as c:
        c.execute(CADRE_SQL, params)
        for sql in (TEAM_SQL, TOWNSHIP_SQL, COUNTY_SQL, TOTAL_SQL):
            c.execute(sql, params)
    total = ReportRow.objects.get(report=report, level=ReportRow.Level.JURISDICTION)
    report.totals = {k: _json(v) for k, v in total.figures().items()}
    report.extras = _extras(report, params)


def _json(v):
    from decimal import Decimal

    return f"{v:.2f}" if isinstance(v, Decimal) else v


def report_generate(*, report_id: int) -> MonthlyReport:
    """Compute a pending report. Everything (rows, totals, version, status) is written in one transaction: a worker
    killed mid-run leaves the report pending with no rows, and the retry computes it again. A report already done
    is returned as it is (a retried task makes one version)."""
    with transaction.atomic():
        report = MonthlyReport.objects.select_for_update().select_related("jurisdiction").get(pk=report_id)
        if report.status == MonthlyReport.Status.DONE:
            return report
        report.attempts += 1
        _compute(report)
        # versions of one jurisdiction-month are numbered in the order they finish; the lock on the jurisdiction's
        # row keeps two generations of the same month from taking the same number
        Jurisdiction.objects.select_for_update().filter(pk=report.jurisdiction_id).first()
        latest = (MonthlyReport.objects.filter(jurisdiction_id=report.jurisdiction_id, month=report.month)
                  .aggregate(v=Max("version"))["v"]) or 0
        report.version = latest + 1
        report.status = MonthlyReport.Status.DONE
        report.error = ""
        report.generated_at = timezone.now()
        report.save()
        audit_record(actor=report.created_by, action="monthly_report.generate", obj=report,
                     jurisdiction=report.jurisdiction,
                     summary=f"{report.jurisdiction.name} {report.month:%Y年%m月} 月度报告 第{report.version}版")
        _notify_ready(report)
    return report


def report_fail(*, report_id: int, error: str) -> None:
    MonthlyReport.objects.filter(pk=report_id).exclude(status=MonthlyReport.Status.DONE).update(
        status=MonthlyReport.Status.FAILED, error=error[:2000])


def _notify_ready(report: MonthlyReport) -> None:
    """In-portal notice now (same transaction) and an email after commit to each receiving role holder."""
    from django.urls import reverse

    users = {g.user for g in RoleGrant.objects.filter(jurisdiction_id=report.jurisdiction_id, role__in=RECEIVERS,
                                                       user__is_active=True).select_related("user")}
    link = reverse("reports-dashboard") + f"?jurisdiction={report.jurisdiction.code}&month={report.month:%Y-%m}"
    message = f"{report.jurisdiction.name}{report.month:%Y年%m月}月度报告已生成（第{report.version}版）。"
    for u in users:
        notify(user=u, message=message, link=link)
    emails = sorted({u.email for u in users if u.email})
    if emails:
        body = f"{message}\n查看：{settings.PORTAL_BASE_URL}{link}"

        def send():
            try:
                send_mail(f"【驻村通】{message}", body, None, emails)
            except Exception:  # a mail server down must not undo a finished report
                log.exception("monthly report email failed")

        transaction.on_commit(send)


def beat_monthly_reports(*, today: date | None = None) -> list[int]:
    """The 1st of each month: one report per jurisdiction for the month before (those with a policy in force)."""
    from jurisdictions.errors import RuleViolation

    month = previous_month(today or timezone.localdate())
    ids = []
    for j in Jurisdiction.objects.order_by("id"):
        try:
            report, _ = report_request(actor=None, jurisdiction=j, month=month, beat=True)
        except RuleViolation:  # no policy for that month yet
            continue
        if report.status != MonthlyReport.Status.DONE:
            ids.append(report.id)
    return ids


FIGURE_SET = set(FIGURE_KEYS)
