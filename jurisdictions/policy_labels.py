"""The one registry of the policy table's words: every key's Chinese label, every value field's label and unit,
and the codes that appear inside values, so a row reads "生活补助 · 市派：100.00元/天", never a raw dict.

Used by the policy page and the policy pack export. A key or field missing here is shown as it is (and
`tests/test_policy_labels.py` fails, so a new seed row brings its label with it).
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .models import Role


@dataclass(frozen=True)
class Field:
    label: str
    unit: str = ""


YUAN_DAY, YUAN_MONTH, YUAN_YEAR = "元/天", "元/月", "元/年"
OPEN_RATE = "文件未定标准，待辖区管理员录入（未录入前不核算）"

# key → Chinese label. Families by prefix: see PREFIXES.
KEYS = {
    "team.kinds": "工作队类型与岗位",
    "team.size_min": "工作队最少人数",
    "team.one_active_assignment": "一人只在一个工作队任职",
    "team.one_active_leader": "一队只有一名队长",
    "team.one_team_per_village": "一村只派一支工作队",
    "team.keep_previous_member": "调整时保留原队员",
    "team.unit_composition": "组团单位选派构成",
    "team.composition": "专项人员配备",
    "selection.leader_full_party_member": "队长须为正式党员",
    "selection.first_secretary_full_party_member": "第一书记须为正式党员",
    "selection.first_secretary_party_years_min": "第一书记党龄",
    "selection.first_secretary_work_years_min": "第一书记工作经历",
    "selection.first_secretary_rank_min": "第一书记职级",
    "selection.leader_party_years_min": "队长党龄",
    "selection.leader_rank_min": "队长职级",
    "selection.leader_age_max": "队长年龄上限",
    "selection.member_age_max": "队员年龄上限",
    "selection.age_max": "选派人员年龄上限",
    "selection.rank_min": "选派人员职级",
    "selection.party_member_preferred": "优先选派党员",
    "selection.leader_is_first_secretary": "队长由第一书记兼任",
    "selection.member_on_establishment": "队员由在编人员担任",
    "selection.member_from_team_unit": "队员由成员单位选派",
    "term.years": "任期",
    "term.mid_change": "任期内调整",
    "term.leave_post_after": "离岗条件",
    "term.grassroots_experience": "计入基层工作经历",
    "attendance.required_days": "每月驻村（在岗）天数",
    "attendance.counted_statuses": "计入驻村天数的考勤状态",
    "attendance.paid_statuses": "计发补助的考勤状态",
    "attendance.recorder": "考勤主体",
    "attendance.county_monthly_check": "县级每月考勤审核",
    "attendance.review_before_pay": "考勤表经县级审核后方可发放补助",
    "attendance.whereabouts_board": "去向公示牌",
    "attendance.daily_township_count": "乡镇每日统计到岗",
    "attendance.absence_recall": "无故脱岗召回",
    "leave.official_business_needs_request": "因公外出须请假",
    "leave.replacement_required": "长假须安排接替",
    "leave.emergency_channels": "电话、短信请假",
    "leave.in_advance": "须提前请假",
    "leave.in_principle_none": "原则上不请假",
    "inspection.county_monthly": "县级每月督查",
    "inspection.unexcused_absence": "督查发现无故脱岗",
    "inspection.reprimand_recall": "督查处理次数召回",
    "assessment.annual": "年度考核",
    "assessment.excellent_quota": "优秀等次比例",
    "assessment.term_end": "期满考核",
    "assessment.semi_annual": "半年考评",
    "assessment.min_months_stationed": "参加年度考核的驻村月数",
    "assessment.poll_threshold": "满意度测评召回线",
    "assessment.incompetent_recall": "考核不称职召回",
    "subsidy.meal_per_day": "伙食补助",
    "subsidy.township_allowance": "乡镇工作补贴",
    "subsidy.trips": "往返交通",
    "subsidy.living_per_day": "生活补助",
    "subsidy.communication_monthly": "通信补贴",
    "subsidy.transport_per_day": "交通补贴",
    "subsidy.communication_per_day": "通信补贴",
    "subsidy.work_allowance_monthly": "工作补助",
    "funds.signers": "经费支出“双签”签字人",
    "funds.forbidden_categories": "工作经费禁止支出",
    "funds.allowed_categories": "工作经费支出范围",
    "funds.budget": "工作经费预算",
    "funds.no_overspend": "支出不得超过账户金额",
    "duties.group_study": "集中学习",
    "duties.team_meeting": "工作例会",
    "duties.diary": "工作日志",
    "duties.reports": "工作报告",
    "duties.research_reports": "调研报告",
    "duties.yearly_checks": "体检与意外伤害保险",
    "duties.training": "培训",
    "duties.household_pairing": "结对帮扶户",
}

# Sections of the policy page, in POLICY.md order (a key's first part).
SECTIONS = {"team": "工作队", "selection": "选派条件", "term": "任期、轮换与调整", "attendance": "考勤与在岗",
            "leave": "请销假", "inspection": "督查与召回", "assessment": "考核", "subsidy": "待遇与补助",
            "funds": "工作经费", "duties": "日常工作制度", "case": "调整与召回（人事案件）"}

PREFIXES = {"leave.route.": "请假审批", "term.end_grounds.": "离队事由", "case.route.": "人事案件审批"}

# Generic field labels; a key may override them (units differ per key) in KEY_FIELDS.
FIELDS = {
    "amount": Field("标准", YUAN_DAY), "monthly": Field("每月", YUAN_MONTH), "city": Field("市派", YUAN_DAY),
    "county": Field("县派", YUAN_DAY), "levels": Field("按派出层级执行"), "exclusive": Field("不再另发通信、交通补助和乡镇工作补贴"),
    "after_months": Field("驻村满", "个月后享受"), "continuity": Field("上一轮无间断接续的连续发放"),
    "max_per_month": Field("每月最多", "次往返"), "basis": Field("报销方式"), "per_km": Field("里程单价", "元/公里"),
    "self_driving_only": Field("仅限自驾"), "dispatch_levels": Field("适用派出层级"),
    "per_person_dispatch_levels": Field("按人头安排适用派出层级"),
    "one_car_per_team": Field("一个工作队只报一辆车"), "no_tolls": Field("不报过路过桥费"),
    "not_with_transport_allowance": Field("已享受交通补贴的不再报销"), "prorate": Field("不满月按在岗日历天数折算"),
    "kinds": Field("工作队类型"), "roles": Field("岗位"), "severity": Field("性质"), "min": Field("最少"),
    "max": Field("最多"), "on": Field("适用于"), "categories": Field("类别"), "check": Field("检查"),
    "applies_to": Field("适用于"), "years": Field("年限", "年"), "or_reserve": Field("或为后备干部"),
    "by_dispatch_level": Field("按派出层级"), "by_category": Field("按人员类别"), "minimum": Field("为最短年限"),
    "rolling": Field("分批轮换"), "in_principle": Field("原则上"), "replacement_by": Field("接替人选确定"),
    "filed_with": Field("报备"), "requires": Field("须先完成"), "approvers": Field("审批"),
    "city_dispatched_also": Field("市派人员另报"), "no_change_before_approval": Field("批准前不得调整"),
    "under_term_approvers": Field("未满任期调整须报"), "at_term": Field("任期满轮换"), "counts": Field("计入"),
    "min_years": Field("满", "年"), "grounds": Field("事由"), "method": Field("计算方法"), "days": Field("天数", "天"),
    "yearly_average": Field("按全年平均"), "numerator": Field("分子"), "denominator": Field("分母"),
    "statuses": Field("状态"), "default": Field("一般"), "leader": Field("队长"), "first_secretary": Field("第一书记"),
    "industry_instructor": Field("产业指导员"), "township_team_member": Field("驻乡工作队员"),
    "village_team_member": Field("驻村工作队员"), "by": Field("负责"), "fields": Field("公示内容"),
    "enabled": Field("启用"), "monthly_evaluation": Field("每月逐人评价"), "county_weekly_upload": Field("县级每周上传"),
    "consecutive_more_than": Field("连续超过", "天"), "yearly_more_than": Field("全年累计超过", "天"),
    "min_days": Field("请假天数达", "天（含）"), "label": Field("说明"), "channels": Field("方式"),
    "written_followup": Field("事后补办书面手续"), "followup_days": Field("补办期限", "天"),
    "exempt_channels": Field("例外"), "notice": Field("提示"), "every": Field("频次"), "feedback": Field("结果反馈"),
    "report_to_city": Field("报市"), "min_level": Field("督查层级不低于"), "window": Field("计次期间"),
    "steps": Field("处理"), "count": Field("次数", "次"), "grades": Field("等次"),
    "counts_as_dispatch_unit_grade": Field("等同派出单位定点帮扶成效"), "months": Field("月份"), "scored": Field("计分"),
    "max_share": Field("最高比例"), "outside_dispatch_unit_quota": Field("不占派出单位名额"),
    "may_be_raised": Field("可适当提高"), "separate": Field("单列"), "parts": Field("构成"), "ranked": Field("排名"),
    "signers_default": Field("签字人为系统默认"), "exhaustive": Field("仅限所列类别"), "source": Field("资金来源"),
    "min_per_team": Field("每队每年不少于", YUAN_YEAR), "custody": Field("资金管理"), "by_kind": Field("按工作队类型", YUAN_YEAR),
    "by_host": Field("按驻点", YUAN_YEAR), "host_notes": Field("驻点说明"), "per_person": Field("按人头", "元/人/年"),
    "custody_by_kind": Field("资金管理（按类型）"), "hard": Field("硬性"), "min_per_month": Field("每月至少", "次"),
    "weekly": Field("每周填写"), "monthly_summary": Field("每月小结"), "team": Field("工作队"), "member": Field("队员"),
    "per_year": Field("每年至少", "篇"), "physical_exam": Field("每年体检"), "accident_insurance": Field("人身意外伤害保险"),
    "county_leaders_meeting": Field("县级队长会议"), "presence_check": Field("在岗调度"),
    "min_per_term": Field("每任期至少", "次"), "level": Field("组织层级"), "households": Field("结对户数", "户"),
    "visits_per_quarter": Field("每季度走访", "次"), "with_on_duty_registration": Field("随到岗登记"),
    "leaders_per_year": Field("队长每年", "次"), "first_secretaries_per_year": Field("第一书记每年", "次"),
    "systematic_per_cadre": Field("每人系统培训", "次"), "all_members_per_year": Field("全体队员每年", "次"),
    "ledger": Field("工作台账"), "annual_summary_due": Field("年度总结报送截止"),
    "approved_leave": Field("经批准的请假"), "role": Field("审核"), "holds_approval": Field("未安排接替前不得批准"),
    "province": Field("省派", YUAN_DAY), "exempt_categories": Field("不适用于"), "requirement": Field("要求"),
    # assessment (issue 10)
    "graders": Field("评定"), "consulted": Field("征求意见"), "eligibility": Field("参加考核人员"),
    "min_share": Field("低于此比例召回"), "key": Field("项目"), "weight": Field("权重"),
    # personnel cases (issue 11)
    "proposers": Field("提出"), "stages": Field("审批环节"), "filings": Field("备案"),
    "successor_required": Field("须选派接替人员到岗后结案"), "requires_steps": Field("召回前须先"),
    "consequences": Field("处理"), "flag_grounds": Field("召回提示对应情形（序号）"),
    # duties (issue 13)
    "to": Field("工作队报送"), "member_to": Field("队员报送"), "insurance_by": Field("保险购买"),
}

KEY_FIELDS = {
    "subsidy.meal_per_day": {"amount": Field("标准", YUAN_DAY)},
    "subsidy.transport_per_day": {"amount": Field("标准", YUAN_DAY)},
    "subsidy.communication_per_day": {"amount": Field("标准", YUAN_DAY)},
    "subsidy.communication_monthly": {"amount": Field("标准", YUAN_MONTH)},
    "subsidy.work_allowance_monthly": {"amount": Field("标准", YUAN_MONTH)},
    "subsidy.living_per_day": {"amount": Field("标准", YUAN_DAY)},
    "team.size_min": {"min": Field("最少", "人")},
    "team.composition": {"categories": Field("每队配备", "人")},
    "selection.age_max": {"max": Field("不超过", "周岁")}, "selection.leader_age_max": {"max": Field("不超过", "周岁")},
    "selection.member_age_max": {"max": Field("不超过", "周岁")},
    "assessment.min_months_stationed": {"months": Field("当年驻村满", "个月")},
    "assessment.annual": {"months": Field("考核月份")},
    "duties.team_meeting": {"every": Field("工作队例会")},
    "duties.reports": {"annual_summary_due": Field("年度总结报送截止")},
    "duties.training": {"level": Field("组织层级")},
    "attendance.required_days": {"basis": Field("考核口径")},
}

# Codes inside values.
CODES = {
    **{r.value: r.label for r in Role},
    # team kinds and posts
    "town": "驻镇帮镇扶村工作队", "village": "驻村工作队", "township": "驻乡工作队", "industry": "产业指导组",
    "leader": "队长", "member": "队员", "industry_instructor": "产业指导员", "first_secretary": "第一书记",
    "all": "全体人员", "any": "不限",
    # checks
    "full_party_member": "须为正式党员", "category_in": "人员类别须在编",
    "from_team_unit": "派出单位须为工作队成员单位", "age_max": "年龄上限", "rank_min": "职级下限",
    "party_member_preferred": "优先选派党员", "party_years_min": "党龄下限", "work_years_min": "工作经历下限",
    "leader_is_first_secretary": "队长由第一书记兼任", "hard": "硬性（必须/不得）", "soft": "原则上（可记录理由）",
    # ranks, levels, cadre categories
    "deputy_section": "副科级", "section": "正科级", "middle_manager": "中层干部", "central": "中央",
    "province": "省级", "city": "市级", "county": "县级", "not_city": "非市直",
    "civil_servant": "公务员", "selected_graduate": "选调生", "public_institution": "事业单位", "soe": "国有企业", "university": "高校",
    "tech_commissioner": "科技特派员", "sanzhi_yifu": "“三支一扶”人员", "graduate_volunteer": "高校毕业生志愿者",
    "financial_assistant": "金融助理", "rotation": "轮换", "adjustment": "调整",
    # terms
    "none": "不调整", "term_end_assessment": "期满考核", "handover": "工作交接", "dispatch_unit_request": "派出单位申请",
    "reasons": "说明理由", "qualified_replacement": "有合格接替人选", "township_party_committee": "乡镇党委",
    "city_agriculture_committee": "市农业农村委", "county_agri_committee": "县农业农村委",
    "county_agri_bureau": "县农业农村局", "county_rural_office": "县委农办", "report_roster_after": "调整后报送人员台账",
    # attendance
    "statutory_working_days": "按法定工作日", "fixed": "固定天数", "fraction_of_month": "按当月天数比例",
    "year_average": "按本年度截至当月的月平均", "excused": "从应驻村天数中扣除，不计为未达标",
    "counts_against": "不从应驻村天数中扣除",
    "on_duty": "在岗", "official_business": "因公外出", "leave": "请假", "rest": "休息", "absent": "缺勤",
    "name": "姓名", "phone": "联系电话", "status": "当日去向", "photo": "照片", "post": "职务", "pledges": "承诺事项",
    # leave, inspections
    "sms": "短信", "written": "书面", "week": "每周", "month": "每月", "quarter": "每季度", "half_year": "每半年",
    "year": "每年", "term": "任期内累计", "notice": "通报", "recall_candidate": "召回",
    # personnel cases (issue 11)
    "recall": "召回", "replacement": "中途更换", "criticism": "批评教育", "admonition": "诫勉谈话",
    "no_award": "不得评先评优", "no_promotion": "不得提拔使用", "personnel_file": "记入本人档案",
    "attendance": "考勤", "inspection": "督查", "assessment": "考核", "poll": "满意度测评",
    # assessment
    "excellent": "优秀", "competent": "称职", "basically_competent": "基本称职", "incompetent": "不称职",
    "common": "共性指标", "individual": "个性指标",
    "posted": "期内在岗驻村干部", "term_ends": "期内任期届满的驻村干部", "total": "评定分值",
    # subsidies and funds
    "receipt": "按票据金额", "per_km": "按里程", "county_finance": "县级财政", "city_finance": "市级财政",
    "experts_planning": "专家规划", "equipment": "设备", "printing": "印刷", "labour": "劳务",
    "study_training": "考察培训", "office_supplies": "办公生活用品", "publicity": "宣传", "meetings_training": "会议培训",
    "archives": "档案", "meals_hospitality": "餐饮招待", "personal": "个人费用", "other": "其他",
}


# Codes whose words differ in one key ("township" is a team kind elsewhere, the township keeper here).
KEY_CODES = {
    "attendance.recorder": {"township": "乡镇（街道）党（工）委"},
    "leave.emergency_channels": {"phone": "电话"},
    "leave.in_advance": {"phone": "电话"},
}


def key_label(key: str) -> str:
    if key in KEYS:
        return KEYS[key]
    for prefix, label in PREFIXES.items():
        if key.startswith(prefix):
            rest = key[len(prefix):]
            if prefix == "term.end_grounds.":
                return f"{label}：{ {'term_end': '任期届满', 'recall': '召回'}.get(rest, CODES.get(rest, rest)) }"
            return label
    return key


def field_of(key: str, name: str) -> Field | None:
    return KEY_FIELDS.get(key, {}).get(name) or FIELDS.get(name)


def _is_number(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | Decimal):
        return True
    try:
        Decimal(str(value))
        return isinstance(value, str) and any(ch.isdigit() for ch in value)
    except InvalidOperation:
        return False


def words(value, unit: str = "", codes: dict | None = None) -> str:
    """One value in words: codes become Chinese, booleans 是/否, None 不限, numbers get the unit."""
    codes = CODES | (codes or {})
    if value is None and unit.startswith("元"):
        return OPEN_RATE  # a rate the regulation leaves open: a run that needs it refuses (rate_missing)
    if value is None:
        return "不限"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        if len(value) == 2 and all(v is None or isinstance(v, int) for v in value) and unit:
            low, high = value
            if high is None:
                return f"至少{low}{unit}"
            return f"{low}{unit}" if low == high else f"{low}–{high}{unit}"
        return "、".join(words(v, codes=codes) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{codes.get(k, k)}：{words(v, unit, codes)}" for k, v in value.items())
    if _is_number(value):
        return f"{value}{unit}"
    return f"{codes.get(value, value)}{unit}"


def _stage(roles) -> str:
    names = "与".join(CODES.get(r, r) for r in roles)
    return f"{names}共同审批" if len(roles) > 1 else f"{names}审批"


def _route(value: dict) -> list[str]:
    low, high = value.get("min_days") or 1, value.get("max_days")
    if high is None:
        days = "不限天数" if low == 1 else f"{low}天（含）以上"
    else:
        days = f"{high}天（含）以内" if low == 1 else f"{low}–{high}天"
    applies = value.get("applies_to") or {}
    who = []
    if applies.get("role") not in (None, "any"):
        who.append(CODES.get(applies["role"], applies["role"]))
    if applies.get("dispatch_level") not in (None, "any"):
        level = applies["dispatch_level"]
        who.append({"city": "市直单位选派", "not_city": "非市直单位选派"}.get(level, f"{CODES.get(level, level)}单位选派"))
    line = f"{'、'.join(who) + '，' if who else ''}{days}：{' → '.join(_stage(s) for s in value.get('stages', []))}"
    lines = [line]
    if value.get("filings"):
        lines.append("备案：" + "、".join(CODES.get(r, r) for r in value["filings"]))
    if value.get("interpretation"):
        lines.append("读法：" + value["interpretation"])
    return lines


def _check(value: dict) -> list[str]:
    name = value.get("check")
    applies = "、".join(CODES.get(r, r) for r in value.get("applies_to", []))
    params = []
    for field, v in value.items():
        if field in ("check", "severity", "applies_to"):
            continue
        f = FIELDS.get(field) or Field(field)
        unit = {"max": "周岁", "years": "年"}.get(field, f.unit)
        if isinstance(v, bool):
            params.append(f.label if v else f"{f.label}：否")
        elif field in ("max", "min", "years"):
            params.append(f"{'不超过' if field == 'max' else '不低于' if field == 'min' else '不少于'}{words(v, unit)}")
        else:
            params.append(f"{f.label}：{words(v, unit)}")
    return [f"{CODES.get(name, name)}（{applies}）" + ("：" + "；".join(params) if params else ""),
            f"性质：{CODES.get(value.get('severity'), value.get('severity'))}"]


def _case_route(value: dict) -> list[str]:
    """A personnel-case route (issue 11): who proposes, the stages, filings, successor, steps, consequences."""
    applies = value.get("applies_to") or {}
    who = []
    if applies.get("dispatch_level") not in (None, "any"):
        level = applies["dispatch_level"]
        who.append({"city": "市直单位选派", "not_city": "非市直单位选派"}.get(level, f"{CODES.get(level, level)}单位选派"))
    if applies.get("served_under_years"):
        who.append(f"服务不足{applies['served_under_years']}年")
    lines = [f"{'、'.join(who) + '：' if who else ''}"
             f"{'、'.join(CODES.get(r, r) for r in value.get('proposers', []))}提出 → "
             + " → ".join(_stage(s) for s in value.get("stages", []))]
    if value.get("filings"):
        lines.append("备案：" + "、".join(CODES.get(r, r) for r in value["filings"]))
    if value.get("requires_steps"):
        lines.append("召回前须先：" + "或".join(CODES.get(r, r) for r in value["requires_steps"]))
    if value.get("successor_required"):
        lines.append("派出单位选派接替人员到岗后结案")
    for c in value.get("consequences", []):
        years = c.get("years")
        span = "当年" if years == 0 else "长期" if years is None else f"{years}年内"
        lines.append(f"处理：{span}{CODES.get(c['kind'], c['kind'])}")
    return lines


def value_lines(key: str, value) -> list[str]:
    """A row's value in words, one line per field."""
    if key.startswith("leave.route.") and isinstance(value, dict):
        return _route(value)
    if key.startswith("case.route.") and isinstance(value, dict):
        return _case_route(value)
    if isinstance(value, dict) and "check" in value:
        return _check(value)
    if not isinstance(value, dict):
        return [words(value)]
    codes = KEY_CODES.get(key)
    lines = []
    if key == "term.years" and "years" in value:
        value = dict(value)
        lines.append(f"{'不少于' if value.pop('minimum', False) else ''}{value.pop('years')}年")
    if "numerator" in value and "denominator" in value:
        lines.append(f"每月{value['numerator']}/{value['denominator']}以上时间")
    for name, v in value.items():
        f = field_of(key, name) or Field(name)
        if name in ("numerator", "denominator"):
            continue
        if name == "max_share" and _is_number(v):
            lines.append(f"{f.label}：{(Decimal(str(v)) * 100).normalize():f}%")
        elif isinstance(v, bool) and f.unit == "":
            lines.append(f.label if v else f"{f.label}：否")
        elif name == "steps" and isinstance(v, list):
            lines.append("；".join(f"第{s.get('count')}次起：{CODES.get(s.get('kind'), s.get('kind'))}" for s in v))
        elif name == "applies_to" and isinstance(v, dict):
            lines.append(f"{f.label}：{words(v, codes=codes)}")
        else:
            lines.append(f"{f.label}：{words(v, f.unit, codes)}")
    return lines


def section_of(key: str) -> str:
    return key.split(".", 1)[0]


def grouped(values) -> list[dict]:
    """[(section label, [row, ...])] for PolicyValues, sections in POLICY.md order, keys sorted inside."""
    order = list(SECTIONS)
    out: dict[str, list] = {}
    for pv in sorted(values, key=lambda pv: (order.index(section_of(pv.key)) if section_of(pv.key) in order
                                             else len(order), pv.key)):
        out.setdefault(section_of(pv.key), []).append({"key": pv.key, "pv": pv, **describe(pv.key, pv.value)})
    return [{"title": SECTIONS.get(section, section), "rows": rows} for section, rows in out.items()]


def describe(key: str, value) -> dict:
    """{label, lines} for one row; the page and the pack export show these."""
    return {"label": key_label(key), "lines": value_lines(key, value)}
