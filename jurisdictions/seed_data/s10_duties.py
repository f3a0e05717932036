"""POLICY.md §10: routine duties the system tracks."""

from . import Row

ROWS = {
    "qujiang": [
        Row("duties.group_study", {"min_per_month": 2}, "qujiang art.15"),
        Row("duties.team_meeting", {"every": "week", "severity": "soft"}, "qujiang art.16"),
        Row("duties.diary", {"weekly": True, "monthly_summary": True}, "qujiang art.17"),
        Row("duties.research_reports", {"per_year": 1}, "qujiang art.15", "每个工作队每年至少形成1篇调研报告"),
        Row("duties.reports", {"team": "half_year", "member": "half_year",
                               "to": ["county_org_dept", "county_rr_bureau", "dispatch_unit"],
                               "member_to": ["township_secretary", "dispatch_unit"]}, "qujiang art.18",
            "工作队每半年报告工作情况；工作队成员每半年报告思想、工作、学习情况"),
        Row("duties.yearly_checks", {"physical_exam": True, "accident_insurance": True}, "qujiang art.21"),
    ],
    "ganzhou": [
        Row("duties.team_meeting", {"county_leaders_meeting": "half_year", "presence_check": "month"}, "ganzhou art.14"),
        Row("duties.training", {"min_per_term": 1, "level": "county", "severity": "soft"}, "ganzhou art.28"),
        Row("duties.yearly_checks", {"physical_exam": True, "accident_insurance": True}, "ganzhou art.25"),
        Row("duties.household_pairing", {"households": 2, "visits_per_quarter": 1}, "ganzhou art.11",
            "art.11 每名干部结对帮扶2户；art.12 每季度至少走访1次（每户）"),
    ],
    "linfen": [
        Row("duties.team_meeting", {"county_leaders_meeting": "quarter"}, "linfen art.9"),
        Row("duties.diary", {"weekly": False, "monthly_summary": False, "with_on_duty_registration": True},
            "linfen art.9"),
        Row("duties.reports", {"team": "half_year", "to": ["county_group", "dispatch_unit"]}, "linfen art.9",
            "每半年向所在县市区干部驻村帮扶工作领导小组和派出单位报告思想、工作、学习情况"),
        Row("duties.training", {"leaders_per_year": 2, "first_secretaries_per_year": 1, "systematic_per_cadre": 2},
            "linfen art.18", "“农村第一书记、驻村工作队员接受系统培训要在2次以上”未写期间：系统按每人每个任期（驻村期间）"
            "至少2次计，到任期届满日逾期；市级示范培训（队长每年2次、第一书记每年1次）由市级组织，只作记录"),
        Row("duties.yearly_checks", {"physical_exam": True, "accident_insurance": True}, "linfen art.17"),
    ],
    "xinfeng": [
        Row("duties.reports", {"team": "half_year", "to": ["township_secretary", "dispatch_unit"]}, "xinfeng sec.四",
            "四(五)：工作队每半年向帮扶乡镇和派出单位党组织报告工作情况"),
        Row("duties.training", {"all_members_per_year": 1}, "xinfeng sec.四",
            "四(七)：县委组织部、县乡村振兴局每年对队员进行一次全员集训"),
        Row("duties.yearly_checks", {"physical_exam": True, "accident_insurance": True}, "xinfeng sec.六"),
    ],
    "fengdu": [
        Row("duties.group_study", {"min_per_month": 2}, "fengdu art.11"),
        Row("duties.diary", {"weekly": False, "monthly_summary": False, "ledger": True}, "fengdu art.10"),
        Row("duties.reports", {"annual_summary_due": {"city": "12-10", "county": "12-20"}}, "fengdu art.14",
            "市派驻乡工作队……每年12月10日前报帮扶集团牵头单位和派出单位；县派驻乡驻村工作队……每年12月20日前报县委农办和"
            "县乡村振兴局（按工作队派出层级取截止日）"),
        Row("duties.yearly_checks", {"physical_exam": True, "accident_insurance": True,
                                     "insurance_by": {"city": "dispatch_unit", "county": "county_rr_bureau"}},
            "fengdu art.20", "市派人员人身意外伤害保险由派出单位购买，县派人员由县乡村振兴局购买；派出单位每年安排1次健康体检"),
    ],
}
