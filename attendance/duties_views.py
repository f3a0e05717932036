"""Duties pages (issue 13): the cadre's phone page (what is due, record a group study or a household visit) and
the overdue list the township and the county see on their home page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from jurisdictions.errors import PortalError
from jurisdictions.policy import policy_in_force
from jurisdictions.scoping import scope_for
from teams.models import Cadre
from teams.selectors import cadre_active_membership

from . import duties_selectors, duties_services
from .models import DutyKind


class DutyForm(forms.Form):
    kind = forms.ChoiceField(label="事项", choices=DutyKind.choices)
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    household = forms.IntegerField(label="结对户", required=False)
    note = forms.CharField(label="说明", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label="附件（PDF、Word或图片）", required=False)


class BoardForm(forms.Form):
    pledges = forms.CharField(label="履职承诺", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(label="照片", required=False)


class HouseholdForm(forms.Form):
    name = forms.CharField(label="户主姓名", max_length=64)
    paired_on = forms.DateField(label="结对日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="备注", required=False, max_length=255)


def _record(request, cadre, membership):
    form = DutyForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请检查填写内容：" + "；".join(f"{form.fields[k].label}{', '.join(v)}"
                                                       for k, v in form.errors.items() if k in form.fields))
        return
    v = form.cleaned_data
    team_kind = v["kind"] in duties_services.TEAM_KINDS and v["kind"] != DutyKind.HALF_YEAR_REPORT
    duties_services.duty_record_create(
        actor=request.user, kind=v["kind"], day=v["date"], note=v["note"], file=v["file"],
        household_id=v["household"] if v["kind"] == DutyKind.HOUSEHOLD_VISIT else None,
        team_id=membership.team_id if team_kind and membership else None,
        cadre_id=None if team_kind or v["kind"] == DutyKind.HOUSEHOLD_VISIT else cadre.id)
    messages.success(request, f"已记录：{DutyKind(v['kind']).label}（{v['date']:%m月%d日}）。")


@login_required
def duties_page(request):
    """A cadre: its due duties and forms to record one; the township and county: the overdue list."""
    today = timezone.localdate()
    cadre = Cadre.objects.filter(user=request.user).select_related("jurisdiction", "station").first()
    membership = cadre_active_membership(cadre) if cadre else None
    if request.method == "POST" and cadre is not None:
        try:
            if request.POST.get("action") == "board":
                form = BoardForm(request.POST, request.FILES)
                if form.is_valid():
                    duties_services.board_profile_set(actor=request.user, **form.cleaned_data)
                    messages.success(request, "去向牌公示信息已更新。")
                else:
                    messages.error(request, "承诺内容过长。")
            elif request.POST.get("action") == "household":
                form = HouseholdForm(request.POST)
                if form.is_valid():
                    duties_services.household_create(actor=request.user, cadre_id=cadre.id, **form.cleaned_data)
                    messages.success(request, f"已登记结对户：{form.cleaned_data['name']}。")
                else:
                    messages.error(request, "请填写户主姓名和结对日期。")
            else:
                _record(request, cadre, membership)
        except PortalError as e:
            messages.error(request, e.detail)
        return redirect("duties-page")
    ctx = {"today": today, "cadre": cadre, "membership": membership, "form": DutyForm(initial={"date": today}),
           "household_form": HouseholdForm(initial={"paired_on": today}), "kinds": DutyKind.choices}
    if cadre is not None:
        try:
            ctx["mine"] = duties_selectors.my_duties(user=request.user, on=today)
        except PortalError as e:
            ctx["mine"], ctx["error"] = [], e.detail
        ctx["households"] = list(duties_selectors.household_list(user=request.user, cadre_id=cadre.id)
                                 .filter(ended_on__isnull=True))
        try:  # ganzhou art.11: how many households each cadre pairs with; fengdu art.8: photo and pledges
            policy = policy_in_force(cadre.jurisdiction, today)
            ctx["pairing"] = policy.get("duties.household_pairing")
            board = policy.get("attendance.whereabouts_board")
            ctx["board_fields"] = set((board.value or {}).get("fields", [])) & {"photo", "pledges"} if board else set()
            ctx["board_rule"] = board.rule_ref if board else ""
        except PortalError:
            ctx["pairing"], ctx["board_fields"] = None, set()
        from .models import BoardProfile

        ctx["board_profile"] = BoardProfile.objects.filter(cadre=cadre).first() if ctx["board_fields"] else None
        ctx["records"] = list(duties_selectors.duty_record_list(user=request.user).filter(
            recorded_by=request.user)[:20])
    ctx["overdue"] = _overdue_for(request.user, today) if cadre is None else []
    return render(request, "attendance/duties.html", ctx)


def _overdue_for(user, on):
    """Overdue duties in every jurisdiction the user sees (township and county staff), scoped to what it reaches."""
    from jurisdictions.models import Jurisdiction

    scope = scope_for(user)
    qs = Jurisdiction.objects.all() if scope.is_superuser else Jurisdiction.objects.filter(
        id__in=scope.visible_jurisdiction_ids)
    out = []
    for j in qs.order_by("id"):
        try:
            out += [i | {"jurisdiction": j.name} for i in duties_selectors.overdue_report(
                user=user, jurisdiction_code=j.code, on=on)]
        except PortalError:
            continue
    return out


@login_required
def overdue_panel(request):
    """The home page's panel (htmx): the cadre's own due duties, or the overdue list of the user's scope."""
    today = timezone.localdate()
    scope = scope_for(request.user)
    if scope.cadre_id:
        try:
            items = duties_selectors.my_duties(user=request.user, on=today)
        except PortalError:
            items = []
        return render(request, "attendance/_duties_panel.html", {"items": items, "mine": True})
    return render(request, "attendance/_duties_panel.html", {"items": _overdue_for(request.user, today)[:30],
                                                              "mine": False})


@login_required
def duty_record_file(request, pk):
    """A duty's file, to whoever's scope reaches the record (404 otherwise)."""
    from django.http import FileResponse, Http404

    from jurisdictions.scoping import get_in_scope

    record = get_in_scope(duties_selectors.duty_record_list(user=request.user), pk)
    if not record.file:
        raise Http404
    return FileResponse(record.file.open("rb"), as_attachment=True, filename=record.file.name.rsplit("/", 1)[-1])
