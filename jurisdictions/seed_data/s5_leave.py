"""POLICY.md §5: leave routing. One row per route (`leave.route.*`), so each route cites its own article.

A route: applies_to {role: any|member|leader, dispatch_level: any|city|not_city}, min_days, max_days (None:
open), stages (list of joint role lists, in order), filings (roles notified, 备案), label (Chinese, for the
UI) and, where the cut-offs are our reading of the text rather than its words, `interpretation`.
Routes of one jurisdiction are tried in key order; the first that applies wins.
"""

from . import Row


def route(stages, *, min_days=1, max_days=None, role="any", dispatch_level="any", filings=(), label="",
          interpretation=""):
    value = {"applies_to": {"role": role, "dispatch_level": dispatch_level}, "min_days": min_days,
             "max_days": max_days, "stages": stages, "filings": list(filings), "label": label}
    if interpretation:
        value["interpretation"] = interpretation
    return value


QUJIANG_LIKE = [
    ("leave.route.member", route([["team_leader"]], role="member", label="队员请假由队长审批")),
    ("leave.route.leader", route([["township_secretary"]], role="leader",
                                 filings=["county_org_dept", "county_rr_bureau"],
                                 label="队长请假由驻地镇党委书记审批，报区委组织部和乡村振兴部门备案")),
]

LINFEN_READING = ("文件原文为“一周以内/一周以上半月以内/半月以上”，未写天数；1–7天、8–15天、16天以上为本系统的读法"
                  "（按“以上/以内”含本数，7天和15天可归入两档）。")

ROWS = {
    "qujiang": [
        Row(key, value, "qujiang art.14", "队员由队长审批，队长由驻地镇党委书记审批并报区委组织部和乡村振兴部门备案")
        for key, value in QUJIANG_LIKE
    ] + [
        Row("leave.official_business_needs_request", {"enabled": True}, "qujiang art.14",
            "因公外出、休假同样履行审批手续"),
    ],
    "ganzhou": [
        Row("leave.route.01_1_3", route([["township_secretary"]], max_days=3, label="3天（含）以内由乡镇党委批准"),
            "ganzhou art.17", "3天（含）以内由乡镇党委批准"),
        Row("leave.route.02_4_7", route([["county_office"]], min_days=4, max_days=7,
                                        label="4—7天（含）由县驻村工作领导小组办公室批准"), "ganzhou art.17",
            "4—7天（含）由县驻村工作领导小组办公室批准"),
        Row("leave.route.03_8_plus", route([["county_group"]], min_days=8,
                                           label="8天（含）以上由县驻村工作领导小组批准"),
            "ganzhou art.17", "8天以上由县驻村工作领导小组批准"),
        Row("leave.replacement_required",
            {"min_days": 15, "label": "请假15天（含）以上，派出单位须安排符合条件的人员接替工作或视情调整人员",
             "holds_approval": False},
            "ganzhou art.17", "请假15天以上，派出单位安排接替或视情调整。“派出单位要安排……接替工作或视情调整人员”"
            "是派出单位的义务、可选“视情调整”，不是批准的前提：未安排接替不阻止批准（本系统读法）"),
        Row("leave.emergency_channels", {"channels": ["phone", "sms"], "written_followup": True, "followup_days": 3,
                                         "label": "特殊情况经电话或短信请假后，应及时补办书面请假手续"},
            "ganzhou art.17",
            "第十七条：“特殊情况下无法履行书面请假手续的，经电话或短信请假后应及时补办书面请假手续”；"
            "“及时”未给天数，3天内补办为系统默认", default=True),
        Row("leave.in_advance", {"exempt_channels": ["phone", "sms"],
                                 "label": "须提前请假并履行书面请销假手续（电话、短信请假的特殊情况除外）"},
            "ganzhou art.17", "须提前请假（硬性）；电话、短信请假可事后补录"),
        Row("leave.official_business_needs_request", {"enabled": True}, "ganzhou art.17",
            "因公出差、开会培训离村须请假；计入20天"),
    ],
    "linfen": [
        Row("leave.route.01_1_7", route([["township_secretary"]], max_days=7, label="一周以内由所在乡镇批准",
                                        interpretation=LINFEN_READING), "linfen art.9", "一周以内由所在乡镇批准"),
        Row("leave.route.02_8_15", route([["county_office"]], min_days=8, max_days=15,
                                         label="一周以上半月以内由县级干部帮扶工作领导小组办公室批准",
                                         interpretation=LINFEN_READING), "linfen art.9",
            "一周以上半月以内由县干部帮扶工作领导小组办公室批准"),
        Row("leave.route.03_16_plus_city", route([["city_office", "dispatch_unit"]], min_days=16,
                                                 dispatch_level="city",
                                                 label="市直单位选派、请假半月以上：市干部帮扶工作领导小组办公室和派出单位共同批准",
                                                 interpretation=LINFEN_READING), "linfen art.9",
            "市直单位选派、半月以上：市办和派出单位共同批准"),
        Row("leave.route.04_16_plus_other", route([["county_office"]], min_days=16, dispatch_level="not_city",
                                                  label="非市直单位选派、请假半月以上：文件未规定，默认由县级办公室批准",
                                                  interpretation=LINFEN_READING),
            "linfen default", "文件未规定非市直选派人员半月以上请假：默认由县办批准", default=True),
    ],
    "xinfeng": [
        # 新丰 is a county: its offices are 县委组织部…, not 曲江's 区委组织部
        Row(key, value | {"label": value["label"].replace("区委组织部", "县委组织部") + "（文件未规定请销假，默认同曲江）"},
            "xinfeng default",
            "文件未规定请销假：默认同曲江（同市、同类工作队）", default=True)
        for key, value in QUJIANG_LIKE
    ],
    "fengdu": [
        Row("leave.route.01_1_3", route([["township_secretary"]], max_days=3, filings=["county_rr_bureau"],
                                        label="3天（含）以下由乡镇（街道）党（工）委书记审批并备案（备案去向文件未写，默认县乡村振兴局）"),
            "fengdu art.9",
            "第九条：“请假3天（含3天）以下的，由乡镇（街道）党（工）委书记审批并备案”，未写向谁备案；"
            "默认报县乡村振兴局备案（第九条由其审核每月出勤）", default=True),
        Row("leave.route.02_4_plus", route([["county_org_dept", "dispatch_unit"]], min_days=4,
                                           label="超过3天由县委组织部和派出单位共同审批"),
            "fengdu art.9", "超过3天由县委组织部和派出单位共同审批"),
        Row("leave.in_principle_none", {"notice": "派驻人员原则上不请假，如遇特殊情况方可请假。"}, "fengdu art.9"),
    ],
}
