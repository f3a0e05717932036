"""Pages for teams and cadres. They call the same selectors and services as the API."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from jurisdictions.errors import PortalError
from jurisdictions.policy import policy_in_force
from jurisdictions.scoping import scope_for
from jurisdictions.selectors import dispatch_unit_list, jurisdiction_list
from jurisdictions.templatetags.portal import rule_label

from . import roster, selectors, services
from .forms import CadreForm, HandoverForm, MemberEndForm, MemberForm, RosterImportForm, TeamForm
from .models import Membership


def _require_manager_somewhere(user) -> None:
    """Forms that register people or teams are for the admin and county/city departments only."""
    scope = scope_for(user)
    if not (scope.is_superuser or any(g.role in services.MANAGER_ROLES for g in scope.grants)):
        raise PermissionDenied


@login_required
def team_list(request):
    page = Paginator(selectors.team_list(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "teams/team_list.html", {"page": page})


def _handover_form(team, membership, data=None, **kwargs) -> HandoverForm:
    """The successors: the team's other current members, from the page's prefetched memberships (压茬交接)."""
    successors = sorted({m.cadre_id: m.cadre for m in team.active_memberships
                         if m.cadre_id != membership.cadre_id}.values(), key=lambda c: (c.name, c.pk))
    return HandoverForm(data, successors=successors, **kwargs)


def _team_detail_ctx(request, team, *, member_form=None, end_form=None, end_for=None, handover_form=None):
    """The team page. A refused member, end or handover form comes back bound (its errors and the user's input
    kept). Each member row: the end form, and the handover form while the membership has no handover."""
    policy = policy_in_force(team.jurisdiction, timezone.localdate())
    grounds = {k: services.end_grounds(policy, k) for k in Membership.EndKind.values}
    today = timezone.localdate()
    members = []
    for m in team.active_memberships:
        handover = getattr(m, "handover", None)
        if handover is not None:
            h_form = None
        elif end_for == m.pk and handover_form is not None:
            h_form = handover_form
        else:
            h_form = _handover_form(team, m, initial={"date": today})
        members.append((m, end_form if end_for == m.pk and end_form is not None
                        else MemberEndForm(grounds=grounds, initial={"end_date": today}), handover, h_form))
    return {
        "team": team, "checks": services.team_checks_now(team, team.active_memberships, policy),
        "history": [m for m in selectors.team_history(team=team) if m.end_date], "members": members,
        "member_form": member_form or _member_form(request, team, initial={"start_date": today, "role": "member"}),
        "today": today,
        "gaps": selectors.personnel_case_list(user=request.user, team_id=team.pk, status="awaiting_successor"),
        "can_manage": scope_for(request.user).holds_any(services.MANAGER_ROLES, jurisdiction_id=team.jurisdiction_id,
                                                        org_path=team.host_unit.path),
    }


def _member_form(request, team, data=None, **kwargs) -> MemberForm:
    return MemberForm(data, candidates=selectors.cadre_list(user=request.user, jurisdiction=team.jurisdiction)
                      .filter(station__isnull=True),
                      villages=selectors.team_villages(user=request.user, team=team), **kwargs)


def _refusal(exc: PortalError) -> str:
    """A service's refusal as shown on the pages: the message, then the article."""
    return exc.detail + (f"〔{rule_label(exc.rule_ref)}〕" if exc.rule_ref else "")


@login_required
def team_detail(request, pk):
    team = selectors.access_team(user=request.user, team_id=pk)
    return render(request, "teams/team_detail.html", _team_detail_ctx(request, team))


@login_required
def team_new(request):
    _require_manager_somewhere(request.user)
    form = TeamForm(request.POST or None, hosts=selectors.team_host_units(user=request.user),
                    units=dispatch_unit_list(user=request.user))
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        host = v["host_unit"]
        try:
            team = services.team_create(
                actor=request.user, jurisdiction=host.jurisdiction, kind=v["kind"],
                name=v["name"] or f"{host.name}工作队", host_unit=host, dispatch_level=v["dispatch_level"],
                term_start=v["term_start"] or timezone.localdate(), term_end=v["term_end"],
                lead_unit=v["lead_unit"], member_units=list(v["member_units"]))
            messages.success(request, f"已组建{team.name}。")
            return redirect("team-detail", pk=team.pk)
        except PortalError as exc:
            messages.error(request, _refusal(exc))
    return render(request, "teams/team_new.html", {"form": form})


@login_required
def member_new(request, pk):
    team = selectors.access_team(user=request.user, team_id=pk)
    if request.method != "POST":
        return redirect("team-detail", pk=team.pk)
    form = _member_form(request, team, request.POST)
    if form.is_valid():
        v = form.cleaned_data
        try:
            membership, overridden = services.membership_add(
                actor=request.user, team=team, cadre=v["cadre"], role=v["role"], start_date=v["start_date"],
                first_secretary=v["first_secretary"], village=v["village"], override_reason=v["override_reason"])
            note = "（已记录例外理由）" if overridden else ""
            messages.success(request, f"{v['cadre'].name}已加入{team.name}{note}。")
            return redirect("team-detail", pk=team.pk)
        except PortalError as exc:
            hint = " 如确需选派，请填写例外理由后重新提交。" if exc.overridable else ""
            messages.error(request, f"{_refusal(exc)}{hint}")
    return render(request, "teams/team_detail.html", _team_detail_ctx(request, team, member_form=form))


def _membership_form_post(request, pk, *, form_for, act, done: str, failed: str, ctx_key: str,
                          errors_on_fields: bool = False):
    """A member row's form on the team page (离队, 工作交接): the form checks the shape, the service the rest; a
    refusal comes back on the team page with the form bound (and, where asked, the service's field errors on it)."""
    membership = selectors.access_membership(user=request.user, membership_id=pk)
    if request.method != "POST":
        return redirect("team-detail", pk=membership.team_id)
    team = selectors.access_team(user=request.user, team_id=membership.team_id)
    form = form_for(team, membership, request.POST)
    name = membership.cadre.name
    if form.is_valid():
        try:
            act(membership, form.cleaned_data)
            messages.success(request, done.format(name=name))
            return redirect("team-detail", pk=membership.team_id)
        except PortalError as exc:
            if errors_on_fields and isinstance(exc.errors, dict):
                for field, errs in exc.errors.items():
                    for e in errs if isinstance(errs, list | tuple) else [errs]:
                        form.add_error(field if field in form.fields else None, str(e))
            messages.error(request, _refusal(exc))
    else:
        messages.error(request, failed.format(name=name))
    return render(request, "teams/team_detail.html",
                  _team_detail_ctx(request, team, **{ctx_key: form}, end_for=membership.pk))


def _end_form(team, membership, data=None) -> MemberEndForm:
    policy = policy_in_force(team.jurisdiction, timezone.localdate())
    return MemberEndForm(data, grounds={k: services.end_grounds(policy, k) for k in Membership.EndKind.values})


@login_required
def member_end(request, pk):
    return _membership_form_post(
        request, pk, form_for=_end_form, done="{name}已离队。", failed="{name}未能离队，请按提示修改。",
        ctx_key="end_form",
        act=lambda m, v: services.membership_end(actor=request.user, membership=m, end_date=v["end_date"],
                                                 kind=v["kind"], ground=v["ground"], note=v["note"]))


@login_required
def member_handover(request, pk):
    """工作交接 from the team page (qujiang art.19/26, ganzhou art.18)."""
    return _membership_form_post(
        request, pk, form_for=_handover_form, done="已记录{name}的工作交接。",
        failed="{name}的工作交接未能记录，请按提示修改。", ctx_key="handover_form", errors_on_fields=True,
        act=lambda m, v: services.handover_record(actor=request.user, membership=m, successor=v["successor"],
                                                  day=v["date"], items=v["items"]))


@login_required
def cadre_list(request):
    q = request.GET.get("q", "").strip()
    page = Paginator(selectors.cadre_list(user=request.user, search=q), 50).get_page(request.GET.get("page"))
    return render(request, "teams/cadre_list.html", {"page": page, "q": q})


@login_required
def cadre_detail(request, pk):
    cadre = selectors.access_cadre(user=request.user, cadre_id=pk)
    memberships = selectors.cadre_memberships(cadre=cadre)
    return render(request, "teams/cadre_detail.html", {
        "cadre": cadre, "memberships": memberships,
        # issue 11: the cadre's cases and the consequences recorded on the cadre
        "cases": selectors.personnel_case_list(user=request.user, cadre_id=cadre.pk),
        "consequences": cadre.consequences.order_by("starts_on", "id"), "today": timezone.localdate()})


@login_required
def cadre_new(request):
    _require_manager_somewhere(request.user)
    form = CadreForm(request.POST or None, units=dispatch_unit_list(user=request.user))
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["dispatch_unit"]
        try:
            cadre = services.cadre_create(actor=request.user, jurisdiction=unit.jurisdiction,
                                          data=form.service_data())
            messages.success(request, f"已登记{cadre.name}。")
            return redirect("cadre-detail", pk=cadre.pk)
        except PortalError as exc:
            # the service's per-field reasons go by their fields
            for field, errs in (exc.errors if isinstance(exc.errors, dict) else {}).items():
                for e in errs if isinstance(errs, list | tuple) else [errs]:
                    form.add_error(field if field in form.fields else None, str(e))
            messages.error(request, _refusal(exc))
    return render(request, "teams/cadre_new.html", {"form": form})


@login_required
def cadre_import(request):
    _require_manager_somewhere(request.user)
    if request.GET.get("template"):
        return _roster_template()
    form = RosterImportForm(request.POST or None, request.FILES or None,
                            jurisdictions=jurisdiction_list(user=request.user))
    ctx = {"form": form, "columns": roster.COLUMNS, "errors": None}
    if request.method == "POST" and form.is_valid():
        try:
            created, errors = roster.roster_import(actor=request.user, jurisdiction=form.cleaned_data["jurisdiction"],
                                                   upload=form.cleaned_data["file"])
            if errors and errors[0]["row"] == 0:
                messages.error(request, errors[0]["errors"][0])
            elif errors:
                ctx["errors"] = errors
                messages.error(request, f"花名册有{len(errors)}行存在错误，未导入任何数据，请修改后重新上传。")
            else:
                messages.success(request, f"已导入{len(created)}名干部。")
                return redirect("cadre-list")
        except PortalError as exc:
            messages.error(request, _refusal(exc))
    elif form.errors:
        messages.error(request, "请选择辖区并上传 .xlsx 文件。")
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
        "events": selectors.case_events(case=case),
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
