"""The finance workbook: a summary per dispatch unit, a summary with one row per cadre (each line kind a column),
and one sheet of lines per dispatch unit, written with XlsxWriter in constant-memory mode into a temporary file: rows
are streamed from the database and each row is flushed to disk once written, so memory stays flat whatever the
number of cadres. On every line quantity × rate = amount; the article column reads in Chinese (赣州市文件第27条)."""

import re
import tempfile
from itertools import groupby
from operator import itemgetter

import xlsxwriter

from jurisdictions.excel import FORMULA_START
from jurisdictions.templatetags.portal import rule_label

from . import selectors
from .models import LineKind, SubsidyRun

MONEY = '#,##0.00'
HEADERS = ["序号", "姓名", "派出单位", "乡镇", "驻村天数", "项目", "数量", "标准", "金额", "依据条款", "说明"]
WIDTHS = [6, 10, 24, 12, 9, 14, 7, 11, 12, 22, 48]
SUMMARY_HEADERS = ["序号", "派出单位", "人数", "金额"]
CADRE_HEADERS = ["序号", "姓名", "派出单位", "乡镇", "驻村天数"]
KIND = dict(LineKind.choices)
STREAM = 2000  # rows fetched per round trip (server-side cursor)


class _Formats:
    def __init__(self, wb):
        border = {"border": 1, "border_color": "#999999"}
        self.cell = wb.add_format(border)
        self.bold = wb.add_format({**border, "bold": True})
        self.money_cell = wb.add_format({**border, "num_format": MONEY})
        self.money_bold = wb.add_format({**border, "num_format": MONEY, "bold": True})
        self.header = wb.add_format({**border, "bold": True, "bg_color": "#DDEBF7", "align": "center",
                                     "valign": "vcenter", "text_wrap": True})
        self.money = wb.add_format({"num_format": MONEY})  # the body: plain cells, money formatted
        self.text = wb.add_format({"quote_prefix": True})  # user text that Excel could read as a formula


def _guard(ws, fmt: _Formats, row: int, values, columns) -> None:
    """Issue 14 (formula injection): user text starting with = + - @ is rewritten in place as quote-prefixed text.
    The workbook never turns strings into formulas; the prefix keeps them text when a cell is edited in Excel."""
    for col in columns:
        v = values[col]
        if isinstance(v, str) and v.startswith(FORMULA_START):
            ws.write_string(row, col, v, fmt.text)


def _setup(ws, fmt: _Formats, title: str, widths, headers, money_columns=()) -> None:
    """Print setup, title and header rows. Money columns carry the number format as a column format, so that a
    body row is one plain `write_row` (the cell takes its column's format)."""
    ws.freeze_panes(2, 0)  # title row + header row stay visible (A3)
    for i, w in enumerate(widths):
        ws.set_column(i, i, w, fmt.money if i in money_columns else None)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, 1)
    ws.center_horizontally()
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.write(0, 0, title, fmt.bold)
    ws.write_row(1, 0, headers, fmt.header)


def _sheet_title(name: str, used: set) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:28] or "派出单位"
    title, n = base, 1
    while title in used:
        n += 1
        title = f"{base[:26]}({n})"
    used.add(title)
    return title


def _total_row(ws, fmt: _Formats, row: int, cells) -> None:
    """The 合计 row: (value, money?) pairs, bordered and bold where given."""
    for col, (value, kind) in enumerate(cells):
        f = {"money": fmt.money_bold, "bold": fmt.bold}.get(kind, fmt.cell)
        ws.write(row, col, value, f)


def write_workbook(*, run: SubsidyRun, dispatch_unit_ids=None):
    """→ an open temporary file holding the .xlsx (deleted when closed)."""
    units = selectors.export_units(run=run, dispatch_unit_ids=dispatch_unit_ids)
    names = {u["dispatch_unit_id"]: u["dispatch_unit__name"] for u in units}
    month = f"{run.month:%Y年%m月}"
    out = tempfile.TemporaryFile(suffix=".xlsx")
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "tmpdir": tempfile.gettempdir(),
                                   "strings_to_formulas": False})
    fmt = _Formats(wb)

    ws = wb.add_worksheet("汇总")
    _setup(ws, fmt, f"{run.jurisdiction.name} {month} 驻村干部补贴发放汇总表", [6, 36, 8, 14], SUMMARY_HEADERS)
    grand, people, r = 0, 0, 2
    for i, u in enumerate(units, 1):
        ws.write_row(r, 0, (i, u["dispatch_unit__name"], u["cadres"]), fmt.cell)
        _guard(ws, fmt, r, (i, u["dispatch_unit__name"]), (1,))
        ws.write_number(r, 3, u["total"], fmt.money_cell)
        grand += u["total"]
        people += u["cadres"]
        r += 1
    _total_row(ws, fmt, r, [("合计", "bold"), ("", ""), (people, "bold"), (grand, "money")])
    if run.missing_sheets:
        ws.write(r + 2, 0, "未确认考勤、本月未发放的乡镇：" + "、".join(m["name"] for m in run.missing_sheets), fmt.cell)

    kinds = selectors.export_kinds(run=run, dispatch_unit_ids=dispatch_unit_ids)
    ws = wb.add_worksheet("人员汇总")
    first_money = len(CADRE_HEADERS)
    _setup(ws, fmt, f"{run.jurisdiction.name} {month} 驻村干部补贴发放人员汇总表",
           [6, 10, 24, 12, 9] + [12] * len(kinds) + [12], CADRE_HEADERS + [KIND.get(k, k) for k in kinds] + ["合计"],
           money_columns=range(first_money, first_money + len(kinds) + 1))
    sums = [0] * len(kinds)
    n = 0
    write_row = ws.write_row
    for n, (unit_name, name, township, days, total, *by_kind) in enumerate(
            selectors.export_cadre_rows(run=run, kinds=kinds, dispatch_unit_ids=dispatch_unit_ids).iterator(
                chunk_size=STREAM), 1):
        by_kind = [v or 0 for v in by_kind]
        sums = [a + b for a, b in zip(sums, by_kind, strict=True)]
        township = township or ""
        values = (n, name, unit_name, township, days, *by_kind, total)
        write_row(n + 1, 0, values)
        if name.startswith(FORMULA_START) or unit_name.startswith(FORMULA_START) or township.startswith(FORMULA_START):
            _guard(ws, fmt, n + 1, values, (1, 2, 3))
    _total_row(ws, fmt, n + 2, [("合计", "bold"), (f"{n}人", "bold"), ("", ""), ("", ""), ("", "")]
               + [(v, "money") for v in sums] + [(grand, "money")])

    used = {"汇总", "人员汇总"}
    labels: dict[str, str] = {}
    rows = selectors.export_rows(run=run, dispatch_unit_ids=dispatch_unit_ids).iterator(chunk_size=STREAM)
    for unit_id, unit_rows in groupby(rows, key=itemgetter(0)):
        unit_name = names.get(unit_id, "")
        ws = wb.add_worksheet(_sheet_title(unit_name, used))
        _setup(ws, fmt, f"{unit_name} {month} 驻村干部补贴发放明细", WIDTHS, HEADERS, money_columns=(7, 8))
        write_row = ws.write_row
        unit_unsafe = unit_name.startswith(FORMULA_START)  # checked once per sheet, not per row
        unit_total, n, r, current = 0, 0, 2, None
        for _, cadre_id, name, township, days, _total, kind, qty, rate, amount, rule_ref, note in unit_rows:
            if cadre_id != current:
                current, n = cadre_id, n + 1
            label = labels.get(rule_ref)
            if label is None:
                label = labels[rule_ref] = rule_label(rule_ref)
            township = township or ""
            values = (n, name, unit_name, township, days, KIND.get(kind, kind), qty, rate, amount, label, note)
            write_row(r, 0, values)
            if unit_unsafe or name.startswith(FORMULA_START) or township.startswith(FORMULA_START) \
                    or note.startswith(FORMULA_START):
                _guard(ws, fmt, r, values, (1, 2, 3, 10))
            unit_total += amount
            r += 1
        _total_row(ws, fmt, r, [("合计", "bold"), (f"{n}人", "bold")] + [("", "")] * 6
                   + [(unit_total, "money"), ("", ""), ("", "")])
    wb.close()
    out.seek(0)
    return out


def filename(run: SubsidyRun) -> str:
    return f"{run.jurisdiction.code}-subsidy-{run.month:%Y-%m}-run{run.id}.xlsx"
