"""POLICY.md §10: routine duties the system tracks."""

from . import Row

ROWS = {
    "qujiang": [
        Row("duties.group_study", {"min_per_month": 2}, "qujiang art.15"),
        Row("duties.team_meeting", {"every": "week", "severity": "soft"}, "qujiang art.16"),
        Row("duties.diary", {"weekly": True, "monthly_summary": True}, "qujiang art.17"),
        Row("duties.research_reports", {"per_year": 1}, "qujiang art.15", "每个工作队每年至少形成1篇调研报告"),
        Row("duties.reports", {"team": "half_year", "member": "half_year"}, "qujiang art.18",
            "工作队每半年报告工作情况；工作队成员每半年报告思想、工作、学习情况"),
        Row("duties.yearly_checks", {"physical_exam": True, "accident_insurance": True}, "qujiang art.21"),
    ],
    "ganzhou": [
        Row("duties.team_meeting", {"county_leaders_meeting": "half_year", "presence_check": "month"}, "ganzhou art.14"),
        Row("duties.training", {"min_per_term": 1, "level": "county", "severity": "soft"}, "ganzhou art.28"),
        Row("duties.yearly_checks", {"physical_exam": True, "accident_insurance": True}, "ganzhou art.25"),
        Row("duties.household_pairing", {"households": 2, "visits_per_quarter": 1}, "ganzhou art.11"),
    ],
    "linfen": [
        Row("duties.team_meeting", {"county_leaders_meeting": "quarter"}, "linfen art.9"),
        Row("duties.diary", {"weekly": False, "monthly_summary": False, "with_on_duty_registration": True},
            "linfen art.9"),
        Row("duties.reports", {"team": "half_year"}, "linfen art.9"),
        Row("duties.training", {"leaders_per_year": 2, "first_secretaries_per_year": 1, "systematic_per_cadre": 2},
            "linfen art.18"),
        Row("duties.yearly_checks", {"physical_exam": True, "accident_insurance": True}, "linfen art.17"),
    ],
    "xinfeng": [
        Row("duties.reports", {"team": "half_year"}, "xinfeng sec.四"),
        Row("duties.training", {"all_members_per_year": 1}, "xinfeng sec.四"),
        Row("duties.yearly_checks", {"physical_exam": True, "accident_insurance": True}, "xinfeng sec.六"),
    ],
    "fengdu": [
        Row("duties.group_study", {"min_per_month": 2}, "fengdu art.11"),
        Row("duties.diary", {"weekly": False, "monthly_summary": False, "ledger": True}, "fengdu art.10"),
        Row("duties.reports", {"annual_summary_due": {"city": "12-10", "county": "12-20"}}, "fengdu art.14"),
        Row("duties.yearly_checks", {"physical_exam": True, "accident_insurance": True}, "fengdu art.20"),
    ],
}
