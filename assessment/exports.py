"""The period's grade sheet as .xlsx (XlsxWriter): one row per cadre, as an org department files it."""

from io import BytesIO

import xlsxwriter
from django.utils import timezone

from jurisdictions.templatetags.portal import rule_label

from . import selectors
from .presenters import role_label

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def period_xlsx(*, user, period) -> bytes:
    """Rows are the assessments the caller may see (a dispatch unit gets its own cadres)."""
    rows = list(selectors.assessment_list(user=user, period_id=period.pk))
    evidence = selectors.evidence_for(period, rows)
    buf = BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("考核结果")
    bold = wb.add_format({"bold": True})
    title = wb.add_format({"bold": True, "font_size": 13})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    ws.write(0, 0, f"{period}结果汇总表", title)
    status = "已公布" if period.status == "published" else "未公布（评定中）"
    ws.write(1, 0, f"状态：{status}　依据：{rule_label(period.rule_ref)}　导出时间："
                   f"{timezone.localtime():%Y-%m-%d %H:%M}")
    header = ["序号", "姓名", "乡镇", "派出单位", "参加考核", "不参加原因", "驻村月数", "实际在岗天数", "应在岗天数",
              "请假天数", "缺勤天数", "无故脱岗（督查）", "工作日志", "测评", "综合得分", "名次", "等次",
              "评定意见", "征求意见", "超出名额理由", "依据条款"]
    for col, text in enumerate(header):
        ws.write(3, col, text, bold)
    for i, a in enumerate(rows, 1):
        ev = evidence.get(a.id, {})
        opinions = "；".join(f"{role_label(o.role)}：{o.text}" + (f"（建议{o.get_suggested_grade_display()}）"
                                                                 if o.suggested_grade else "") for o in a.opinions.all())
        refs = [a.rule_ref] + ([period.quota_rule_ref] if a.override_reason else [])
        values = [i, a.cadre.name, a.township.name, a.cadre.dispatch_unit.name if a.cadre.dispatch_unit_id else "",
                  "是" if a.eligible else "否", a.ineligible_reason, float(ev.get("months_stationed", 0)),
                  ev.get("counted_days", 0), ev.get("required_days", 0), ev.get("leave_days", 0),
                  ev.get("absent_days", 0), ev.get("unexcused_inspections", 0), ev.get("diaries", 0),
                  f"{a.poll_favourable}/{a.poll_total}" if a.poll_total else "",
                  float(a.score) if a.score is not None else "", a.rank or "", a.get_grade_display() if a.grade else "",
                  a.grade_comment, opinions, a.override_reason, "；".join(rule_label(r) for r in refs if r)]
        for col, value in enumerate(values):
            ws.write(3 + i, col, value, wrap if col in (17, 18, 19) else None)
    ws.set_column(1, 3, 14)
    ws.set_column(17, 20, 30)
    wb.close()
    return buf.getvalue()
