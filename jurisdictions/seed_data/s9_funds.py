"""POLICY.md §9: working funds, categories and the dual signature."""

from . import Row

DEFAULT_SIGNERS = {"roles": ["township_secretary", "team_leader"]}

ROWS = {
    "qujiang": [
        Row("funds.signers", DEFAULT_SIGNERS, "qujiang art.8",
            "帮镇扶村资金实行“双签”：文件未写签字人，默认乡镇党委书记+队长（同新丰）"),
        Row("funds.forbidden_categories", {"categories": ["meals_hospitality", "personal"]}, "qujiang art.23",
            "四个严禁：不得接受宴请和礼品、不得用公款吃喝、不得在镇村报销个人或单位费用、不得挪用资金"),
    ],
    "ganzhou": [
        Row("funds.budget", {"min_per_team": "10000.00"}, "ganzhou art.26", "派出单位每年给予工作队不少于1万元"),
        Row("funds.forbidden_categories", {"categories": ["meals_hospitality", "personal"]}, "ganzhou art.26",
            "不得用于餐饮招待费以及应由个人承担的费用"),
        Row("funds.signers", DEFAULT_SIGNERS, "ganzhou default", default=True),
    ],
    "linfen": [
        Row("funds.signers", DEFAULT_SIGNERS, "linfen default", default=True),
    ],
    "xinfeng": [
        Row("funds.budget", {"by_kind": {"town": "50000.00", "village": "10000.00"}}, "xinfeng sec.七",
            "3个县驻镇工作队每年5万元，6个县派第一书记驻村工作队每年1万元"),
        Row("funds.signers", DEFAULT_SIGNERS, "xinfeng sec.四", "帮扶乡镇党委书记和队长“双签”审批"),
        Row("funds.allowed_categories", {"categories": ["publicity", "other"], "exhaustive": False},
            "xinfeng sec.七", "主要用于乡村振兴宣传、日常工作开支"),
    ],
    "fengdu": [
        Row("funds.budget", {"by_host": {"栗子乡": "200000.00", "高家镇": "100000.00", "双路镇": "100000.00",
                                         "三元镇": "100000.00", "仙女湖镇": "100000.00", "三建乡": "100000.00"},
                             "village_per_person": "10000.00"}, "fengdu art.19",
            "栗子乡县财政配套20万元/年；四镇及三建乡产业指导组10万元/年（按每队理解）；县派驻村工作队每人每年1万元"),
        Row("funds.allowed_categories", {"categories": ["publicity", "meetings_training", "archives", "study_training",
                                                        "office_supplies"], "exhaustive": False}, "fengdu art.19"),
        Row("funds.signers", DEFAULT_SIGNERS, "fengdu default", default=True),
    ],
}
