"""The report as .xlsx (XlsxWriter): a sheet per level, Chinese headers, a totals line."""

import io
from decimal import Decimal

import xlsxwriter

from .models import FIGURES, ReportRow

SHEETS = [("jurisdiction", "辖区合计"), ("county", "县(区)"), ("township", "乡镇"), ("team", "工作队"), ("cadre", "干部")]


def workbook(*, title: str, rows_by_level: dict, totals: dict, note: str = "") -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    bold = wb.add_format({"bold": True})
    money = wb.add_format({"num_format": "0.00"})
    for level, label in SHEETS:
        rows = rows_by_level.get(level, [])
        if level == "county" and not rows:
            continue
        ws = wb.add_worksheet(label)
        ws.write(0, 0, title, bold)
        if note:
            ws.write(1, 0, note)
        headers = ["名称", *[h for _, h in FIGURES], "在岗率(%)"]
        ws.write_row(3, 0, headers, head)
        ws.set_column(0, 0, 22)
        ws.set_column(1, len(headers), 11)
        r = 4
        for row in rows:
            values = [row["name"], *[row.get(k) for k, _ in FIGURES], rate(row)]
            for c, v in enumerate(values):
                if v is None:
                    ws.write(r, c, "缺")  # missing, not zero
                elif isinstance(v, Decimal):
                    ws.write_number(r, c, float(v), money)
                else:
                    ws.write(r, c, v)
            r += 1
        ws.write(r, 0, "合计", bold)
        for c, (k, _) in enumerate(FIGURES, start=1):
            v = totals.get(k)
            if v is None:
                ws.write(r, c, "缺", bold)
            else:
                ws.write_number(r, c, float(v), bold)
    wb.close()
    return buf.getvalue()


def rate(fig: dict):
    if fig.get("counted_days") is None or not fig.get("required_days"):
        return None
    return round(100 * fig["counted_days"] / fig["required_days"], 1)


def report_rows_by_level(rows) -> dict:
    out: dict = {}
    for r in rows.order_by("level", "county_id", "township_id", "team_id", "name", "id"):
        out.setdefault(r.level, []).append(r.figures() | {"name": r.name})
    return out


def report_workbook(report, q, totals: dict) -> bytes:
    rows = ReportRow.objects.filter(report=report).filter(q)
    title = f"{report.jurisdiction.name} {report.month:%Y年%m月} 驻村工作月度报告（第{report.version}版）"
    return workbook(title=title, rows_by_level=report_rows_by_level(rows), totals=totals,
                    note="“缺”：该月尚无此项数据（考勤表未确认或补贴未核算），不是零。")
