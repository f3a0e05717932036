"""POLICY.md §6: inspections, notices and recall flags (recall grounds are in s3_terms)."""

from . import Row

ROWS = {
    "qujiang": [],
    "ganzhou": [
        Row("inspection.county_monthly", {"every": "month", "by": "county_office"}, "ganzhou art.14"),
        Row("inspection.unexcused_absence", {"min_level": "city", "window": "term", "steps": [
            {"count": 1, "kind": "notice"}, {"count": 2, "kind": "recall_candidate"}]}, "ganzhou art.21",
            "市级以上督查发现无故脱岗：第1次全市通报，2次以上召回并问责"),
    ],
    "linfen": [
        Row("inspection.county_monthly", {"every": "month", "by": "county_office", "feedback": "dispatch_unit",
                                          "report_to_city": "quarter"}, "linfen art.9"),
        Row("attendance.absence_recall", {"consecutive_more_than": 15, "yearly_more_than": 30}, "linfen art.9",
            "无故脱岗连续超过15天或全年累计超过30天：召回（第九条（五）第4款）"),
        Row("inspection.reprimand_recall", {"count": 2}, "linfen art.9", "督查中被责令书面检查或诫勉谈话2次以上：召回"),
    ],
    "xinfeng": [],
    "fengdu": [
        Row("inspection.unexcused_absence", {"min_level": None, "window": "year", "steps": [
            {"count": 2, "kind": "notice", "notify": ["cadre", "dispatch_unit"]}]}, "fengdu art.13",
            "一年内2次抽查不在岗且无正当理由：对派驻人员及派出单位进行通报（站内通知并发邮件给本人和派出单位）"),
    ],
}
