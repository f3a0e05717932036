"""POLICY.md §4: required presence, who keeps attendance, whereabouts boards.

`attendance.required_days.method`: statutory_working_days | fixed | fraction_of_month.
`attendance.required_days.basis`: month (each month on its own) | year_average (the average over the year to date,
the month's own figure shown beside it). Required days are prorated to the days in post; where `approved_leave` is
"excused", days of approved leave are taken out of the required days too ("counts_against": they are not).
`attendance.review_before_pay`: a confirmed sheet must be reviewed by `role` before a subsidy run pays it.
Counted days (compliance) = statuses in `attendance.counted_statuses`; paid days = `attendance.paid_statuses`.
"""

from . import Row

TOWNSHIP_KEEPS = {"default": "township"}
ON_DUTY = {"statuses": ["on_duty"]}
BOARD_DEFAULT = {"fields": ["name", "phone", "status"]}
BOARD_NOTE = "文件未规定去向牌；系统默认按村公示姓名、联系电话、当日去向（参照临汾第九条（二））"

ROWS = {
    "qujiang": [
        Row("attendance.required_days", {"method": "statutory_working_days", "severity": "hard", "basis": "month",
                                         "approved_leave": "excused"}, "qujiang art.13",
            "第十三条：“参照所在镇（村）考勤管理制度实行日常考勤管理，工作队成员与所在镇（村）干部一同考勤”，"
            "未给驻镇天数；本系统默认按法定工作日逐月计；经审批的请假（第十四条“因公外出、休假、请假要履行审批手续”）"
            "不计为缺勤", default=True),
        Row("attendance.counted_statuses", ON_DUTY, "qujiang art.13"),
        Row("attendance.paid_statuses", ON_DUTY, "qujiang art.21", "伙食补助按实际驻镇（村）天数"),
        Row("attendance.recorder", TOWNSHIP_KEEPS, "qujiang art.13"),
        Row("attendance.whereabouts_board", BOARD_DEFAULT, "qujiang default", BOARD_NOTE, default=True),
    ],
    "ganzhou": [
        Row("attendance.required_days", {"method": "fixed", "days": 20, "basis": "year_average", "severity": "hard",
                                         "approved_leave": "counts_against"},
            "ganzhou art.16", "平均每月驻村时间不少于20天（含因公出差、开会和培训）：按本年度截至当月的月均天数判断，"
            "当月天数并列显示；请假不在“含”列举之内，不从应驻村天数中扣除（按在岗期间折算）"),
        Row("attendance.counted_statuses", {"statuses": ["on_duty", "official_business"]}, "ganzhou art.16"),
        Row("attendance.paid_statuses", ON_DUTY, "ganzhou art.27", "生活补助按实际驻村天数，凭乡镇盖章考勤表"),
        Row("attendance.recorder", TOWNSHIP_KEEPS, "ganzhou art.14"),
        Row("attendance.county_monthly_check", {"by": "county_office"}, "ganzhou art.14"),
        Row("attendance.whereabouts_board", BOARD_DEFAULT, "ganzhou default", BOARD_NOTE, default=True),
    ],
    "linfen": [
        Row("attendance.required_days", {"method": "statutory_working_days", "severity": "hard", "basis": "month",
                                         "approved_leave": "excused"}, "linfen art.8",
            "第八条：“乡镇党委每日统计驻村干部到岗履职情况，每月逐人作出综合评价”，未给驻村天数；"
            "本系统默认按法定工作日逐月计（第九条“吃住在村，全脱产”）；按第九条（二）经批准的请假不计为缺勤", default=True),
        Row("attendance.counted_statuses", ON_DUTY, "linfen art.9"),
        Row("attendance.paid_statuses", ON_DUTY, "linfen art.17", "按驻村工作队员实际在岗天数"),
        Row("attendance.recorder", TOWNSHIP_KEEPS, "linfen art.8"),
        Row("attendance.daily_township_count", {"enabled": True, "monthly_evaluation": True,
                                                "county_weekly_upload": True}, "linfen art.8"),
        Row("attendance.whereabouts_board", {"fields": ["name", "phone", "status"]}, "linfen art.9",
            "公示牌：姓名、联系电话、去向（第九条（二））"),
    ],
    "xinfeng": [
        Row("attendance.required_days", {"method": "statutory_working_days", "severity": "hard", "basis": "month",
                                         "approved_leave": "excused"}, "xinfeng default",
            "文件仅规定专职（四（三）），未规定考勤天数；默认按法定工作日逐月计，经批准的请假不计为缺勤", default=True),
        Row("attendance.counted_statuses", ON_DUTY, "xinfeng default",
            "文件未规定考勤：默认只有“在岗”计入驻镇天数", default=True),
        Row("attendance.paid_statuses", ON_DUTY, "xinfeng default",
            "文件未规定按天计发：默认只有“在岗”日计发（工作补助按月，不满月折算时用）", default=True),
        Row("attendance.recorder", TOWNSHIP_KEEPS, "xinfeng default", "文件未规定考勤主体；默认由乡镇考勤", default=True),
        Row("attendance.whereabouts_board", BOARD_DEFAULT, "xinfeng default", BOARD_NOTE, default=True),
    ],
    "fengdu": [
        Row("attendance.required_days", {"method": "fraction_of_month", "numerator": 2, "denominator": 3,
                                         "severity": "soft", "basis": "month", "approved_leave": "excused"},
            "fengdu art.9",
            "原则上每月2/3以上时间在乡村（软性规定，按时间计）：本系统解释为“当月在岗期间天数×2/3，向上取整”个在岗日，"
            "逐月计；经审批的请假（第九条 请假审批）从应出勤天数中扣除；未达标须记录原因"),
        Row("attendance.counted_statuses", ON_DUTY, "fengdu art.9"),
        Row("attendance.paid_statuses", ON_DUTY, "fengdu art.20", "按出勤天数100元/天"),
        Row("attendance.recorder", {"default": "township", "leader": "township", "first_secretary": "township",
                                    "industry_instructor": "township", "township_team_member": "team_leader",
                                    "village_team_member": "first_secretary"}, "fengdu art.9"),
        Row("attendance.county_monthly_check", {"by": "county_rr_bureau"}, "fengdu art.9"),
        Row("attendance.review_before_pay", {"role": "county_rr_bureau"}, "fengdu art.20",
            "驻乡驻村补助由乡镇每月统计核实出勤情况，报县乡村振兴局审核后送派出单位据实发放（第二十条）；"
            "县乡村振兴局对每月出勤情况严格审核把关（第九条）：乡镇确认的考勤表经县乡村振兴局审核后方可核发"),
        Row("attendance.whereabouts_board", {"fields": ["name", "photo", "post", "phone", "pledges"]}, "fengdu art.8"),
    ],
}
