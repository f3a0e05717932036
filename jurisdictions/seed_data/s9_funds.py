"""POLICY.md §9: working funds, categories and the dual signature.

Keys (read by `funds.rules`):
- `funds.budget`: the yearly figure(s) the regulation names. `by_host` (team host name -> amount), `by_kind`
  (team kind -> amount), `per_person` (team kind -> amount × active members), each limited to the team
  dispatch levels in `dispatch_levels` when given; `min_per_team` (a floor, shown as a check); `source` (who pays);
  `custody` / `custody_by_kind` (where the money must be held, shown with the proposal).
- `funds.forbidden_categories`: hard (不得/不准): refused with the rule_ref.
- `funds.allowed_categories`: `exhaustive: False` where the text says 主要用于/可用于: other categories warn only.
- `funds.signers`: the roles that must each sign (双签), in order; `signers_default: True` where the text sets up
  双签 but names no signers (the row then still cites the article of the mechanism).
- `funds.no_overspend`: spending (approved + pending) never exceeds the account (project rule, every text silent).
"""

from . import Row

DEFAULT_SIGNERS = {"roles": ["township_secretary", "team_leader"]}
NO_OVERSPEND = {"hard": True}
SIGNERS_NOTE = "文件未规定签字人：默认乡镇党委书记+队长（同新丰）"
NO_OVERSPEND_NOTE = "文件未规定，系统默认：已批准与待审批支出合计不得超过账户金额"

ROWS = {
    "qujiang": [
        # art.8(4) "建立帮镇扶村资金使用管理“双签”审批机制": the mechanism is in the text, the signers are not.
        # The row cites art.8 (the mechanism is in the text); `signers_default` labels the roles as the default.
        Row("funds.signers", DEFAULT_SIGNERS | {"signers_default": True}, "qujiang art.8",
            "第八条(四)建立“双签”审批机制，但未写明签字人：默认乡镇党委书记+队长（同新丰，系统默认）",
            default=True),
        # art.23 "四个不准": 不准在镇（村）报销应由个人或者帮扶单位承担的费用 (personal);
        # 不准接受基层单位的宴请 / 不准挥霍、浪费帮扶资金 read as: no meals and hospitality from team funds.
        Row("funds.forbidden_categories", {"categories": ["meals_hospitality", "personal"]}, "qujiang art.23",
            "“四个不准”：不准收受群众财物、不准接受基层单位宴请、不准在镇（村）报销应由个人或帮扶单位承担的费用、"
            "不准侵占挪用私分挥霍浪费帮扶资金"),
        Row("funds.budget", {"source": "dispatch_unit"}, "qujiang art.22",
            "有条件的派出单位可以为工作队安排工作经费（未定金额）"),
        Row("funds.no_overspend", NO_OVERSPEND, "qujiang default", NO_OVERSPEND_NOTE, default=True),
    ],
    "ganzhou": [
        Row("funds.budget", {"min_per_team": "10000.00", "source": "dispatch_unit",
                             "custody": "必须进入所驻村财务账户，按规定程序报销"}, "ganzhou art.26",
            "驻村帮扶单位每年给予工作队不少于1万元的工作经费；必须进入所驻村财务账户"),
        Row("funds.forbidden_categories", {"categories": ["meals_hospitality", "personal"]}, "ganzhou art.26",
            "不得用于餐饮招待费等以及应由驻村干部个人自行承担的费用开支"),
        # The list ends with "其他用于驻村帮扶工作的相关费用支出": a catch-all, so only the forbidden list is hard.
        Row("funds.allowed_categories", {"categories": ["experts_planning", "equipment", "printing", "labour",
                                                        "study_training", "office_supplies", "other"],
                                         "exhaustive": False}, "ganzhou art.26",
            "主要用于专家规划、设备、印刷、劳务、考察培训、办公生活用品及其他驻村帮扶相关支出"),
        Row("funds.signers", DEFAULT_SIGNERS, "ganzhou default",
            "文件只写“按规定程序报销”，未规定双签：默认乡镇党委书记+队长", default=True),
        Row("funds.no_overspend", NO_OVERSPEND, "ganzhou default", NO_OVERSPEND_NOTE, default=True),
    ],
    "linfen": [
        Row("funds.budget", {"source": "county_finance"}, "linfen art.15",
            "财政部门为驻村工作队提供必要的工作经费（未定金额）"),
        Row("funds.signers", DEFAULT_SIGNERS, "linfen default", SIGNERS_NOTE, default=True),
        Row("funds.no_overspend", NO_OVERSPEND, "linfen default", NO_OVERSPEND_NOTE, default=True),
    ],
    "xinfeng": [
        Row("funds.budget", {"by_kind": {"town": "50000.00", "village": "10000.00"}, "dispatch_levels": ["county"],
                             "source": "county_finance"}, "xinfeng sec.七",
            "对3个县驻镇帮扶工作队和6个县派驻第一书记的驻村工作队，县级财政每年分别安排5万元和1万元"),
        Row("funds.signers", DEFAULT_SIGNERS, "xinfeng sec.四",
            "帮镇扶村资金项目安排由帮扶乡镇党委书记和队长“双签”审批"),
        Row("funds.allowed_categories", {"categories": ["publicity", "other"], "exhaustive": False},
            "xinfeng sec.七", "主要用于乡村振兴宣传、日常工作开支（非穷尽）"),
        Row("funds.no_overspend", NO_OVERSPEND, "xinfeng default", NO_OVERSPEND_NOTE, default=True),
    ],
    "fengdu": [
        Row("funds.budget", {"by_host": {"栗子乡": "200000.00", "高家镇": "100000.00", "双路镇": "100000.00",
                                         "三元镇": "100000.00", "仙女湖镇": "100000.00", "三建乡": "100000.00"},
                             "host_notes": {"栗子乡": "县财政配套20万元/年，市财政拨付的市级选派人员工作经费另计"},
                             "per_person": {"village": "10000.00"}, "per_person_dispatch_levels": ["county"],
                             "custody_by_kind": {"village": "由县财政划拨到乡镇（街道）"},
                             "source": "county_finance"}, "fengdu art.19",
            "栗子乡县财政配套20万元/年；四镇及三建乡产业指导组10万元/年（原文合写一次，按每队理解）；"
            "县级选派驻村工作队每人每年1万元，由县财政划拨到乡镇（街道）"),
        Row("funds.allowed_categories", {"categories": ["publicity", "meetings_training", "archives", "study_training",
                                                        "office_supplies"], "exhaustive": False}, "fengdu art.19",
            "可用于政策宣传、会议培训、档案完善、考察学习及办公用品等（非穷尽）"),
        Row("funds.signers", DEFAULT_SIGNERS, "fengdu default", SIGNERS_NOTE, default=True),
        Row("funds.no_overspend", NO_OVERSPEND, "fengdu default", NO_OVERSPEND_NOTE, default=True),
    ],
}
