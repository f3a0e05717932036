"""POLICY.md §6: inspections, notices and recall flags (recall grounds are in s3_terms)."""

from . import Row

ROWS = {
    "qujiang": [],
    "ganzhou": [
        Row("inspection.county_monthly", {"every": "month", "by": "county_office"}, "ganzhou art.14"),
        Row("inspection.unexcused_absence", {"min_level": "city", "window": "term", "steps": [
            {"count": 1, "kind": "notice"}, {"count": 2, "kind": "recall_candidate"}]}, "ganzhou art.21",
            "第二十一条：“市级以上明查暗访、督查检查发现一次无故脱岗的，给予全市通报；发现两次以上无故脱岗的，"
            "予以‘召回’”；文件未写计次期间，按任期累计为本系统默认", default=True),
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
