"""Pages: the dashboard (drill-down jurisdiction → county → township → team → cadre), its print view, the .xlsx,
the quarterly roll-up where the policy asks for one (linfen art.9(四)), and the home page by role."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from jurisdictions.errors import RuleViolation
from jurisdictions.policy import policy_in_force
from jurisdictions.scoping import scope_for

from . import export, selectors, services
from .apis import xlsx_response
from .forms import DashboardFilter
from .models import FIGURES, MonthlyReport, ReportRow

LEVEL_LABELS = dict(ReportRow.Level.choices)


def _default_month() -> date:
    return services.previous_month(timezone.localdate())


def _context(request):
    jurisdictions = list(selectors.visible_jurisdictions(user=request.user).order_by("id"))
    form = DashboardFilter(request.GET or None, jurisdictions=jurisdictions)
    asked = request.GET.get("jurisdiction")
    if not jurisdictions or asked and asked not in {j.code for j in jurisdictions}:
        raise Http404  # another jurisdiction's dashboard does not exist for this user
    if form.is_valid():
        code = form.cleaned_data.get("jurisdiction") or jurisdictions[0].code
        month_raw = form.cleaned_data.get("month") or f"{_default_month():%Y-%m}"
        level = form.cleaned_data.get("level") or "jurisdiction"
        unit = form.cleaned_data.get("unit")
    else:
        code, month_raw, level, unit = jurisdictions[0].code, f"{_default_month():%Y-%m}", "jurisdiction", None
    report, q, j = selectors.report_for(user=request.user, code=code, month_raw=month_raw)
    month = selectors.parse_month(month_raw)
    if level != "jurisdiction" and not unit:
        level = "jurisdiction"
    ctx = {"form": form, "jurisdictions": jurisdictions, "jurisdiction": j, "month": month, "month_raw": month_raw,
           "report": report, "level": level, "can_generate": scope_for(request.user).is_county_level(j.id),
           "unit": unit, "figures": FIGURES, "level_label": LEVEL_LABELS}
    if report is None:
        ctx["versions"] = []
        return ctx
    node, child, children = selectors.node_rows(report, q, level, unit)
    children = list(children.order_by("name", "id"))
    ctx.update(node=node, child=child, children=children, rate=export.rate(node),
               versions=list(MonthlyReport.objects.filter(jurisdiction=j, month=month,
                                                          status=MonthlyReport.Status.DONE)
                             .values_list("version", flat=True)))
    rows = ReportRow.objects.filter(report=report).filter(q)
    if level != "jurisdiction":
        rows = rows.filter(**{selectors.UNIT_FIELD[level]: unit})
    ctx["teams_ranked"] = list(rows.filter(level="team", required_days__gt=0)
                               .annotate(rate=100.0 * F("counted_days") / F("required_days"))
                               .order_by("-rate", "name")[:10])
    ctx["non_compliant"] = list(rows.filter(level="cadre", non_compliant=1).order_by("name")[:50])
    ctx["unconfirmed"] = list(rows.filter(level="township", sheets_unconfirmed__gt=0).order_by("name")[:50])
    paths = None if q == selectors.Q() and level == "jurisdiction" else {r.path for r in rows.filter(level="township")}
    if level in ("team", "cadre"):
        cadre_ids = set(rows.filter(level="cadre").values_list("cadre_id", flat=True))
        keep = lambda item: item.get("cadre") in cadre_ids  # noqa: E731
    elif paths is None:
        keep = lambda item: True  # noqa: E731
    else:
        keep = lambda item: any(item.get("path", "").startswith(p) for p in paths if p)  # noqa: E731
    ctx["recall"] = [x for x in report.extras.get("recall_candidates", []) if keep(x)]
    ctx["overdue"] = [x for x in report.extras.get("overdue_written_forms", []) if keep(x)]
    ctx["chart"] = {
        "trend": selectors.trend(jurisdiction=j, q=q, level=level, unit_id=unit, until=month),
        "bars": {"names": [c.name for c in children],
                 "rate": [export.rate(c.figures()) for c in children],
                 "leave_days": [c.leave_days for c in children]},
        "child_label": LEVEL_LABELS.get(child, ""),
    }
    ctx["quarterly"] = quarterly_rule(j, month)
    return ctx


@login_required
def dashboard(request):
    ctx = _context(request)
    template = "reports/_dashboard_body.html" if request.headers.get("HX-Request") else "reports/dashboard.html"
    return render(request, template, ctx)


@login_required
def dashboard_print(request):
    return render(request, "reports/print.html", _context(request))


@login_required
def report_export(request, pk):
    report, q = selectors.access_report(user=request.user, report_id=pk)
    return xlsx_response(report, q)


@login_required
def report_generate(request):
    if request.method != "POST":
        return redirect("reports-dashboard")
    from django.contrib import messages

    from .forms import GenerateForm

    form = GenerateForm(request.POST, jurisdictions=list(selectors.visible_jurisdictions(user=request.user)))
    if not form.is_valid():
        messages.error(request, "请选择辖区和月份。")
        return redirect("reports-dashboard")
    j = form.cleaned_data["jurisdiction_obj"]
    report, _ = services.report_request(actor=request.user, jurisdiction=j, month=form.cleaned_data["month_date"])
    services.report_enqueue(report)
    messages.success(request, "已提交生成，完成后会通知您。")
    return redirect(f"{request.path.rsplit('generate/', 1)[0]}?jurisdiction={j.code}&month={form.cleaned_data['month']}")


# ---- linfen art.9(四): the quarterly roll-up to the city -------------------------------------------------------

def quarterly_rule(jurisdiction, month: date):
    """The policy row that asks the county's monthly inspections to go to the city by quarter, or None."""
    try:
        pv = policy_in_force(jurisdiction, month).get("inspection.county_monthly")
    except RuleViolation:
        return None
    if pv is None or (pv.value or {}).get("report_to_city") != "quarter":
        return None
    return pv


@login_required
def quarterly(request):
    code = request.GET.get("jurisdiction", "")
    raw = request.GET.get("quarter", "")
    try:
        year, qn = raw.split("-Q")
        year, qn = int(year), int(qn)
        if not 1 <= qn <= 4:
            raise ValueError
    except ValueError:
        raise Http404 from None
    j = selectors.access_jurisdiction(user=request.user, code=code)
    q = selectors.row_scope_q(request.user, j.id)
    if q is None:
        raise Http404
    months = [date(year, 3 * (qn - 1) + i, 1) for i in (1, 2, 3)]
    pv = quarterly_rule(j, months[-1])
    if pv is None:
        raise RuleViolation("本辖区的文件未要求按季度上报月度巡查情况。", code="no_quarterly",
                            rule_ref=f"{j.code} default", overridable=False)
    reports = [selectors.latest_report(jurisdiction=j, month=m) for m in months]
    present = [r for r in reports if r is not None]
    missing = [f"{m:%Y-%m}" for m, r in zip(months, reports, strict=True) if r is None]
    rows_by_level, totals = rollup(present, q)
    from jurisdictions.templatetags.portal import rule_label

    title = f"{j.name} {year}年第{qn}季度 驻村工作季度报告（{rule_label(pv.rule_ref)}：按季度上报市干部帮扶工作领导小组办公室）"
    note = "人数类为三个月之和（人·月）。" + (f"缺少月份：{'、'.join(missing)}。" if missing else "")
    if request.GET.get("format") == "xlsx":
        body = export.workbook(title=title, rows_by_level=rows_by_level, totals=totals, note=note)
        resp = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        resp["Content-Disposition"] = f'attachment; filename="quarter-{j.code}-{year}Q{qn}.xlsx"'
        return resp
    return render(request, "reports/quarterly.html", {
        "title": title, "note": note, "rows_by_level": rows_by_level, "totals": totals, "figures": FIGURES,
        "missing": missing, "rule_ref": pv.rule_ref, "jurisdiction": j, "quarter": raw,
        "levels": [(lv, lab, rows_by_level.get(lv, [])) for lv, lab in export.SHEETS]})


def rollup(reports, q) -> tuple[dict, dict]:
    """Three months' rows summed per unit in one GROUP BY (null stays null only if every month is missing)."""
    from django.db.models import Sum

    from .services import SUMS

    rows = (ReportRow.objects.filter(report__in=reports).filter(q)
            .values("level", "county_id", "township_id", "team_id", "cadre_id", "name")
            .annotate(cadres=Sum("cadres"), teams=Sum("teams"), sheets_unconfirmed=Sum("sheets_unconfirmed"),
                      **{k: Sum(k) for k in SUMS}).order_by("level", "name"))
    by_level: dict = {}
    for r in rows:
        by_level.setdefault(r["level"], []).append(r)
    whole = q == selectors.Q()
    if whole and by_level.get("jurisdiction"):
        totals = dict(by_level["jurisdiction"][0])
    else:
        totals = selectors.sum_rows(ReportRow.objects.filter(report__in=reports, level="township").filter(q))
    return by_level, totals


# ---- home by role ----------------------------------------------------------------------------------------------

# the jurisdiction admin keeps the tile home (its work is the policy table and the roster); the dashboard is in its menu
LANDING_ROLES = {"county_office", "county_group", "county_org_dept", "county_rr_bureau", "city_office",
                 "city_org_dept", "city_rr_bureau"}


def landing_url(user) -> str | None:
    """Issue 12 item 4: after logging in (no `next`), org departments, county and city offices land on the
    dashboard; everyone else on the home page (a township secretary and a cadre see their month there)."""
    from django.urls import reverse

    scope = scope_for(user)
    if not scope.is_superuser and scope.roles() & LANDING_ROLES:
        return reverse("reports-dashboard")
    return None


def home_month(user) -> dict:
    """A township secretary's township month and a cadre's own month, from the latest stored report of last month,
    shown above the tiles of the home page. Three queries at most."""
    from django.urls import reverse

    scope = scope_for(user)
    if scope.is_superuser:
        return {}
    month = _default_month()
    base = reverse("reports-dashboard")
    for g in scope.grants:
        if g.role == "township_secretary" and g.org_unit_id:
            report = selectors.latest_report(jurisdiction=g.jurisdiction_id, month=month)
            row = report and ReportRow.objects.filter(report=report, level="township", township_id=g.org_unit_id).first()
            return {"my_month": {"title": f"{g.org_unit.name} {month:%Y年%m月}", "row": row, "kind": "township",
                                 "link": f"{base}?jurisdiction={row.report.jurisdiction.code}&month={month:%Y-%m}"
                                         f"&level=township&unit={g.org_unit_id}" if row else ""}}
    if scope.cadre_id:
        report = selectors.latest_report(jurisdiction=scope.cadre_jurisdiction_id, month=month)
        row = report and ReportRow.objects.filter(report=report, level="cadre", cadre_id=scope.cadre_id).first()
        return {"my_month": {"title": f"我的{month:%Y年%m月}", "row": row, "kind": "cadre", "link": ""}}
    return {}
