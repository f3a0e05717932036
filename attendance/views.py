"""Pages: check-in (phone first), the clerk's monthly grid, its print view (the paper 考勤表), the public
whereabouts board (去向牌), work diaries and inspections. Every write goes through the same services as the API."""

import calendar as pycal
from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from config import security
from jurisdictions.calendar import month_calendar
from jurisdictions.errors import PortalError
from jurisdictions.models import Role
from jurisdictions.policy import policy_in_force
from jurisdictions.templatetags.portal import rule_label
from teams.selectors import access_cadre, cadre_list

from . import rules, selectors, services
from .forms import CellForm, CheckInForm, ConfirmForm, DiaryForm, InspectionForm
from .grid import CellRenderer, cadre_options_html, fig_html, location_of, row_html
from .models import Inspection, Status

SYMBOLS = {"on_duty": "√", "official_business": "公", "leave": "假", "rest": "休", "absent": "×"}
KEEPER_ROLES = {Role.ATTENDANCE_CLERK, Role.TOWNSHIP_SECRETARY}
STATUS_OPTIONS = [(v, label, SYMBOLS[v]) for v, label in Status.choices]


def _month_param(request, default: date) -> tuple[int, int]:
    return _month_of(request.GET.get("month"), default)


def _month_of(raw: str | None, default: date) -> tuple[int, int]:
    if not raw:
        return default.year, default.month
    try:
        return selectors.parse_month(raw)
    except PortalError:
        return default.year, default.month


# ---- check-in -----------------------------------------------------------------------------------

def _form_errors(form) -> str:
    """A form's errors as one Chinese line, each with its field's label."""
    return "；".join(f"{form.fields[k].label}：{'，'.join(v)}" if k in form.fields and form.fields[k].label
                    else "，".join(v) for k, v in form.errors.items())


@login_required
def check_in_page(request):
    cadre = selectors.own_cadre(user=request.user)
    today = timezone.localdate()
    if request.method == "POST":
        form = CheckInForm(request.POST)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return redirect("attendance-check-in")
        try:
            services.check_in(actor=request.user, latitude=form.cleaned_data["latitude"],
                              longitude=form.cleaned_data["longitude"])
            messages.success(request, f"{today:%m月%d日} 已打卡：在岗。")
        except PortalError as e:
            messages.error(request, e.detail)
        return redirect("attendance-check-in")
    ctx = {"cadre": cadre, "today": today}
    if cadre is not None:
        first, last = selectors.month_bounds(today.year, today.month)
        membership = selectors.membership_on(cadre, today)
        fig = selectors.figures_for(jurisdiction=cadre.jurisdiction, year=today.year, month=today.month,
                                    cadre_ids=[cadre.pk])[cadre.pk]
        recs = {r.date: r for r in cadre.attendance.filter(date__range=(first, last))}
        cal = month_calendar(today.year, today.month)
        working = set(cal.working_days)
        days = []
        d = first
        while d <= last:
            r = recs.get(d)
            days.append({"date": d, "status": r.status if r else "", "symbol": SYMBOLS.get(r.status, "") if r else "",
                         "working": d in working, "today": d == today, "future": d > today})
            d += timedelta(days=1)
        ctx |= {"figures": fig.as_dict(), "shortfall": fig.shortfall,
                "days": days, "today_record": recs.get(today), "membership": membership,
                "lead_blanks": range(first.weekday()), "interpretation": fig.interpretation}
    return render(request, "attendance/check_in.html", ctx)


# ---- the township's monthly sheet -----------------------------------------------------------------

def _sheet_context(request, township, year, month, *, team_id=None, acting=frozenset({"township"}),
                   for_print=False):
    data = selectors.township_month(township=township, year=year, month=month)
    memberships, records, figures, sheet = data
    if team_id is not None:  # a team leader or first secretary keeps only its own team's rows
        memberships = [m for m in memberships if m.team_id == team_id]
    cal = month_calendar(year, month)
    working = set(cal.working_days)
    shortfalls = [] if sheet else selectors.sheet_shortfalls(township=township, year=year, month=month, data=data,
                                                              working_days=cal.working_days)
    ndays = pycal.monthrange(year, month)[1]
    days = [date(year, month, d) for d in range(1, ndays + 1)]
    day_cols = [(d.day, d in working) for d in days]
    policy = policy_in_force(township.jurisdiction, days[0])
    request_only, request_ref = rules.request_only_statuses(policy)
    renderer = CellRenderer(STATUS_OPTIONS, request_only)
    shown = {m.cadre_id for m in memberships}
    daily = {d.day: {s: 0 for s in Status.values} for d in days}
    for (cid, day), rec in records.items():  # 当日在岗人数 and the other daily counts, over the rows shown
        if cid in shown:
            daily[day][rec[0]] += 1
    reasons = (sheet.shortfall_reasons or {}) if sheet else {}
    keepers = {}  # (role, first secretary, team kind) → who keeps the row: a few distinct posts per township
    rows = []
    for m in memberships:  # the day cells in Python, from tuples: one include per cell was most of the page's time
        post_key = (m.role, m.first_secretary, m.team_kind)
        if post_key not in keepers:
            keeper, keeper_ref = rules.recorder_for(policy, rules.recorder_post(
                role=m.role, first_secretary=m.first_secretary, team_kind=m.team_kind))
            keepers[post_key] = keeper, keeper_ref, rule_label(keeper_ref) if keeper != "township" else ""
        keeper, keeper_ref, keeper_title = keepers[post_key]
        locked = bool(sheet) or keeper not in acting
        cid = m.cadre_id
        fig = figures[cid].as_dict()
        row = {"cadre_id": cid, "name": m.name, "post": m.post, "fig": fig, "keeper": keeper,
               "keeper_ref": keeper_ref, "locked": locked, "reason": reasons.get(str(cid)) if sheet else None}
        if for_print:
            row["cells_html"] = renderer.print_row(cid, day_cols, records)
        else:  # the whole row in Python: the template engine's per-value work was most of what remained
            row["html"] = row_html(cadre_id=cid, name=m.name, post=m.post, keeper=keeper,
                                   keeper_title=keeper_title, locked=locked, fig=fig_html(fig),
                                   cells=renderer.row(cid, day_cols, records, locked=locked))
        rows.append(row)
    count_rule = policy.get("attendance.daily_township_count")
    review = rules.review_rule(policy)
    from jurisdictions.scoping import scope_for

    can_review = bool(review and sheet and sheet.reviewed_at is None and scope_for(request.user).holds(
        review.value["role"], jurisdiction_id=township.jurisdiction_id, org_path=township.path))
    editable = [r for r in rows if not r["locked"]]
    return {"township": township, "year": year, "month": month, "month_str": f"{year:04d}-{month:02d}",
            "days": [{"date": d, "working": d in working, "weekday": "一二三四五六日"[d.weekday()]} for d in days],
            "rows": rows, "sheet": sheet, "statuses": STATUS_OPTIONS, "symbols": SYMBOLS,
            "daily": [daily[d.day] for d in days], "count_rule": count_rule,
            "calendar_warnings": cal.warnings, "interpretation": rules.interpretation(policy),
            "shortfalls": shortfalls,
            "required_rule": policy.get("attendance.required_days"),
            "month_over": days[-1] < timezone.localdate(),
            "review_rule": review, "can_review": can_review,
            "review_role_label": Role(review.value["role"]).label if review else "",
            "request_only": request_only, "request_ref": request_ref, "editable_rows": editable,
            "picker_options": renderer.picker_options(), "fill_options": cadre_options_html(editable),
            "fill_start": days[0], "fill_end": min(days[-1], timezone.localdate()),
            "prev": f"{(days[0] - timedelta(days=1)):%Y-%m}", "next": f"{(days[-1] + timedelta(days=1)):%Y-%m}"}


def _township_for(request):
    held = list(selectors.townships_held(user=request.user, roles=KEEPER_ROLES))
    raw = request.GET.get("township")
    if raw:
        chosen = selectors.access_township(user=request.user, township_id=raw)
    elif held:
        chosen = held[0]
    else:
        raise Http404
    return chosen, held


def _is_county_or_city(user) -> bool:
    from jurisdictions.models import CITY_ROLES, COUNTY_ROLES
    from jurisdictions.scoping import scope_for

    scope = scope_for(user)
    return scope.is_superuser or any(g.role in COUNTY_ROLES | CITY_ROLES | {Role.JURISDICTION_ADMIN}
                                     for g in scope.grants)


def _township_chooser(request, year, month, *, target: str, title: str):
    """County/city users (and a keeper of several townships on the print view) pick a township: every township of
    their scope with the month's confirmation status."""
    from jurisdictions.scoping import scope_for

    scope = scope_for(request.user)
    townships = list(selectors.township_list(user=request.user).order_by("jurisdiction__name", "path"))
    sheets = selectors.sheets_of(townships=townships, year=year, month=month)
    rows = [{"t": t, "sheet": sheets.get(t.pk)} for t in townships]
    reviews = {}
    for j in {t.jurisdiction for t in townships}:  # one policy query per jurisdiction in scope
        reviews[j.pk] = rules.review_rule(policy_in_force(j, date(year, month, 1)))
    for r in rows:
        pv = reviews.get(r["t"].jurisdiction_id)
        r["review_rule"] = pv
        r["review_role_label"] = Role(pv.value["role"]).label if pv else ""
        r["can_review"] = bool(pv and r["sheet"] and r["sheet"].reviewed_at is None and scope.holds(
            pv.value["role"], jurisdiction_id=r["t"].jurisdiction_id, org_path=r["t"].path))
    return render(request, "attendance/sheet_choose.html", {
        "rows": rows, "year": year, "month": month, "month_str": f"{year:04d}-{month:02d}", "target": target,
        "title": title})


@login_required
def sheet_page(request):
    today = timezone.localdate()
    year, month = _month_param(request, today)
    try:
        township, held = _township_for(request)
    except Http404:
        team_view = _team_keeper_view(request, year, month)
        if team_view is not None:
            return render(request, "attendance/sheet.html", team_view)
        if request.GET.get("township") is None and _is_county_or_city(request.user):
            return _township_chooser(request, year, month, target=reverse("attendance-sheet"),
                                     title="月度考勤表 · 选择乡镇")
        if request.GET.get("township"):
            raise
        return render(request, "attendance/sheet_none.html")
    villages = services.board_links_ensure(actor=request.user, villages=selectors.township_villages(township=township))
    keeper = any(t.pk == township.pk for t in held)
    ctx = _sheet_context(request, township, year, month,
                         acting=frozenset({"township"}) if keeper else frozenset())
    ctx |= {"held": held, "villages": villages, "readonly": not keeper}
    return render(request, "attendance/sheet.html", ctx)


def _team_keeper_view(request, year, month):
    """Fengdu art.9: a team leader keeps its township team's members, a first secretary its village team's. They
    get the same grid, limited to their team, editable where the policy names them."""
    from jurisdictions.scoping import scope_for

    scope = scope_for(request.user)
    if not scope.cadre_id or not scope.member_team_id:
        return None
    mine = selectors.current_membership(cadre_id=scope.cadre_id)
    acting = set()
    if mine.team_id in scope.led_team_ids:
        acting.add("team_leader")
    if mine.first_secretary:
        acting.add("first_secretary")
    if not acting:
        return None
    township = mine.team.township
    return _sheet_context(request, township, year, month, team_id=mine.team_id, acting=frozenset(acting)) | {
        "held": [], "villages": [], "team_view": mine.team}


@login_required
@require_POST
def sheet_cell(request):
    """htmx: one cell of the grid changed. Answers the cell (and, out of band, the row's figures)."""
    form = CellForm(request.POST, cadres=cadre_list(user=request.user))
    if not form.is_valid() and ({"cadre", "date"} & set(form.errors) or "status" not in form.errors):
        return HttpResponse(f"参数有误：{_form_errors(form)}", status=400)
    cadre, day = form.cleaned_data["cadre"], form.cleaned_data["date"]
    error = None
    record = None
    try:
        if form.errors:  # a status out of the list: the cell shows why and keeps what was saved
            raise PortalError(_form_errors(form), code="bad_status")
        record = services.record_upsert(actor=request.user, cadre=cadre, day=day, status=form.cleaned_data["status"],
                                        note=form.cleaned_data["note"])
    except PortalError as e:
        error = e.detail
        record = selectors.record_on(cadre=cadre, day=day)
    fig = selectors.figures_for(jurisdiction=cadre.jurisdiction, year=day.year, month=day.month,
                                cadre_ids=[cadre.pk])[cadre.pk].as_dict()
    working = day in set(month_calendar(day.year, day.month).working_days)
    cell_html = CellRenderer(STATUS_OPTIONS).cell(  # statuses reserved to leave requests matter to the picker only
        cadre.pk, day.day, record.status if record else "", working, locked=False, error=error,
        location=location_of(record.source, record.latitude, record.longitude) if record else None)
    return render(request, "attendance/_cell.html", {"cell_html": cell_html, "cadre": cadre, "fig_html": fig_html(fig),
                                                     "oob": True})


class FillForm(forms.Form):
    """The grid's "fill a row or a range of days" action (one cadre, one month)."""

    township = forms.IntegerField(widget=forms.HiddenInput, required=False)  # absent on a team keeper's grid
    month = forms.RegexField(regex=r"^\d{4}-\d{2}$", widget=forms.HiddenInput, required=False)
    cadre = forms.IntegerField(label="干部")
    start = forms.DateField(label="从")
    end = forms.DateField(label="到")
    status = forms.ChoiceField(label="记为", choices=Status.choices)
    note = forms.CharField(label="备注", required=False, max_length=255)
    working_days_only = forms.BooleanField(label="只填工作日", required=False)
    blanks_only = forms.BooleanField(label="只填未登记的日期", required=False)


class ReviewForm(forms.Form):
    sheet = forms.IntegerField(widget=forms.HiddenInput)


@login_required
@require_POST
def sheet_fill_page(request):
    """Fill one cadre's row (or a range of its days) in one action and one transaction."""
    form = FillForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[k].label if k in form.fields else ''}{'，'.join(v)}"
                                         for k, v in form.errors.items()))
        return redirect(f"{reverse('attendance-sheet')}?township={form.cleaned_data.get('township') or ''}"
                        f"&month={form.cleaned_data.get('month') or ''}")
    v = form.cleaned_data
    back = f"{reverse('attendance-sheet')}?month={v['start']:%Y-%m}"
    if v["township"]:
        back += f"&township={selectors.access_township(user=request.user, township_id=v['township']).pk}"
    try:
        cadre = access_cadre(user=request.user, cadre_id=v["cadre"])
        records = services.records_fill(actor=request.user, cadre=cadre, start=v["start"], end=v["end"],
                                        status=v["status"], note=v["note"],
                                        working_days_only=v["working_days_only"], blanks_only=v["blanks_only"])
        messages.success(request, f"已将{cadre.name}的{len(records)}天记为{Status(v['status']).label}。")
    except Http404:
        messages.error(request, "干部不存在或不在您的管理范围内。")
    except PortalError as e:
        messages.error(request, e.detail)
    return redirect(back)


@login_required
@require_POST
def sheet_review_page(request):
    """The county bureau's review of a confirmed sheet before pay (fengdu art.9/art.20)."""
    form = ReviewForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        sheet = services.sheet_review(actor=request.user, sheet_id=form.cleaned_data["sheet"])
        messages.success(request, f"{sheet.township.name}{sheet.month.year}年{sheet.month.month}月考勤表已审核，"
                                  "可纳入补助核发。")
        township_id, month = sheet.township_id, f"{sheet.month:%Y-%m}"
    except PortalError as e:
        messages.error(request, e.detail)
        sheet = selectors.access_sheet(user=request.user, sheet_id=form.cleaned_data["sheet"])
        township_id, month = sheet.township_id, f"{sheet.month:%Y-%m}"
    return redirect(f"{reverse('attendance-sheet')}?township={township_id}&month={month}")


@login_required
@require_POST
def sheet_confirm_page(request):
    form = ConfirmForm(request.POST, townships=selectors.township_list(user=request.user))
    if "township" in form.errors:
        raise Http404  # a township out of the user's scope is not found (as everywhere)
    township = form.cleaned_data["township"]
    year, month = _month_of(form.cleaned_data.get("month"), timezone.localdate())
    try:
        if form.errors:
            raise PortalError(_form_errors(form), code="invalid")
        services.sheet_confirm(actor=request.user, township=township, year=year, month=month, reasons=form.reasons,
                               acknowledge_shortfall=form.cleaned_data["acknowledge_shortfall"])
        messages.success(request, f"{township.name}{year}年{month}月考勤表已确认并锁定。")
    except PortalError as e:
        messages.error(request, e.detail)
    return redirect(f"{reverse('attendance-sheet')}?township={township.pk}&month={year:04d}-{month:02d}")


@login_required
def sheet_print(request):
    year, month = _month_param(request, timezone.localdate())
    if not request.GET.get("township"):
        held = list(selectors.townships_held(user=request.user, roles=KEEPER_ROLES))
        if len(held) != 1:
            return _township_chooser(request, year, month, target=reverse("attendance-sheet-print"),
                                     title="打印考勤表 · 选择乡镇")
        township = held[0]
    else:
        township = selectors.access_township(user=request.user, township_id=request.GET.get("township"))
    return render(request, "attendance/sheet_print.html", _sheet_context(request, township, year, month,
                                                                          for_print=True))


# ---- whereabouts board (public) --------------------------------------------------------------------

@security.throttled_page(security.PublicBoardThrottle)  # public: guessing links is slowed (issue 14)
def whereabouts_public(request, token):
    """The public board (no login) behind the village's unguessable link; only the fields the policy lists."""
    return _whereabouts(request, selectors.board_village_id(token=token))


@security.throttled_page(security.PublicBoardThrottle)
def whereabouts_page(request, village_id):
    """The same board by village id, for signed-in users whose scope covers the village; 404 for anyone else
    (the id is sequential: the public uses the link, issue 14)."""
    return _whereabouts(request, selectors.access_village(user=request.user, village_id=village_id).pk)


def _whereabouts(request, village_id):
    today = timezone.localdate()
    village, board, rule_ref, shown = selectors.whereabouts(village_id=village_id, day=today)
    return render(request, "attendance/whereabouts.html", {"village": village, "board": board, "today": today,
                                                           "rule_ref": rule_ref, "shown": shown})


# ---- diaries ----------------------------------------------------------------------------------------

@login_required
def diary_page(request):
    cadre = selectors.own_cadre(user=request.user)
    today = timezone.localdate()
    error = None
    form = DiaryForm(request.POST or None, request.FILES or None, initial={"date": today})
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        try:
            services.diary_create(actor=request.user, day=v["date"], content=v["content"], duty_area=v["duty_area"],
                                  kind=v["kind"], photo=v["photo"])
            messages.success(request, "日志已保存。")
            return redirect("diary-page")
        except PortalError as e:
            error = e.detail + (f"〔{rule_label(e.rule_ref)}〕" if e.rule_ref else "")
    elif form.errors:
        error = _form_errors(form)
    view = request.GET.get("view", "week")
    if view == "month":
        year, month = _month_param(request, today)
        entries = selectors.diary_list(user=request.user, cadre_id=request.GET.get("cadre"),
                                       month_raw=f"{year:04d}-{month:02d}")
        title = f"{year}年{month}月"
    else:
        try:
            anchor = date.fromisoformat(request.GET.get("date", ""))
        except ValueError:
            anchor = today
        iso = anchor.isocalendar()
        entries = selectors.diary_list(user=request.user, cadre_id=request.GET.get("cadre"),
                                       week_raw=f"{iso.year}-W{iso.week:02d}")
        monday = anchor - timedelta(days=anchor.weekday())
        title = f"{monday:%Y年%m月%d日}—{monday + timedelta(days=6):%m月%d日}"
    duty = policy_in_force(cadre.jurisdiction, today).get("duties.diary") if cadre else None
    return render(request, "attendance/diary.html", {
        "cadre": cadre, "entries": entries[:200], "view": view, "title": title, "today": today, "duty": duty,
        "error": error, "form": form})


# ---- inspections ------------------------------------------------------------------------------------

LEVEL_ROLES = [("province", services.CITY_LEVEL), ("city", services.CITY_LEVEL), ("county", services.COUNTY_LEVEL),
               ("township", {Role.TOWNSHIP_SECRETARY})]


def _default_level(user) -> str:
    """The highest level the user may record (county users: county)."""
    from jurisdictions.scoping import scope_for

    scope = scope_for(user)
    roles = {g.role for g in scope.grants}
    for level, allowed in LEVEL_ROLES[1:]:
        if scope.is_superuser or roles & allowed:
            return level
    return "township"


def _inspection_rules(user) -> list[dict]:
    """The inspection rows of the user's own jurisdiction, described from the policy (none: nothing shown)."""
    from jurisdictions.scoping import scope_for
    from jurisdictions.selectors import jurisdiction_by_id

    scope = scope_for(user)
    ids = scope.visible_jurisdiction_ids
    if len(ids) != 1:
        return []
    policy = policy_in_force(jurisdiction_by_id(next(iter(ids))), timezone.localdate())
    levels = dict(Inspection.Level.choices)
    kinds = {"notice": "通报", "recall_candidate": "列为召回对象"}
    out = []
    for pv in policy.with_prefix("inspection."):
        v = pv.value or {}
        if pv.key == "inspection.county_monthly":
            text = "县级每月对每名驻村干部督查一次"
        elif pv.key == "inspection.unexcused_absence":
            lvl = f"{levels.get(v.get('min_level'), '')}及以上督查" if v.get("min_level") else "督查或抽查"
            steps = "，".join(f"第{s['count']}次{kinds.get(s['kind'], s['kind'])}" for s in v.get("steps", []))
            text = f"{lvl}发现无故脱岗：{steps}"
        elif pv.key == "inspection.reprimand_recall":
            text = f"督查中被责令书面检查或诫勉谈话{v.get('count')}次以上：列为召回对象"
        else:
            continue
        out.append({"text": text, "rule_ref": pv.rule_ref})
    return out


@login_required
def inspection_page(request):
    error = None
    today = timezone.localdate()
    form = InspectionForm(request.POST or None, cadres=selectors.inspection_cadres(user=request.user),
                          initial={"date": today, "level": _default_level(request.user)})
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        try:
            inspection, flags = services.inspection_record(
                actor=request.user, cadre=v["cadre"], day=v["date"], level=v["level"], result=v["result"],
                reprimand=v["reprimand"], note=v["note"])
            text = "；".join(f"{f.get_kind_display()}（{rule_label(f.rule_ref)}）" for f in flags)
            messages.success(request, f"督查结果已录入。{('后果：' + text) if text else ''}")
            return redirect("inspection-page")
        except PortalError as e:
            error = e.detail + (f"〔{rule_label(e.rule_ref)}〕" if e.rule_ref else "")
    elif form.errors:
        error = _form_errors(form)
    year, month = _month_param(request, today)
    items = selectors.inspection_list(user=request.user, month_raw=f"{year:04d}-{month:02d}")
    return render(request, "attendance/inspections.html", {
        "items": items[:300], "month_str": f"{year:04d}-{month:02d}", "today": today, "error": error, "form": form,
        "rules_here": _inspection_rules(request.user)})
