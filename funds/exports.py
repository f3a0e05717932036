"""The team ledger as an .xlsx workbook (openpyxl)."""

from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from jurisdictions.excel import excel_row

from . import rules, selectors

MONEY = "#,##0.00"


def ledger_xlsx(account, expenditures) -> bytes:
    totals = selectors.account_totals(account)
    wb = Workbook()
    ws = wb.active
    ws.title = "经费台账"
    ws.append(excel_row(ws, [f"{account.team.name} {account.year}年工作经费台账（{account.get_source_display()}）"]))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["预算", "已批准", "待审批", "余额", "依据"])
    ws.append([totals["budget"], totals["approved"], totals["pending"], totals["balance"],
               account.budget_rule_ref or ""])
    for cell in ws[3][:4]:
        cell.number_format = MONEY
    ws.append([])
    header = ["编号", "登记时间", "类别", "收款方", "金额", "用途说明", "状态", "签字", "双签依据", "驳回理由",
              "提示"]
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for e in expenditures:
        signatures = "；".join(
            f"{rules.ROLE_NAMES.get(s.role, s.role)}：{s.user} {timezone.localtime(s.signed_at):%Y-%m-%d %H:%M}"
            for s in e.live_signatures)
        warnings = "；".join(f"{w['detail']}（{w['rule_ref']}）" for w in e.warnings)
        ws.append(excel_row(ws, [  # user text (payee, description, reasons) never becomes a formula
            e.id, timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"), e.get_category_display(),
            e.payee, e.amount, e.description, e.get_status_display(), signatures,
            e.signers_rule_ref + ("（系统默认）" if e.signers_default else ""), e.reject_reason, warnings]))
        ws.cell(row=ws.max_row, column=5).number_format = MONEY
    for col, width in zip("ABCDEFGHIJK", (8, 17, 12, 20, 12, 30, 8, 40, 18, 20, 40), strict=True):
        ws.column_dimensions[col].width = width
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
