"""POLICY.md §3 (terms, rotation, adjustment) and the recall grounds of §6, as end-of-membership lists."""

from . import Row

TERM_END = ["任期届满，经考核并完成交接"]
ROTATION = ["任期届满轮换", "分批轮换"]


ADJUSTMENT_NOTE = "文件未列举调整情形（{phrase}），调整事由清单为本系统默认"


def ends(code, ref, adjustment, recall, recall_ref=None, default=False, adjustment_note="", note=""):
    return [
        Row("term.end_grounds.term_end", {"grounds": TERM_END}, ref, note, default=default),
        Row("term.end_grounds.rotation", {"grounds": ROTATION}, ref, note, default=default),
        Row("term.end_grounds.adjustment", {"grounds": adjustment}, ref, adjustment_note or note,
            default=default or bool(adjustment_note)),
        Row("term.end_grounds.recall", {"grounds": recall}, recall_ref or ref, note, default=default),
    ]


ROWS = {
    "qujiang": [
        Row("term.years", {"years": 3, "minimum": False}, "qujiang art.19", "任期3年"),
        Row("term.mid_change", {"in_principle": "none", "replacement_by": "county_org_dept", "filed_with": "city"},
            "qujiang art.19", "任期内原则上不调整；确需调整由区委组织部选派接替人选，报市备案"),
        Row("term.leave_post_after", {"requires": ["term_end_assessment", "handover"]}, "qujiang art.26"),
        *ends("qujiang", "qujiang art.19", ["工作需要确需调整", "身体原因", "其他"],
              ["工作不力或作风不实，经批评教育、诫勉谈话后仍不胜任"], recall_ref="qujiang art.20",
              adjustment_note=ADJUSTMENT_NOTE.format(phrase="第十九条只写“因特殊原因需要调整的”")),
    ],
    "ganzhou": [
        Row("term.years", {"years": 2, "minimum": True, "severity": "soft"}, "ganzhou art.18", "任期一般不少于2年"),
        Row("term.mid_change", {"requires": ["dispatch_unit_request", "reasons", "qualified_replacement"],
                                "approvers": ["township_party_committee", "county_group"],
                                "city_dispatched_also": ["city_org_dept", "city_rr_bureau"],
                                "no_change_before_approval": True}, "ganzhou art.18"),
        Row("term.leave_post_after", {"requires": ["handover"]}, "ganzhou art.18", "压茬交接"),
        *ends("ganzhou", "ganzhou art.18", ["派出单位提出申请并说明理由，有合格接替人选"], [
            "不能保证驻村时间或未与原单位工作脱钩",
            "不胜任驻村工作",
            "作风不实、群众不认可",
            "无故脱岗且未改正",
            "违纪违法受到处分",
            "乡镇党委认为不适宜继续驻村",
            "其他应当召回的情形",
        ], recall_ref="ganzhou art.22"),
    ],
    "linfen": [
        Row("term.years", {"years": 2, "minimum": False, "severity": "soft"}, "linfen art.5", "任期一般为2年"),
        Row("term.grassroots_experience", {"counts": True}, "linfen art.13", "驻村年限计入基层工作经历"),
        *ends("linfen", "linfen art.9", ["工作调动或辞职", "身体原因"], [
            "年度考核不称职（不合格）",
            "无故脱岗连续超过15天或全年累计超过30天",
            "督查中被责令作出书面检查或诫勉谈话2次以上",
            "满意度测评或考核投票低于60%",
            "受到党纪政务处分",
            "县、乡认为不适宜继续驻村",
        ], recall_ref="linfen art.9"),
    ],
    "xinfeng": [
        Row("term.years", {"years": 3, "minimum": False, "rolling": True}, "xinfeng sec.二", "每3年轮换，分批压茬"),
        *ends("xinfeng", "xinfeng default", ["工作需要", "身体原因", "其他"], ["经考核不胜任驻镇帮镇扶村工作"],
              default=True, note="文件只写“驻镇帮扶工作队每3年轮换一次，采取分批次滚动轮换方式进行”（二），"
                                 "未规定离队、调整、召回情形：默认同其他辖区的通常情形"),
    ],
    "fengdu": [
        Row("term.years", {"years": 2, "minimum": True, "severity": "soft"}, "fengdu art.7", "任期一般不少于2年"),
        Row("term.mid_change", {"under_term_approvers": ["city_org_dept", "city_agriculture_committee",
                                                         "city_rr_bureau"], "at_term": "report_roster_after"},
            "fengdu art.7"),
        Row("term.grassroots_experience", {"counts": True, "min_years": 2}, "fengdu art.7"),
        *ends("fengdu", "fengdu art.7", ["工作需要", "身体原因", "其他"], [
            "经帮助仍不胜任",
            "受到处分或年度考核不称职",
            "被问责",
            "辞职",
            "工作不力、群众反映强烈",
            "其他应当召回的情形",
        ], recall_ref="fengdu art.17",
            adjustment_note=ADJUSTMENT_NOTE.format(phrase="第七条只写“符合个别调整情形的”")),
    ],
}
