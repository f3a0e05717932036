"""Finance page (runs, progress, download) and the cadre's own statements; same services as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render

from jurisdictions.errors import PortalError
from jurisdictions.scoping import scope_for
from jurisdictions.selectors import jurisdiction_list

from . import export, selectors, services
from .apis import parse_month
from .models import SubsidyRun


@login_required
def run_list(request):
    if request.method == "POST":
        try:
            j = jurisdiction_list(user=request.user).get(code=request.POST.get("jurisdiction", ""))
            month = parse_month(request.POST.get("month"))
            services.subsidy_run_create(actor=request.user, jurisdiction=j, month=month)
            messages.success(request, "已提交核算，完成后可下载。")
        except PortalError as e:
            messages.error(request, e.detail)
        except Exception:  # unknown jurisdiction
            messages.error(request, "请选择辖区和月份。")
        return redirect("subsidy-run-list")
    runs = selectors.run_list(user=request.user)[:50]
    return render(request, "subsidies/run_list.html", {
        "runs": runs, "jurisdictions": jurisdiction_list(user=request.user)})


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
