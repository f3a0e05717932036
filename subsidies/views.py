"""Finance page (runs, progress, download) and the cadre's own statements; same services as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from jurisdictions.errors import PortalError
from jurisdictions.scoping import scope_for
from jurisdictions.selectors import jurisdiction_list

from . import export, selectors, services
from .forms import RunForm
from .models import SubsidyRun


def _rate_missing(error: PortalError, jurisdiction, month) -> dict:
    """The refusal in words for finance: each open rate (which rate, which article) and where the admin enters it."""
    return {
        "rates": [{**e, "words": services.missing_rate_words(e)} for e in error.errors],
        "jurisdiction": jurisdiction, "month": month,
        "policy_url": f"{reverse('policy-page', args=[jurisdiction.code])}?on={month:%Y-%m-%d}",
    }


@login_required
def run_list(request):
    jurisdictions = jurisdiction_list(user=request.user)
    rate_missing = None
    if request.method == "POST":
        form = RunForm(request.POST, jurisdictions=jurisdictions)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, errors[0])
            return redirect("subsidy-run-list")
        j, month = form.cleaned_data["jurisdiction"], form.cleaned_data["month"]
        try:
            services.subsidy_run_create(actor=request.user, jurisdiction=j, month=month)
        except PortalError as e:
            if e.code != "rate_missing":
                messages.error(request, e.detail)
                return redirect("subsidy-run-list")
            rate_missing = _rate_missing(e, j, month)  # shown on the page, nothing was queued
        else:
            messages.success(request, "已提交核算，完成后可下载。")
            return redirect("subsidy-run-list")
    runs = selectors.run_list(user=request.user)[:50]
    return render(request, "subsidies/run_list.html", {
        "runs": runs, "jurisdictions": jurisdictions, "rate_missing": rate_missing},
        status=400 if rate_missing else 200)


@login_required
def run_row(request, pk):
    return render(request, "subsidies/_run_row.html", {"run": selectors.access_run(user=request.user, run_id=pk)})


@login_required
def run_export(request, pk):
    run = selectors.access_run(user=request.user, run_id=pk)
    if run.status != SubsidyRun.Status.DONE:
        messages.error(request, "核算尚未完成，暂不能导出。")
        return redirect("subsidy-run-list")
    f = export.write_workbook(run=run, dispatch_unit_ids=selectors.export_unit_filter(user=request.user, run=run))
    return FileResponse(f, as_attachment=True, filename=export.filename(run))


@login_required
def my_statements(request):
    cadre_id = scope_for(request.user).cadre_id
    statements = selectors.statement_list(user=request.user, cadre_id=cadre_id).order_by("-month") if cadre_id else []
    return render(request, "subsidies/my_statements.html", {"statements": statements})
