"""POLICY.md §2: selection and team formation. `selection.*` rows name a check of teams/rules.py."""

from . import Row

HARD, SOFT = "hard", "soft"

# 曲江 art.4: 科技特派员、三支一扶、高校毕业生志愿者、金融助理 are managed with the team (纳入工作队管理) but are not
# the 选派干部 of art.5, so art.5's age, rank, party and 在编 findings do not apply to them.
QUJIANG_ART4 = ["tech_commissioner", "sanzhi_yifu", "graduate_volunteer", "financial_assistant"]
# 在编 read from the category: civil servants (incl. 选调生) and public institutions (incl. public universities).
QUJIANG_ON_ESTABLISHMENT = ["civil_servant", "public_institution", "university", "selected_graduate"]


def check(check_name, severity, applies_to=("all",), **params):
    return {"check": check_name, "severity": severity, "applies_to": list(applies_to), **params}


def everywhere(code, ref_one=None, ref_leader=None, default=True):
    """A cadre has at most one active assignment; a team at most one active leader (POLICY.md §2)."""
    return [
        Row("team.one_active_assignment", {"severity": HARD}, ref_one or f"{code} default",
            "一名干部同一时间只在一个工作队任职", default=ref_one is None),
        Row("team.one_active_leader", {"severity": HARD}, ref_leader or f"{code} default",
            "一个工作队同一时间只有一名队长", default=ref_leader is None),
    ]


ROWS = {
    "qujiang": [
        Row("selection.leader_full_party_member", check("full_party_member", HARD, ["leader"]), "qujiang art.5",
            "队长必须是中共正式党员（对队长岗位，不论人员类别）"),
        Row("selection.age_max", check("age_max", SOFT, ["all"], max=45, exempt_categories=QUJIANG_ART4),
            "qujiang art.5", "原则上45周岁以下；第四条人员（科技特派员、三支一扶等）不是选派干部，不适用"),
        Row("selection.rank_min", check("rank_min", SOFT, ["all"], min="deputy_section",
                                        exempt_categories=QUJIANG_ART4), "qujiang art.5",
            "原则上副科级以上；第四条人员不适用"),
        Row("selection.party_member_preferred", check("party_member_preferred", SOFT, ["member"],
                                                      exempt_categories=QUJIANG_ART4), "qujiang art.5",
            "优先选派党员；第四条人员不适用"),
        Row("selection.member_on_establishment",
            check("category_in", SOFT, ["member"], categories=QUJIANG_ON_ESTABLISHMENT,
                  exempt_categories=QUJIANG_ART4, requirement="应由成员单位在编人员担任"),
            "qujiang art.5",
            "“由成员单位在编人员担任”：在编按人员类别判断（公务员、事业单位、高校、选调生视为在编，国企人员不在编）；"
            "原文用“应”而非“必须”，且类别只是在编的近似，按软性规则（须填写理由）处理；第四条人员不适用",
            default=True),
        Row("selection.member_from_team_unit",
            check("from_team_unit", SOFT, ["member"], exempt_categories=QUJIANG_ART4), "qujiang art.5",
            "“由成员单位在编人员担任”：队员的派出单位应是工作队的牵头或成员单位（工作队未登记成员单位时不检查）；"
            "按软性规则处理；第四条人员不适用", default=True),
        *everywhere("qujiang"),
    ],
    "ganzhou": [
        Row("selection.first_secretary_full_party_member", check("full_party_member", HARD, ["first_secretary"]),
            "ganzhou art.6"),
        Row("selection.first_secretary_party_years_min", check("party_years_min", HARD, ["first_secretary"], years=1),
            "ganzhou art.6", "党龄1年以上"),
        Row("selection.first_secretary_work_years_min", check("work_years_min", HARD, ["first_secretary"], years=2),
            "ganzhou art.6", "2年以上工作经历"),
        Row("selection.first_secretary_rank_min",
            check("rank_min", SOFT, ["first_secretary"], or_reserve=True,
                  by_dispatch_level={"central": "section", "province": "section", "city": "section",
                                     "county": "deputy_section"},
                  by_category={"public_institution": "middle_manager", "soe": "middle_manager",
                               "university": "middle_manager"}),
            "ganzhou art.6", "市派原则上正科级或后备；县派科级或后备；企事业单位中层或后备"),
        Row("selection.party_member_preferred", check("party_member_preferred", SOFT, ["member"]), "ganzhou art.6"),
        Row("selection.leader_is_first_secretary", check("leader_is_first_secretary", SOFT, ["leader"]),
            "ganzhou art.7", "队长原则上由第一书记兼任"),
        Row("team.size_min", {"min": 3, "severity": HARD}, "ganzhou art.7", "工作队不少于3人"),
        *everywhere("ganzhou"),
    ],
    "linfen": [
        Row("selection.leader_is_first_secretary", check("leader_is_first_secretary", SOFT, ["leader"]),
            "linfen art.2", "第一书记原则上任队长（第二条（二））"),
        Row("team.size_min", {"min": 3, "severity": SOFT}, "linfen art.4", "一般不少于3人"),
        Row("team.one_team_per_village", {"severity": HARD}, "linfen art.4", "省市县三级不能重复派驻"),
        Row("team.keep_previous_member", {"severity": HARD, "on": ["rotation", "adjustment"]}, "linfen art.4",
            "调整队员时保留至少1名原队员"),
        *everywhere("linfen"),
    ],
    "xinfeng": [
        Row("selection.leader_full_party_member", check("full_party_member", HARD, ["leader"]), "xinfeng sec.二"),
        Row("selection.leader_party_years_min", check("party_years_min", HARD, ["leader"], years=1), "xinfeng sec.二"),
        Row("selection.leader_rank_min", check("rank_min", HARD, ["leader"], min="deputy_section"), "xinfeng sec.二",
            "副科级以上或相当职级"),
        Row("selection.leader_age_max", check("age_max", SOFT, ["leader"], max=50), "xinfeng sec.二", "一般50周岁以下"),
        Row("selection.member_age_max", check("age_max", SOFT, ["member"], max=45), "xinfeng sec.二", "一般45周岁以下"),
        Row("selection.party_member_preferred", check("party_member_preferred", SOFT, ["member"]), "xinfeng sec.二"),
        Row("team.unit_composition", {"severity": SOFT}, "xinfeng sec.二", "队长由牵头单位选派，每个成员单位选派1名队员"),
        Row("team.composition", {"severity": SOFT, "categories": {
            "tech_commissioner": [1, None], "sanzhi_yifu": [1, 2], "graduate_volunteer": [2, 3],
            "financial_assistant": [1, 1]}}, "xinfeng sec.二",
            "每队至少1名科技特派员、1-2名三支一扶、2-3名高校毕业生志愿者、1名金融助理（第二条（二））"),
        *everywhere("xinfeng"),
    ],
    "fengdu": [
        *everywhere("fengdu"),
    ],
}
