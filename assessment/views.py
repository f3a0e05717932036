"""Pages: the periods, the org department's grading table (htmx grade in place, quota remaining), an assessment
with its evidence, the cadre's 述职 page (phone), the township's and dispatch unit's opinion list. They call the same
services and selectors as the API."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jurisdictions.errors import PortalError
from jurisdictions.models import OrgUnit
from jurisdictions.scoping import scope_for
from jurisdictions.selectors import jurisdiction_list, org_unit_list

from . import exports, selectors, services
from .models import AssessmentPeriod, Grade, Kind
from .presenters import role_label


class PeriodForm(forms.Form):
    jurisdiction = forms.ChoiceField(label="辖区")
    kind = forms.ChoiceField(label="考核类型", choices=Kind.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(label="半年（仅半年测评）", choices=[("", "—"), (1, "上半年"), (2, "下半年")],
                                  coerce=int, required=False, empty_value=None)
    org_unit = forms.TypedChoiceField(label="县（区）（可选）", coerce=int, required=False, empty_value=None)
    excellent_max_share = forms.DecimalField(label="优秀比例（可选，如0.35）", max_digits=4, decimal_places=2,
                                             required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = [(j.code, j.name) for j in jurisdiction_list(user=user)]
        self.fields["org_unit"].choices = [("", "全辖区")] + [
            (u.pk, u.name) for u in org_unit_list(user=user, kind=OrgUnit.Kind.COUNTY)[:200]]


class GradeForm(forms.Form):
    grade = forms.ChoiceField(choices=Grade.choices)
    previous = forms.CharField(required=False)
    comment = forms.CharField(required=False, max_length=500)
    override_reason = forms.CharField(required=False, max_length=500)


class SummaryForm(forms.Form):
    text = forms.CharField(label="述职报告", max_length=20000, widget=forms.Textarea(attrs={"rows": 10}))


class OpinionForm(forms.Form):
    text = forms.CharField(label="意见", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    suggested_grade = forms.ChoiceField(label="建议等次", required=False, choices=[("", "—")] + list(Grade.choices))


class PollForm(forms.Form):
    favourable = forms.IntegerField(label="满意（称职以上）票", min_value=0)
    total = forms.IntegerField(label="总票数", min_value=1)


@login_required
def period_list_page(request):
    form = PeriodForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        try:
            from jurisdictions.selectors import access_jurisdiction, access_org_unit

            j = access_jurisdiction(user=request.user, code=v["jurisdiction"])
            unit = access_org_unit(user=request.user, unit_id=v["org_unit"]) if v["org_unit"] else None
            period = services.period_open(actor=request.user, jurisdiction=j, kind=v["kind"], year=v["year"],
                                          half=v["half"], org_unit=unit,
                                          excellent_max_share=v["excellent_max_share"])
        except PortalError as e:
            messages.error(request, e.detail)
        else:
            messages.success(request, f"已开展{period}。")
            return redirect("assessment-grading", pk=period.pk)
    periods = list(selectors.period_list(user=request.user)[:200])
    return render(request, "assessment/periods.html", {"periods": periods, "form": form})


def _row_context(request, a, evidence, period, quota):
    return {"a": a, "ev": evidence.get(a.id, {}), "period": period, "quota": quota,
            "grades": period.kind_row.get("grades", []), "grade_labels": dict(Grade.choices),
            "may_grade": services.is_grader(request.user, a) and period.status == "open",
            "hide": selectors.hides_result(request.user, a)}


@login_required
def grading_page(request, pk):
    """The period's table: evidence columns, filters by township and grade, quota remaining, grade in place.
    Queries: scope (≤3), period (1), counts (1), townships filter (1), assessments (1), opinions (1), evidence (fixed)."""
    period = selectors.access_period(user=request.user, period_id=pk)
    counts = selectors.period_counts(period)
    quota = selectors.quota_state(period, counts)
    rows = list(selectors.assessment_list(user=request.user, period_id=period.pk,
                                          township=request.GET.get("township") or None,
                                          grade=request.GET.get("grade")))
    evidence = selectors.evidence_for(period, rows)
    townships = sorted({(a.township_id, a.township.name) for a in rows}, key=lambda t: t[1])
    may_grade = services.is_grader(request.user, period)
    context = {"period": period, "counts": counts, "quota": quota, "townships": townships,
               "rows": [_row_context(request, a, evidence, period, quota) for a in rows],
               "grade_choices": [(g, Grade(g).label) for g in period.kind_row.get("grades", [])],
               "may_grade": may_grade, "selected_township": request.GET.get("township", ""),
               "selected_grade": request.GET.get("grade", "")}
    return render(request, "assessment/grading.html", context)


@login_required
@require_POST
def grade_cell(request, pk):
    """htmx: grade one row in place; answers the row and, out of band, the quota line."""
    a = selectors.access_assessment(user=request.user, assessment_id=pk)
    form = GradeForm(request.POST)
    error = None
    if not form.is_valid():
        error = "请选择等次。"
    else:
        try:
            a = services.assessment_grade(actor=request.user, assessment_id=pk, **form.cleaned_data)
        except PortalError as e:
            error = e.detail
            a = selectors.access_assessment(user=request.user, assessment_id=pk)
    period = a.period
    counts = selectors.period_counts(period)
    quota = selectors.quota_state(period, counts)
    evidence = selectors.evidence_for(period, [a])
    ctx = _row_context(request, a, evidence, period, quota) | {"error": error, "oob": True, "counts": counts}
    return render(request, "assessment/_row.html", ctx)


@login_required
@require_POST
def publish_page(request, pk):
    try:
        period = services.period_publish(actor=request.user, period_id=pk)
    except PortalError as e:
        messages.error(request, e.detail)
    else:
        messages.success(request, f"{period}结果已公布。")
    return redirect("assessment-grading", pk=pk)


@login_required
def export_page(request, pk):
    period = selectors.access_period(user=request.user, period_id=pk)
    response = HttpResponse(exports.period_xlsx(user=request.user, period=period), content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="assessment-{period.pk}.xlsx"'
    return response


@login_required
def assessment_page(request, pk):
    """One assessment: evidence with links to the records, 述职, opinions, poll, grade."""
    a = selectors.access_assessment(user=request.user, assessment_id=pk)
    period = a.period
    evidence = selectors.evidence_for(period, [a])[a.id]
    is_open = period.status == AssessmentPeriod.Status.OPEN
    own = scope_for(request.user).cadre_id == a.cadre_id
    consulted = services.consulted_role_of(request.user, a)
    grader = services.is_grader(request.user, a)
    summary_form = opinion_form = poll_form = None
    if request.method == "POST" and is_open:
        action = request.POST.get("action")
        try:
            if action == "summary" and own:
                summary_form = SummaryForm(request.POST)
                if summary_form.is_valid():
                    services.self_summary_save(actor=request.user, assessment_id=pk, **summary_form.cleaned_data)
                    messages.success(request, "述职已保存。")
                    return redirect("assessment-detail", pk=pk)
            elif action == "poll" and (grader or consulted):
                poll_form = PollForm(request.POST)
                if poll_form.is_valid():
                    _, flag = services.poll_record(actor=request.user, assessment_id=pk, **poll_form.cleaned_data)
                    messages.success(request, "测评结果已录入。" + ("满意率低于规定比例，已列为召回对象。" if flag else ""))
                    return redirect("assessment-detail", pk=pk)
        except PortalError as e:
            messages.error(request, e.detail)
    if own and is_open:
        summary_form = summary_form or SummaryForm(initial={"text": a.self_summary})
    if consulted and is_open:
        mine = next((o for o in a.opinions.all() if o.role == consulted), None)
        opinion_form = OpinionForm(initial={"text": mine.text, "suggested_grade": mine.suggested_grade} if mine else None)
    if (grader or consulted) and is_open:
        poll_form = poll_form or PollForm(initial={"favourable": a.poll_favourable, "total": a.poll_total})
    hide = selectors.hides_result(request.user, a)
    return render(request, "assessment/detail.html", {
        "a": a, "period": period, "ev": evidence, "hide": hide, "summary_form": summary_form,
        "opinion_form": opinion_form, "poll_form": poll_form, "consulted": consulted,
        "consulted_label": role_label(consulted) if consulted else "",
        "opinions": [(role_label(o.role), o) for o in a.opinions.all()], "grader": grader})


@login_required
@require_POST
def opinion_page(request, pk):
    form = OpinionForm(request.POST)
    if form.is_valid():
        try:
            services.opinion_give(actor=request.user, assessment_id=pk, **form.cleaned_data)
        except PortalError as e:
            messages.error(request, e.detail)
        else:
            messages.success(request, "意见已提交。")
    else:
        messages.error(request, "请填写意见。")
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        return redirect(nxt)
    return redirect("assessment-detail", pk=pk)


@login_required
def mine_page(request):
    """The cadre's own assessments (phone): write the 述职 while open, see the grade once published."""
    rows = list(selectors.my_assessments(user=request.user))
    items = [{"a": a, "hide": selectors.hides_result(request.user, a)} for a in rows]
    return render(request, "assessment/mine.html", {"items": items})


@login_required
def opinion_list_page(request):
    """The township's or dispatch unit's list: the open periods' cadres in its scope, with its opinion form."""
    rows = [a for a in selectors.assessment_list(user=request.user).filter(period__status="open", eligible=True)[:300]]
    items = []
    for a in rows:
        role = services.consulted_role_of(request.user, a)
        if role:
            mine = next((o for o in a.opinions.all() if o.role == role), None)
            items.append({"a": a, "role_label": role_label(role), "opinion": mine,
                          "form": OpinionForm(initial={"text": mine.text, "suggested_grade": mine.suggested_grade}
                                              if mine else None)})
    return render(request, "assessment/opinions.html", {"items": items})
