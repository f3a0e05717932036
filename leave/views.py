"""Pages: the approver inbox (htmx approve/reject in place), requests in scope, the request form, a request,
a cadre's history. They call the same services and selectors as the API."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jurisdictions.errors import PortalError
from jurisdictions.policy import policy_in_force
from jurisdictions.scoping import scope_for
from teams.selectors import access_cadre, cadre_list

from . import rules, selectors, services
from .models import LeaveRequest


class LeaveForm(forms.Form):
    cadre = forms.TypedChoiceField(label="干部", coerce=int)
    kind = forms.ChoiceField(label="类型", choices=LeaveRequest.Kind.choices)
    channel = forms.ChoiceField(label="请假方式", choices=LeaveRequest.Channel.choices,
                                initial=LeaveRequest.Channel.WRITTEN)
    start_date = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label="结束日期（含当天）", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="事由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReplacementForm(forms.Form):
    """派出单位安排接替人员 (赣州 art.17): a cadre of the jurisdiction in the unit's scope, not the requester."""

    cadre = forms.TypedChoiceField(label="接替人员", coerce=int)

    def __init__(self, *args, user, leave_request, **kwargs):
        super().__init__(*args, **kwargs)
        cadres = (cadre_list(user=user, jurisdiction=leave_request.jurisdiction_id)
                  .exclude(pk=leave_request.cadre_id).values_list("id", "name")[:500])
        self.fields["cadre"].choices = list(cadres)
        if leave_request.replacement_id:
            self.initial["cadre"] = leave_request.replacement_id


class DecideForm(forms.Form):
    """The inbox's 同意/不同意 (whether the user may decide, and at which stage: the service)."""

    decision = forms.ChoiceField(choices=[("approve", "同意"), ("reject", "不同意")],
                                 error_messages={"required": "请选择同意或不同意。", "invalid_choice": "请选择同意或不同意。"})
    comment = forms.CharField(label="意见", required=False, max_length=2000,
                              error_messages={"max_length": "意见不超过2000字。"})


class DetailActionForm(forms.Form):
    """The request page's buttons: which action (its own fields are read by ReturnForm / ReplacementForm)."""

    action = forms.ChoiceField(choices=[("cancel", "撤回申请"), ("return", "销假"), ("written_form", "补办书面手续"),
                                        ("replacement", "安排接替人员")],
                               error_messages={"required": "请选择操作。", "invalid_choice": "未知的操作。"})


class ReturnForm(forms.Form):
    returned_on = forms.DateField(label="实际返岗日期", error_messages={
        "required": "请填写正确的返岗日期。", "invalid": "请填写正确的返岗日期。"})


def _may_name_replacement(user, leave_request) -> bool:
    """Offer the form only to the requester's dispatch unit, while the request is open (the service decides)."""
    from jurisdictions.models import Role

    return (leave_request.replacement_required and leave_request.returned_on is None
            and leave_request.status in (LeaveRequest.Status.PENDING, LeaveRequest.Status.APPROVED)
            and scope_for(user).holds(Role.DISPATCH_UNIT, jurisdiction_id=leave_request.jurisdiction_id,
                                      dispatch_unit_id=leave_request.cadre.dispatch_unit_id))


def _notices(cadres):
    """Policy notices (e.g. 丰都 art.9 原则上不请假) for the jurisdictions of the cadres on the form."""
    today = timezone.localdate()
    seen, out = set(), []
    for cadre in cadres:
        if cadre.jurisdiction_id in seen:
            continue
        seen.add(cadre.jurisdiction_id)
        pv = policy_in_force(cadre.jurisdiction, today).get(rules.NOTICE_KEY)
        if pv is not None:
            out.append({"text": pv.value.get("notice", ""), "rule_ref": pv.rule_ref})
    return out


@login_required
def leave_mine(request):
    """Requests in the caller's scope (a cadre: their own), newest first."""
    qs = selectors.leave_request_list(user=request.user, status=request.GET.get("status") or None)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "leave/list.html", {"page": page, "status": request.GET.get("status", ""),
                                               "statuses": LeaveRequest.Status.choices})


def _submittable(user, cadres) -> list:
    """The cadres this user may enter a request for (services.leave_request_submit decides): their own cadre, and
    the cadres posted in a township where they are the attendance clerk."""
    scope = scope_for(user)
    return [c for c in cadres if scope.is_superuser or c.user_id == user.pk or (
        c.station_id is not None and scope.holds_any(services.CLERK_ROLES, jurisdiction_id=c.jurisdiction_id,
                                                     org_path=c.station.path))]


@login_required
def leave_new(request):
    cadres = _submittable(request.user, cadre_list(user=request.user).filter(memberships__end_date__isnull=True)
                          .select_related("jurisdiction")[:500])
    if not cadres:  # e.g. a township secretary: approves and records returns, but does not enter requests
        return render(request, "leave/form.html", {"form": None, "notices": []}, status=403)
    form = LeaveForm(request.POST or None)
    form.fields["cadre"].choices = [(c.pk, c.name) for c in cadres]
    own = next((c for c in cadres if c.user_id == request.user.pk), None)
    if own is not None and not request.POST:
        form.initial["cadre"] = own.pk
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            cadre = access_cadre(user=request.user, cadre_id=data.pop("cadre"))
            leave_request = services.leave_request_submit(actor=request.user, cadre=cadre, **data)
        except PortalError as e:
            messages.error(request, e.detail)
        else:
            messages.success(request, f"已提交：{leave_request.route_label or '等待审批'}")
            return redirect("leave-detail", pk=leave_request.pk)
    return render(request, "leave/form.html", {"form": form, "notices": _notices(cadres)})


def _inbox_rows(user, requests):
    today = timezone.localdate()
    month_days = selectors.cadre_month_days(cadre_ids={r.cadre_id for r in requests}, year=today.year,
                                            month=today.month)
    scope = scope_for(user)
    rows = []
    for r in requests:
        mine = [a for a in r.approvals.all() if a.status == "pending" and selectors.may_act_as(scope, a.role, r)]
        rows.append({"r": r, "mine": mine, "month": month_days.get(r.cadre_id, {})})
    return rows


@login_required
def leave_inbox(request):
    """待我审批: the caller's pending approvals, decided in place with htmx."""
    from teams.selectors import case_approver_inbox  # issue 11: personnel cases in the same inbox

    page = Paginator(selectors.approver_inbox(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "leave/inbox.html", {"page": page, "rows": _inbox_rows(request.user, list(page)),
                                                "today": timezone.localdate(),
                                                "cases": case_approver_inbox(user=request.user)})


@login_required
@require_POST
def leave_decide(request, pk):
    """htmx: approve or reject one request from the inbox; answers the row, replaced in place."""
    leave_request = selectors.access_leave_request(user=request.user, leave_request_id=pk)
    form = DecideForm(request.POST)
    error = ""
    try:
        if not form.is_valid():
            raise PortalError("；".join(e for errs in form.errors.values() for e in errs), code="invalid")
        comment = form.cleaned_data["comment"]
        if form.cleaned_data["decision"] == "approve":
            services.leave_request_approve(actor=request.user, leave_request_id=leave_request.pk, comment=comment)
        else:
            services.leave_request_reject(actor=request.user, leave_request_id=leave_request.pk, comment=comment)
    except PortalError as e:
        error = e.detail
    leave_request = selectors.access_leave_request(user=request.user, leave_request_id=pk)
    row = _inbox_rows(request.user, [leave_request])[0]
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, error)
        return redirect("leave-inbox")
    return render(request, "leave/_inbox_row.html", {"row": row, "error": error, "decided": not error})


@login_required
def leave_detail(request, pk):
    leave_request = selectors.access_leave_request(user=request.user, leave_request_id=pk)
    if request.method == "POST":
        action_form = DetailActionForm(request.POST)
        action = action_form.cleaned_data["action"] if action_form.is_valid() else None
        try:
            if action is None:
                raise PortalError("；".join(e for errs in action_form.errors.values() for e in errs), code="invalid")
            if action == "cancel":
                services.leave_request_cancel(actor=request.user, leave_request_id=leave_request.pk)
                messages.success(request, "已撤回。")
            elif action == "return":
                form = ReturnForm(request.POST)
                if not form.is_valid():
                    raise forms.ValidationError("bad return date")
                services.leave_request_return(actor=request.user, leave_request_id=leave_request.pk,
                                              returned_on=form.cleaned_data["returned_on"])
                messages.success(request, "已销假。")
            elif action == "written_form":
                services.leave_request_file_written_form(actor=request.user, leave_request_id=leave_request.pk)
                messages.success(request, "书面请假手续已补办。")
            elif action == "replacement":
                form = ReplacementForm(request.POST, user=request.user, leave_request=leave_request)
                if not form.is_valid():
                    raise forms.ValidationError("bad replacement")
                named = services.leave_request_name_replacement(
                    actor=request.user, leave_request_id=leave_request.pk, cadre_id=form.cleaned_data["cadre"])
                messages.success(request, f"已安排{named.replacement.name}接替工作。")
        except PortalError as e:
            messages.error(request, e.detail)
        except forms.ValidationError:
            messages.error(request, "请选择接替人员。" if action == "replacement" else "请填写正确的返岗日期。")
        return redirect("leave-detail", pk=pk)
    row = _inbox_rows(request.user, [leave_request])[0]
    events = selectors.leave_request_events(leave_request=leave_request)
    replacement_form = None
    if _may_name_replacement(request.user, leave_request):
        replacement_form = ReplacementForm(user=request.user, leave_request=leave_request)
    return render(request, "leave/detail.html", {"row": row, "r": leave_request, "events": events,
                                                 "today": timezone.localdate(),
                                                 "replacement_form": replacement_form})


@login_required
def leave_cadre_history(request, cadre_id):
    cadre = access_cadre(user=request.user, cadre_id=cadre_id)
    qs = selectors.leave_request_list(user=request.user, cadre_id=cadre.pk)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    approved = LeaveRequest.objects.filter(cadre=cadre, status=LeaveRequest.Status.APPROVED).only(
        "days", "start_date", "end_date", "returned_on")
    approved_days = sum(r.days if r.actual_days is None else r.actual_days for r in approved)
    return render(request, "leave/history.html", {"cadre": cadre, "page": page, "approved_days": approved_days})
