"""POLICY.md §7: assessment (考核).

Each kind row (`assessment.annual`, `.semi_annual`, `.term_end`) names who grades (`graders`, role codes), who is
consulted (`consulted`, role codes: they give an opinion and a suggested grade), the grades (`grades`, empty for a
score-only kind), whether a score is kept (`scored`) and its parts (`parts`: key, weight, max; a weight the text leaves
open is null and scoring asks for it), and who is assessed (`eligibility`: `posted` = every cadre posted in the period,
`term_ends` = the cadres whose term ends in the period).
"""

from . import Row

GRADES = ["excellent", "competent", "basically_competent", "incompetent"]
CONSULTED = ["township_secretary", "dispatch_unit"]

ROWS = {
    "qujiang": [
        Row("assessment.annual", {"by": ["county_org_dept", "county_rr_bureau", "township_party_committee"],
                                  "graders": ["county_org_dept", "county_rr_bureau"], "consulted": CONSULTED,
                                  "grades": GRADES, "eligibility": "posted"}, "qujiang art.25",
            "第二十五条：“由所在区委组织部、乡村振兴部门会同镇党委进行，以适当方式听取派出单位和工作队意见”："
            "评定人为区委组织部、乡村振兴部门，征求意见为镇党委书记、派出单位"),
        Row("assessment.excellent_quota", {"max_share": "0.35", "severity": "hard"}, "qujiang art.25",
            "优秀比例最高不超过35%"),
        Row("assessment.term_end", {"by": "dispatch_unit", "graders": ["dispatch_unit", "county_org_dept"],
                                    "consulted": ["township_secretary"], "grades": GRADES,
                                    "eligibility": "term_ends"}, "qujiang art.26",
            "第二十六条：“期满考核由派出单位会同所在区委组织部、乡村振兴部门和镇党委进行”"),
    ],
    "ganzhou": [
        Row("assessment.annual", {"by": ["county"], "counts_as_dispatch_unit_grade": True,
                                  "graders": ["county_group", "county_office", "county_org_dept"],
                                  "consulted": CONSULTED, "grades": GRADES, "eligibility": "posted"},
            "ganzhou art.20",
            "第十四条：县驻村工作领导小组“组织年度考核和期满考核”；第二十条：年度考核结果等同于在派出单位的年度考核等次"),
        Row("assessment.excellent_quota", {"outside_dispatch_unit_quota": True, "may_be_raised": True,
                                           "max_share": None, "severity": "hard"}, "ganzhou art.20",
            "第二十条：“确定优秀等次比例可适当提高，且不占派出单位指标”：比例由开展考核时确定（文件未给数字）"),
        Row("assessment.term_end", {"by": "county", "graders": ["county_group", "county_office", "county_org_dept"],
                                    "consulted": CONSULTED, "grades": GRADES, "eligibility": "term_ends"},
            "ganzhou art.20"),
        Row("assessment.incompetent_recall", {"grades": ["incompetent"]}, "ganzhou art.22",
            "第二十二条（二）：“能力素质不高、不能胜任工作的”必须召回：年度考核“不称职”按此列为召回对象为本系统解读",
            default=True),
    ],
    "linfen": [
        Row("assessment.annual", {"by": ["county_office", "dispatch_unit"], "months": [12, 1], "scored": True,
                                  "graders": ["county_office"], "consulted": CONSULTED, "grades": GRADES,
                                  "parts": [{"key": "total", "weight": "1", "max": 100}], "eligibility": "posted"},
            "linfen art.12",
            "第十二条：“通过公开述职、民意调查、实地查看、征求意见、综合评定等程序……形成评定分值和年度考核等次意见”"),
        Row("assessment.semi_annual", {"parts": [{"key": "common", "weight": None, "max": 100},
                                                 {"key": "individual", "weight": None, "max": 100}],
                                       "ranked": True, "scored": True, "graders": ["county_office"],
                                       "consulted": CONSULTED, "grades": [], "eligibility": "posted"},
            "linfen art.11",
            "第十一条：“综合测评由共性评价与个性评价两部分组成……按综合评分排出名次”；两部分权重文件未给，待录入"),
        Row("assessment.poll_threshold", {"min_share": "0.60"}, "linfen art.9",
            "第九条（五）6：“群众满意度测评或年度考核测评低于60%的”调整或召回"),
        Row("assessment.incompetent_recall", {"grades": ["incompetent"]}, "linfen art.9",
            "第九条（五）3：“年度考核被评为‘不称职’或‘不合格’等次的”调整或召回"),
    ],
    "xinfeng": [
        Row("assessment.annual", {"by": ["county_org_dept", "county_rural_office", "county_agri_bureau",
                                         "county_rr_bureau"], "graders": ["county_org_dept", "county_rr_bureau"],
                                  "consulted": CONSULTED, "grades": GRADES, "eligibility": "posted"},
            "xinfeng sec.四"),
        Row("assessment.term_end", {"by": "dispatch_unit", "graders": ["dispatch_unit", "county_org_dept"],
                                    "consulted": ["township_secretary"], "grades": GRADES,
                                    "eligibility": "term_ends"}, "xinfeng sec.四"),
    ],
    "fengdu": [
        Row("assessment.annual", {"by": ["county_org_dept", "county_agri_committee", "county_rr_bureau"],
                                  "graders": ["county_org_dept", "county_rr_bureau"], "consulted": CONSULTED,
                                  "grades": GRADES, "eligibility": "posted"}, "fengdu art.15"),
        Row("assessment.min_months_stationed", {"months": 6}, "fengdu art.15",
            "“驻村工作6个月以上的”方由县委组织部等开展年度考核：满6个月（含）为参加"),
        Row("assessment.excellent_quota", {"separate": True, "may_be_raised": True, "max_share": None,
                                           "severity": "soft"}, "fengdu art.16",
            "第十五条“单列……适当提高优秀等次比例”；第十六条“单列评优评先指标，对实绩突出、群众满意的，可不受指标限制”："
            "超出名额须记录理由"),
        Row("assessment.term_end", {"by": "dispatch_unit", "graders": ["dispatch_unit", "county_org_dept"],
                                    "consulted": ["township_secretary"], "grades": GRADES,
                                    "eligibility": "term_ends"}, "fengdu art.15"),
        Row("assessment.incompetent_recall", {"grades": ["incompetent"]}, "fengdu art.17",
            "第十七条2：“年度考核为不称职（不合格）等次的”派出单位应及时召回"),
    ],
}
