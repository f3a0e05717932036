"""Pages for teams and cadres. They call the same selectors and services as the API."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from jurisdictions.errors import PortalError
from jurisdictions.models import DispatchUnit, OrgUnit
from jurisdictions.policy import policy_in_force
from jurisdictions.scoping import scope_for
from jurisdictions.selectors import dispatch_unit_list, jurisdiction_list, org_unit_list
from jurisdictions.templatetags.portal import rule_label

from . import roster, selectors, services
from .models import Cadre, Membership, Team


def _require_manager_somewhere(user) -> None:
    """Forms that register people or teams are for the admin and county/city departments only."""
    scope = scope_for(user)
    if not (scope.is_superuser or any(g.role in services.MANAGER_ROLES for g in scope.grants)):
        raise PermissionDenied


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise PortalError("日期格式应为 年-月-日。", code="bad_date") from None


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        raise PortalError("请选择有效的选项。", code="bad_choice") from None


@login_required
def team_list(request):
    page = Paginator(selectors.team_list(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "teams/team_list.html", {"page": page})


@login_required
def team_detail(request, pk):
    team = selectors.access_team(user=request.user, team_id=pk)
    policy = policy_in_force(team.jurisdiction, timezone.localdate())
    history = [m for m in selectors.team_history(team=team) if m.end_date]
    return render(request, "teams/team_detail.html", {
        "team": team, "checks": services.team_checks_now(team, team.active_memberships, policy),
        "history": history, "roles": Membership.Role.choices, "end_kinds": Membership.EndKind.choices,
        "grounds": {k: services.end_grounds(policy, k) for k in Membership.EndKind.values},
        "candidates": selectors.cadre_list(user=request.user, jurisdiction=team.jurisdiction)
        .filter(station__isnull=True)[:300],
        "villages": org_unit_list(user=request.user, jurisdiction=team.jurisdiction, kind="village")
        .filter(path__startswith=team.township.path),
        "today": timezone.localdate(),
        "gaps": selectors.personnel_case_list(user=request.user, team_id=team.pk, status="awaiting_successor"),
        "can_manage": scope_for(request.user).holds_any(services.MANAGER_ROLES, jurisdiction_id=team.jurisdiction_id,
                                                        org_path=team.host_unit.path),
    })


@login_required
def team_new(request):
    _require_manager_somewhere(request.user)
    ctx = {"jurisdictions": jurisdiction_list(user=request.user), "kinds": Team.Kind.choices,
           "levels": DispatchUnit.Level.choices,
           "hosts": org_unit_list(user=request.user).exclude(kind__in=[OrgUnit.Kind.COUNTY, OrgUnit.Kind.CITY]),
           "units": dispatch_unit_list(user=request.user), "form": request.POST}
    if request.method == "POST":
        try:
            hosts = {u.id: u for u in ctx["hosts"]}
            units = {u.id: u for u in ctx["units"]}
            host = hosts.get(_int_or_none(request.POST.get("host_unit")))
            if host is None:
                raise PortalError("请选择驻点。", code="host_required")
            team = services.team_create(
                actor=request.user, jurisdiction=host.jurisdiction, kind=request.POST.get("kind", ""),
                name=request.POST.get("name", "").strip() or f"{host.name}工作队", host_unit=host,
                dispatch_level=request.POST.get("dispatch_level", ""),
                term_start=_date(request.POST.get("term_start")) or timezone.localdate(),
                term_end=_date(request.POST.get("term_end")),
                lead_unit=units.get(_int_or_none(request.POST.get("lead_unit"))),
                member_units=[units[i] for i in map(int, request.POST.getlist("member_units")) if i in units],
            )
            messages.success(request, f"已组建{team.name}。")
            return redirect("team-detail", pk=team.pk)
        except PortalError as exc:
            messages.error(request, exc.detail)
    return render(request, "teams/team_new.html", ctx)


@login_required
def member_new(request, pk):
    team = selectors.access_team(user=request.user, team_id=pk)
    if request.method == "POST":
        try:
            cadre = selectors.access_cadre(user=request.user, cadre_id=request.POST.get("cadre"))
            village_id = _int_or_none(request.POST.get("village"))
            village = OrgUnit.objects.filter(pk=village_id, jurisdiction=team.jurisdiction).first() if village_id \
                else None
            membership, overridden = services.membership_add(
                actor=request.user, team=team, cadre=cadre, role=request.POST.get("role", "member"),
                start_date=_date(request.POST.get("start_date")) or timezone.localdate(),
                first_secretary=bool(request.POST.get("first_secretary")), village=village,
                override_reason=request.POST.get("override_reason", ""))
            note = "（已记录例外理由）" if overridden else ""
            messages.success(request, f"{cadre.name}已加入{team.name}{note}。")
        except PortalError as exc:
            ref = f"〔{rule_label(exc.rule_ref)}〕" if exc.rule_ref else ""
            hint = " 如确需选派，请填写例外理由后重新提交。" if exc.overridable else ""
            messages.error(request, f"{exc.detail}{ref}{hint}")
    return redirect("team-detail", pk=team.pk)


@login_required
def member_end(request, pk):
    membership = selectors.access_membership(user=request.user, membership_id=pk)
    if request.method == "POST":
        try:
            services.membership_end(actor=request.user, membership=membership,
                                    end_date=_date(request.POST.get("end_date")) or timezone.localdate(),
                                    kind=request.POST.get("kind", ""), ground=request.POST.get("ground", ""),
                                    note=request.POST.get("note", ""))
            messages.success(request, f"{membership.cadre.name}已离队。")
        except PortalError as exc:
            messages.error(request, exc.detail + (f"〔{rule_label(exc.rule_ref)}〕" if exc.rule_ref else ""))
    return redirect("team-detail", pk=membership.team_id)


@login_required
def cadre_list(request):
    q = request.GET.get("q", "").strip()
    page = Paginator(selectors.cadre_list(user=request.user, search=q), 50).get_page(request.GET.get("page"))
    return render(request, "teams/cadre_list.html", {"page": page, "q": q})


@login_required
def cadre_detail(request, pk):
    cadre = selectors.access_cadre(user=request.user, cadre_id=pk)
    memberships = Membership.objects.filter(cadre=cadre).select_related("team", "village").prefetch_related(
        "overrides", "overrides__overridden_by").order_by("-start_date")
    return render(request, "teams/cadre_detail.html", {
        "cadre": cadre, "memberships": memberships,
        # issue 11: the cadre's cases and the consequences recorded on the cadre
        "cases": selectors.personnel_case_list(user=request.user, cadre_id=cadre.pk),
        "consequences": cadre.consequences.order_by("starts_on", "id"), "today": timezone.localdate()})


CHOICE_FIELDS = {"gender": Cadre.Gender.choices, "party_status": Cadre.PartyStatus.choices,
                 "rank": Cadre.Rank.choices, "category": Cadre.Category.choices,
                 "dispatch_level": DispatchUnit.Level.choices}


@login_required
def cadre_new(request):
    _require_manager_somewhere(request.user)
    units = dispatch_unit_list(user=request.user)
    ctx = {"jurisdictions": jurisdiction_list(user=request.user), "units": units, "choices": CHOICE_FIELDS,
           "form": request.POST, "errors": {}}
    if request.method == "POST":
        try:
            unit = units.filter(pk=_int_or_none(request.POST.get("dispatch_unit"))).first()
            if unit is None:
                raise PortalError("请选择派出单位。", code="dispatch_unit_required")
            p = request.POST
            data = {
                "name": p.get("name", "").strip(), "gender": p.get("gender"), "birth_date": _date(p.get("birth_date")),
                "id_number": p.get("id_number", "").strip(), "party_status": p.get("party_status"),
                "party_joined_on": _date(p.get("party_joined_on")), "work_started_on": _date(p.get("work_started_on")),
                "rank": p.get("rank"), "reserve_cadre": bool(p.get("reserve_cadre")), "category": p.get("category"),
                "dispatch_unit": unit, "dispatch_level": p.get("dispatch_level") or unit.level,
                "phone": p.get("phone", "").strip(), "self_driving": bool(p.get("self_driving")),
            }
            for field, choices in CHOICE_FIELDS.items():
                if data[field] not in dict(choices):
                    raise PortalError("请完整选择性别、政治面貌、职级、人员类别。", code="choice_required")
            if not data["name"] or not data["birth_date"]:
                raise PortalError("姓名和出生日期为必填项。", code="required")
            cadre = services.cadre_create(actor=request.user, jurisdiction=unit.jurisdiction, data=data)
            messages.success(request, f"已登记{cadre.name}。")
            return redirect("cadre-detail", pk=cadre.pk)
        except PortalError as exc:
            ctx["errors"] = exc.errors or {}
            messages.error(request, exc.detail)
    return render(request, "teams/cadre_new.html", ctx)


@login_required
def cadre_import(request):
    _require_manager_somewhere(request.user)
    ctx = {"jurisdictions": jurisdiction_list(user=request.user), "columns": roster.COLUMNS, "errors": None}
    if request.GET.get("template"):
        return _roster_template()
    if request.method == "POST":
        try:
            j = ctx["jurisdictions"].filter(code=request.POST.get("jurisdiction")).first()
            if j is None or "file" not in request.FILES:
                raise PortalError("请选择辖区并上传 .xlsx 文件。", code="file_required")
            created, errors = roster.roster_import(actor=request.user, jurisdiction=j, upload=request.FILES["file"])
            if errors and errors[0]["row"] == 0:
                messages.error(request, errors[0]["errors"][0])
            elif errors:
                ctx["errors"] = errors
                messages.error(request, f"花名册有{len(errors)}行存在错误，未导入任何数据，请修改后重新上传。")
            else:
                messages.success(request, f"已导入{len(created)}名干部。")
                return redirect("cadre-list")
        except PortalError as exc:
            messages.error(request, exc.detail)
    return render(request, "teams/cadre_import.html", ctx)


def _roster_template() -> HttpResponse:
    from io import BytesIO

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append([h for h, _, _ in roster.COLUMNS])
    ws.append(["张三", "男", "1985-06-15", "", "正式党员", "2008-07-01", "2008-08-01", "正科", "否", "公务员",
               "（填写已登记的派出单位名称）", "市直", "13900000000", "35", "否"])
    ws.freeze_panes = "A2"
    buf = BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E8%8A%B1%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx"
    return response


# ---- personnel cases (issue 11) ---------------------------------------------------------------------------------

def _case_ctx(request, case):
    from jurisdictions.models import AuditEvent
    from leave.selectors import may_act_as

    from .forms import DecisionForm, SuccessorForm
    from .models import CaseApproval

    scope = scope_for(request.user)
    mine = case.status == case.Status.PENDING and any(
        a.status == CaseApproval.Status.PENDING and may_act_as(scope, a.role, case) for a in case.approvals.all())
    may_name = case.status == case.Status.AWAITING_SUCCESSOR and (
        scope.holds_any(services.MANAGER_ROLES, jurisdiction_id=case.jurisdiction_id, org_path=case.township.path)
        or scope.holds("dispatch_unit", jurisdiction_id=case.jurisdiction_id,
                       dispatch_unit_id=case.cadre.dispatch_unit_id))
    candidates = selectors.cadre_list(user=request.user, jurisdiction=case.jurisdiction).filter(station__isnull=True)
    return {
        "c": case, "mine": mine, "decision_form": DecisionForm(),
        "successor_form": SuccessorForm(candidates=candidates, initial={
            "cadre": case.successor_id, "start_date": timezone.localdate()}) if may_name else None,
        "events": AuditEvent.objects.filter(object_id=case.pk, action__startswith="case.").order_by("created_at"),
    }


@login_required
def case_list(request):
    """调整与召回: the recall flags nobody has taken up (one click opens a case), my pending decisions, all cases."""
    page = Paginator(selectors.personnel_case_list(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "teams/case_list.html", {
        "page": page, "flags": selectors.recall_flag_queue(user=request.user)[:100],
        "inbox": selectors.case_approver_inbox(user=request.user)})


@login_required
def case_new(request):
    """Step 1 picks the cadre and kind (GET), step 2 the ground from the policy and the facts (POST)."""
    from .forms import CaseForm, CaseStartForm
    from .rules import case_grounds, flag_ground

    cadres = selectors.cadre_list(user=request.user).filter(station__isnull=False)
    start = CaseStartForm(request.GET or None, cadres=cadres)
    flag = None
    if request.GET.get("flag"):
        from .apis import flag_in_scope

        flag = flag_in_scope(request.user, request.GET["flag"])
    if not start.is_valid():
        return render(request, "teams/case_new.html", {"start": start, "flag": flag})
    cadre, kind = start.cleaned_data["cadre"], start.cleaned_data["kind"]
    policy = policy_in_force(cadre.jurisdiction, timezone.localdate())
    grounds = case_grounds(policy, kind)
    initial = {}
    if flag is not None:
        from .rules import case_route

        m = cadre.memberships.filter(end_date__isnull=True).first()
        route = m and case_route(policy, "recall", dispatch_level=cadre.dispatch_level, served_from=m.start_date,
                                 on=timezone.localdate())
        initial = {"ground": route and flag_ground(route.value, flag.source), "note": flag.detail}
    successors = selectors.cadre_list(user=request.user, jurisdiction=cadre.jurisdiction).filter(
        station__isnull=True)
    form = CaseForm(request.POST or None, grounds=grounds, successors=successors, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.personnel_case_open(actor=request.user, cadre=cadre, kind=kind,
                                                ground=form.cleaned_data["ground"], note=form.cleaned_data["note"],
                                                successor=form.cleaned_data["successor"], flag=flag)
            messages.success(request, f"已提出{case.get_kind_display()}，待{case.route_label or '审批'}。")
            return redirect("case-detail", pk=case.pk)
        except PortalError as e:
            messages.error(request, e.detail + (f"（{rule_label(e.rule_ref)}）" if e.rule_ref else ""))
    return render(request, "teams/case_new.html", {"start": start, "form": form, "cadre": cadre, "kind": kind,
                                                   "grounds": grounds, "flag": flag})


@login_required
def case_detail(request, pk):
    from .forms import DecisionForm, SuccessorForm

    case = selectors.access_personnel_case(user=request.user, case_id=pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "successor":
                candidates = selectors.cadre_list(user=request.user, jurisdiction=case.jurisdiction)
                form = SuccessorForm(request.POST, candidates=candidates)
                if not form.is_valid():
                    raise PortalError("请选择接替人员和到岗日期。", code="invalid")
                services.personnel_case_successor_join(
                    actor=request.user, case_id=case.pk, successor=form.cleaned_data["cadre"],
                    start_date=form.cleaned_data["start_date"], override_reason=form.cleaned_data["override_reason"])
                messages.success(request, "接替人员已到岗，本事项办结。")
            else:
                form = DecisionForm(request.POST)
                if not form.is_valid():
                    raise PortalError("请选择同意或不同意。", code="invalid")
                if form.cleaned_data["decision"] == "approve":
                    services.personnel_case_approve(actor=request.user, case_id=case.pk,
                                                    comment=form.cleaned_data["comment"])
                    messages.success(request, "已同意。")
                else:
                    services.personnel_case_reject(actor=request.user, case_id=case.pk,
                                                   comment=form.cleaned_data["comment"])
                    messages.success(request, "已不同意。")
        except PortalError as e:
            messages.error(request, e.detail + (f"（{rule_label(e.rule_ref)}）" if e.rule_ref else ""))
        return redirect("case-detail", pk=case.pk)
    return render(request, "teams/case_detail.html", _case_ctx(request, case))


@login_required
def case_notice(request, pk):
    """The written notice (召回通知 / 调整通知, 通报) with the case's facts and article, for printing."""
    case = selectors.access_personnel_case(user=request.user, case_id=pk)
    if case.status not in (case.Status.APPROVED, case.Status.AWAITING_SUCCESSOR):
        messages.error(request, "事项批准后方可生成通知。")
        return redirect("case-detail", pk=case.pk)
    return render(request, "teams/case_notice.html", {"c": case, "today": timezone.localdate()})
