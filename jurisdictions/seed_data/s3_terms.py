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


# ---- personnel cases (issue 11): who proposes, who decides (stages of joint roles, in order), who is filed with,
# whether a successor must join before the case closes, steps required before a recall, consequences.
# Routes of one kind are tried in key order; the first whose `applies_to` fits the cadre wins.
# `applies_to`: dispatch_level any|city|not_city; `served_under_years` (only cadres who served less than that).
# `flag_grounds`: the ground (1-based, in term.end_grounds.recall) a recall_candidate flag of that source proposes.
# `consequences`: {kind, years}: years 0 = the rest of the decision year, N = N years, None = no end.

def case_route(stages, *, proposers, filings=(), dispatch_level="any", served_under_years=None,
               successor_required=False, requires_steps=(), consequences=(), flag_grounds=None, label=""):
    value = {"applies_to": {"dispatch_level": dispatch_level}, "proposers": list(proposers), "stages": stages,
             "filings": list(filings), "successor_required": successor_required,
             "requires_steps": list(requires_steps), "consequences": list(consequences), "label": label}
    if served_under_years is not None:
        value["applies_to"]["served_under_years"] = served_under_years
    if flag_grounds is not None:
        value["flag_grounds"] = flag_grounds
    return value


CASE_ROWS = {
    "qujiang": [
        Row("case.route.adjustment.01", case_route(
            [["county_org_dept"]], proposers=["township_secretary", "dispatch_unit"],
            filings=["city_org_dept", "city_rr_bureau"], successor_required=True,
            label="因特殊原因需要调整的，按原有选派程序由区委组织部确定接替人选，报备市委组织部和乡村振兴部门"),
            "qujiang art.19", "第十九条：“原则上中途不轮换，因特殊原因需要调整的，按原有选派程序由区委组织部确定接替人选，"
                              "报备市委组织部和乡村振兴部门”"),
        Row("case.route.recall.01", case_route(
            [["township_secretary", "dispatch_unit"]], proposers=["township_secretary"],
            requires_steps=["criticism", "admonition"],
            label="经批评教育或诫勉谈话仍不胜任的，由镇党委商派出单位党组织召回"),
            "qujiang art.20", "第二十条：“由镇党委给予批评教育或诫勉谈话，对经教育帮助仍不胜任的，由镇党委商派出单位党组织，"
                              "依照有关规定进行问责或组织调整、及时召回”。“商”读作镇党委与派出单位共同决定；"
                              "召回前须已记录批评教育或诫勉谈话（二者之一，文件用“或”）"),
    ],
    "ganzhou": [
        Row("case.route.adjustment.01_city", case_route(
            [["township_secretary"], ["county_group"], ["city_org_dept", "city_rr_bureau"]],
            proposers=["dispatch_unit"], dispatch_level="city", successor_required=True,
            label="派出单位提出申请并提出接替人选，经乡镇党委、县驻村工作领导小组逐级审核，市派单位报市委组织部和市乡村振兴局审核批复"),
            "ganzhou art.18", "第十八条：“经派驻乡镇党委、县（市、区）驻村工作领导小组逐级审核同意，方可进行调整。"
                              "市派单位需报经市委组织部和市乡村振兴局审核批复。未获批复前一律不得擅自更换驻村干部”"),
        Row("case.route.adjustment.02", case_route(
            [["township_secretary"], ["county_group"]], proposers=["dispatch_unit"], successor_required=True,
            label="派出单位提出申请并提出接替人选，经乡镇党委、县驻村工作领导小组逐级审核同意"),
            "ganzhou art.18", "第十八条：“由派出单位党委（党组）提出申请……且提出符合条件的接替人选，经派驻乡镇党委、"
                              "县（市、区）驻村工作领导小组逐级审核同意，方可进行调整”"),
        Row("case.route.recall.01", case_route(
            [["county_group"]], proposers=["township_secretary", "county_office"],
            filings=["county_org_dept", "county_rr_bureau", "dispatch_unit"],
            flag_grounds={"attendance": 4, "inspection": 4, "assessment": 2},
            label="由乡镇党委提出，经县驻村工作领导小组审定，组织部门和乡村振兴部门督促派出单位召回并重新选派"),
            "ganzhou art.22", "第二十二条：“由乡镇党委提出，经县（市、区）驻村工作领导小组审定后，由派出单位同级党委组织部门"
                              "和乡村振兴部门督促派出单位“召回”，并重新选派接替人员”。县办可代为在系统中提出（本系统读法）"),
    ],
    "linfen": [
        Row("case.route.adjustment.01", case_route(
            [["dispatch_unit", "county_office"]], proposers=["cadre", "dispatch_unit"],
            label="本人提出书面申请，经派出单位和同级干部帮扶工作领导小组办公室批准同意，由派出单位调整"),
            "linfen art.9", "第九条（五）：“有第1、2款情形的，本人提出书面申请，经派出单位和同级干部帮扶工作领导小组办公室"
                            "批准同意，由派出单位调整”"),
        Row("case.route.recall.01", case_route(
            [["county_office"]], proposers=["county_office"], filings=["dispatch_unit"], successor_required=True,
            consequences=[{"kind": "no_award", "years": 0}, {"kind": "no_promotion", "years": 2},
                          {"kind": "personnel_file", "years": None}],
            flag_grounds={"assessment": 1, "attendance": 2, "inspection": 3, "poll": 4},
            label="县级干部帮扶工作领导小组办公室提出书面意见，向派出单位发出召回通知；当年不得评先评优，2年内不得提拔使用，"
                  "记入本人档案；派出单位及时选派新人"),
            "linfen art.9", "第九条（五）：“有3、4、5、6、7、8款情形的，县级干部帮扶工作领导小组办公室提出书面意见……"
                            "向派出单位发出召回通知予以召回。驻村工作队员被召回的，当年不得评先评优，2年内不得提拔使用，"
                            "相关处理情况记入本人档案……派出单位要及时选派新人驻村履职”"),
    ],
    "xinfeng": [
        Row("case.route.adjustment.01", case_route(
            [["county_org_dept"]], proposers=["township_secretary", "dispatch_unit"], successor_required=True,
            label="文件未规定调整程序：默认同曲江，由县委组织部确定接替人选"),
            "xinfeng default", "文件未规定调整、召回程序：默认同曲江（同市、同类工作队）", default=True),
        Row("case.route.recall.01", case_route(
            [["township_secretary", "dispatch_unit"]], proposers=["township_secretary"],
            label="文件未规定召回程序：默认同曲江，由镇党委商派出单位召回"),
            "xinfeng default", "文件未规定调整、召回程序：默认同曲江（同市、同类工作队）", default=True),
    ],
    "fengdu": [
        Row("case.route.adjustment.01_under_2", case_route(
            [["city_org_dept", "city_rr_bureau"]], proposers=["dispatch_unit"], served_under_years=2,
            label="服务不足2年、符合个别调整情形的，提前报市委组织部、市农业农村委、市乡村振兴局审核同意后调整"),
            "fengdu art.7", "第七条：“县级选派驻乡驻村干部，在乡镇（村、社区）服务不足2年、符合个别调整情形的，按要求提前报"
                            "市委组织部、市农业农村委、市乡村振兴局审核同意后调整”。系统无市农业农村委角色，由另两家审核"),
        Row("case.route.adjustment.02", case_route(
            [["dispatch_unit"]], proposers=["dispatch_unit"], filings=["city_org_dept"],
            label="服务满2年需轮换的，调整后及时向市委组织部报送调整人员台账"),
            "fengdu art.7", "第七条：“在乡镇（村、社区）服务期限满2年需轮换的，调整后及时向市委组织部报送调整人员台账”"),
        Row("case.route.recall.01_city", case_route(
            [["dispatch_unit"]], proposers=["dispatch_unit", "county_office"], dispatch_level="city",
            filings=["county_office", "county_org_dept", "county_rr_bureau", "city_office", "city_org_dept",
                     "city_rr_bureau"],
            label="派出单位及时召回，报县委农办、县委组织部、县乡村振兴局备案，市级选派人员同时报市委农办、市委组织部、市乡村振兴局备案"),
            "fengdu art.17", "第十七条：“派出单位应及时召回，并报县委农办、县委组织部、县乡村振兴局备案，市级选派人员同时报"
                             "市委农办、市委组织部、市乡村振兴局备案”。县委农办、市委农办由县办、市办角色接收"),
        Row("case.route.recall.02", case_route(
            [["dispatch_unit"]], proposers=["dispatch_unit", "county_office"],
            filings=["county_office", "county_org_dept", "county_rr_bureau"],
            label="派出单位及时召回，报县委农办、县委组织部、县乡村振兴局备案"),
            "fengdu art.17", "第十七条：“派出单位应及时召回，并报县委农办、县委组织部、县乡村振兴局备案”。县委农办由县办角色接收"),
    ],
}

for _code, _rows in CASE_ROWS.items():
    ROWS[_code].extend(_rows)
