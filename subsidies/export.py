"""The finance workbook: a summary per dispatch unit, a summary with one row per cadre (each line kind a column),
and one sheet of lines per dispatch unit, written with openpyxl's write-only mode into a temporary file (rows are
streamed from the database, never held together). On every line quantity × rate = amount; the article column reads
in Chinese (赣州市文件第27条)."""

import re
import tempfile
from itertools import groupby

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from jurisdictions.excel import excel_row, excel_text
from jurisdictions.templatetags.portal import rule_label

from . import selectors
from .models import LineKind, SubsidyRun

MONEY = '#,##0.00'
HEADERS = ["序号", "姓名", "派出单位", "乡镇", "驻村天数", "项目", "数量", "标准", "金额", "依据条款", "说明"]
WIDTHS = [6, 10, 24, 12, 9, 14, 7, 11, 12, 22, 48]
SUMMARY_HEADERS = ["序号", "派出单位", "人数", "金额"]
CADRE_HEADERS = ["序号", "姓名", "派出单位", "乡镇", "驻村天数"]
KIND = dict(LineKind.choices)
_thin = Side(style="thin", color="999999")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
HEAD_FONT = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


def _cell(ws, value, *, money=False, bold=False, header=False):
    c = excel_text(ws, value)  # a text cell when the value could read as a formula
    if not isinstance(c, Cell):
        c = WriteOnlyCell(ws, value=value)
    c.border = BORDER
    if money:
        c.number_format = MONEY
    if bold or header:
        c.font = HEAD_FONT
    if header:
        c.fill = HEAD_FILL
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return c


def _money(ws, value):
    c = WriteOnlyCell(ws, value=value)
    c.number_format = MONEY
    return c


def _setup(ws, title: str, widths, columns: int):
    ws.freeze_panes = "A3"  # title row + header row stay visible
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(65 + i)].width = w
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:2"
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.append([_cell(ws, title, bold=True)] + [None] * (columns - 1))


def _sheet_title(name: str, used: set) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:28] or "派出单位"
    title, n = base, 1
    while title in used:
        n += 1
        title = f"{base[:26]}({n})"
    used.add(title)
    return title


def write_workbook(*, run: SubsidyRun, dispatch_unit_ids=None):
    """→ an open temporary file holding the .xlsx (deleted when closed)."""
    units = selectors.export_units(run=run, dispatch_unit_ids=dispatch_unit_ids)
    names = {u["dispatch_unit_id"]: u["dispatch_unit__name"] for u in units}
    month = f"{run.month:%Y年%m月}"
    wb = Workbook(write_only=True)

    ws = wb.create_sheet("汇总")
    _setup(ws, f"{run.jurisdiction.name} {month} 驻村干部补贴发放汇总表", [6, 36, 8, 14], len(SUMMARY_HEADERS))
    ws.append([_cell(ws, h, header=True) for h in SUMMARY_HEADERS])
    grand, people = 0, 0
    for i, u in enumerate(units, 1):
        ws.append([_cell(ws, i), _cell(ws, u["dispatch_unit__name"]), _cell(ws, u["cadres"]),
                   _cell(ws, u["total"], money=True)])
        grand += u["total"]
        people += u["cadres"]
    ws.append([_cell(ws, "合计", bold=True), _cell(ws, ""), _cell(ws, people, bold=True),
               _cell(ws, grand, money=True, bold=True)])
    if run.missing_sheets:
        ws.append([])
        ws.append([_cell(ws, "未确认考勤、本月未发放的乡镇：" + "、".join(m["name"] for m in run.missing_sheets))])

    kinds = selectors.export_kinds(run=run, dispatch_unit_ids=dispatch_unit_ids)
    ws = wb.create_sheet("人员汇总")
    headers = CADRE_HEADERS + [KIND.get(k, k) for k in kinds] + ["合计"]
    _setup(ws, f"{run.jurisdiction.name} {month} 驻村干部补贴发放人员汇总表",
           [6, 10, 24, 12, 9] + [12] * len(kinds) + [12], len(headers))
    ws.append([_cell(ws, h, header=True) for h in headers])
    sums = [0] * len(kinds)
    n = 0
    for n, (unit_name, name, township, days, total, *by_kind) in enumerate(
            selectors.export_cadre_rows(run=run, kinds=kinds, dispatch_unit_ids=dispatch_unit_ids).iterator(
                chunk_size=2000), 1):
        by_kind = [v or 0 for v in by_kind]
        sums = [a + b for a, b in zip(sums, by_kind, strict=True)]
        ws.append(excel_row(ws, [n, name, unit_name, township or "", days])  # names never become formulas
                  + [_money(ws, v) for v in by_kind] + [_money(ws, total)])
    ws.append([_cell(ws, "合计", bold=True), _cell(ws, f"{n}人", bold=True)] + [_cell(ws, "") for _ in range(3)]
              + [_cell(ws, v, money=True, bold=True) for v in sums] + [_cell(ws, grand, money=True, bold=True)])

    used = {"汇总", "人员汇总"}
    labels: dict[str, str] = {}
    rows = selectors.export_rows(run=run, dispatch_unit_ids=dispatch_unit_ids).iterator(chunk_size=2000)
    for unit_id, unit_rows in groupby(rows, key=lambda r: r[0]):
        unit_name = names.get(unit_id, "")
        ws = wb.create_sheet(_sheet_title(unit_name, used))
        _setup(ws, f"{unit_name} {month} 驻村干部补贴发放明细", WIDTHS, len(HEADERS))
        ws.append([_cell(ws, h, header=True) for h in HEADERS])
        unit_total, n = 0, 0
        for _cadre_id, cadre_rows in groupby(unit_rows, key=lambda r: r[1]):
            n += 1
            for r in cadre_rows:
                _, _, name, township, days, _total, kind, qty, rate, amount, rule_ref, note = r
                # plain values where no format is needed: styled cells cost ~10× more to write
                if rule_ref not in labels:
                    labels[rule_ref] = rule_label(rule_ref)
                ws.append(excel_row(ws, [n, name, unit_name, township or "", days, KIND.get(kind, kind), qty,
                                         _money(ws, rate), _money(ws, amount), labels[rule_ref], note]))
                unit_total += amount
        ws.append([_cell(ws, "合计", bold=True), _cell(ws, f"{n}人", bold=True)] + [_cell(ws, "") for _ in range(6)]
                  + [_cell(ws, unit_total, money=True, bold=True), _cell(ws, ""), _cell(ws, "")])
    out = tempfile.TemporaryFile(suffix=".xlsx")
    wb.save(out)
    out.seek(0)
    return out


def filename(run: SubsidyRun) -> str:
    return f"{run.jurisdiction.code}-subsidy-{run.month:%Y-%m}-run{run.id}.xlsx"
