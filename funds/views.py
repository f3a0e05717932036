"""Pages: the team ledgers, one account's ledger (with its .xlsx), and what waits for my signature.
They call the same selectors and services as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jurisdictions.errors import PortalError
from jurisdictions.templatetags.portal import rule_label

from . import exports, rules, selectors, services
from .forms import ExpenditureForm, RejectForm, SignForm
from .models import Expenditure


def _signature_view(expenditure: Expenditure) -> list[dict]:
    signed = {s.role: s for s in expenditure.live_signatures}
    return [{"role": r, "role_name": rules.ROLE_NAMES.get(r, r), "signature": signed.get(r)}
            for r in expenditure.required_signers]


def _decorate(expenditures) -> list[Expenditure]:
    rows = list(expenditures)
    for e in rows:
        e.signer_rows = _signature_view(e)
    return rows


@login_required
def ledger_list(request):
    page = Paginator(selectors.account_list(user=request.user), 30).get_page(request.GET.get("page"))
    for account in page:
        account.totals = selectors.account_totals(account)
    return render(request, "funds/ledger_list.html", {"page": page})


@login_required
def ledger(request, pk):
    account = selectors.access_account(user=request.user, account_id=pk)
    may_manage = services.may_manage_funds(request.user, account.team)
    form = ExpenditureForm(request.POST or None, forbidden=services.forbidden_categories(account))
    if request.method == "POST" and form.is_valid():
        try:
            services.expenditure_create(actor=request.user, account=account, **form.cleaned_data)
        except PortalError as exc:
            ref = f"（依据：{rule_label(exc.rule_ref)}）" if exc.rule_ref else ""
            messages.error(request, exc.detail + ref)
        else:
            messages.success(request, "已登记支出，等待签批。")
            return redirect("funds-ledger", pk=pk)
    expenditures = selectors.expenditure_list(user=request.user, account_id=account.pk)
    page = Paginator(expenditures, 50).get_page(request.GET.get("page"))
    proposal, checks = services.account_review(account)
    return render(request, "funds/ledger.html", {
        "account": account, "totals": selectors.account_totals(account), "checks": checks, "proposal": proposal,
        "page": page, "rows": _decorate(page), "may_manage": may_manage, "form": form,
    })


@login_required
def ledger_export(request, pk):
    account = selectors.access_account(user=request.user, account_id=pk)
    content = exports.ledger_xlsx(account, selectors.expenditure_list(user=request.user, account_id=account.pk))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"ledger-{account.team_id}-{account.year}-{account.source}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def sign_queue(request):
    page = Paginator(selectors.awaiting_my_signature(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "funds/sign_queue.html", {"page": page, "rows": _decorate(page)})


def _row(request, pk, error: str = ""):
    expenditure = selectors.access_expenditure(user=request.user, expenditure_id=pk)
    expenditure.signer_rows = _signature_view(expenditure)
    return render(request, "funds/_sign_row.html", {"e": expenditure, "error": error})


@login_required
@require_POST
def sign_in_place(request, pk):
    expenditure = selectors.access_expenditure(user=request.user, expenditure_id=pk)
    form = SignForm(request.POST)
    if not form.is_valid():
        return _row(request, pk, "；".join(e for errs in form.errors.values() for e in errs))
    try:
        signed = services.expenditure_sign(actor=request.user, expenditure=expenditure,
                                           revision=form.cleaned_data["revision"])
    except PortalError as exc:
        return _row(request, pk, exc.detail)
    done = "已签字，支出已批准" if signed.status == Expenditure.Status.APPROVED else "已签字，等待另一位签字人"
    if not request.headers.get("HX-Request"):
        messages.success(request, f"{done}：{signed.payee} {signed.amount:,.2f}元")
        return redirect("funds-sign-queue")
    expenditure = selectors.access_expenditure(user=request.user, expenditure_id=pk)
    expenditure.signer_rows = _signature_view(expenditure)
    return render(request, "funds/_signed_row.html", {"e": expenditure, "done": done})


@login_required
@require_POST
def reject_in_place(request, pk):
    expenditure = selectors.access_expenditure(user=request.user, expenditure_id=pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _row(request, pk, "；".join(e for errs in form.errors.values() for e in errs))
    try:
        services.expenditure_reject(actor=request.user, expenditure=expenditure, reason=form.cleaned_data["reason"])
    except PortalError as exc:
        return _row(request, pk, exc.detail)
    return _row(request, pk)


@login_required
@require_POST
def receipt_upload(request, pk):
    expenditure = selectors.access_expenditure(user=request.user, expenditure_id=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择票据文件。")
    else:
        try:
            services.receipt_add(actor=request.user, expenditure=expenditure, upload=upload)
        except PortalError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, f"已上传票据：{upload.name}")
    return redirect("funds-ledger", pk=expenditure.account_id)
