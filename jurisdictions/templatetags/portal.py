"""Template filters shared by every page."""

import re
from functools import lru_cache

from django import template

register = template.Library()

_REF = re.compile(r"^(?P<code>[a-z_]+) (?:(?P<kind>art|sec)\.(?P<num>\S+)|(?P<default>default))$")


@lru_cache(maxsize=1)
def _cached_names() -> dict[str, str]:
    from jurisdictions.models import Jurisdiction

    return dict(Jurisdiction.objects.values_list("code", "name"))


def _names(code: str | None = None) -> dict[str, str]:
    """Jurisdiction names by code; a code created since (a new county, issue 16) reloads them once."""
    names = _cached_names()
    if code is not None and code not in names:
        _cached_names.cache_clear()
        names = _cached_names()
    return names


@register.filter
def rule_label(rule_ref: str | None) -> str:
    """'ganzhou art.17' → '赣州市文件第17条'; 'xinfeng sec.四' → '新丰县文件第四部分';
    'linfen default' → '临汾市：文件未规定，系统默认'. Unknown shapes are shown as they are."""
    if not rule_ref:
        return ""
    m = _REF.match(str(rule_ref).strip())
    if not m:
        return str(rule_ref)
    name = _names(m["code"]).get(m["code"], m["code"])
    if m["default"]:
        return f"{name}：文件未规定，系统默认"
    if m["kind"] == "sec":
        return f"{name}文件第{m['num']}部分"
    return f"{name}文件第{m['num']}条"


_DIGITS = "零一二三四五六七八九"


def _cn_number(n: int) -> str:
    """22 → 二十二, 10 → 十, 105 → 一百零五 (article numbers in formal documents)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    return _DIGITS[n // 100] + "百" + ("" if rest == 0 else ("零" + _DIGITS[rest] if rest < 10 else _cn_number(rest)))


@register.filter
def article_cn(rule_ref: str | None) -> str:
    """The article as a formal document cites it: 'ganzhou art.22' → '第二十二条', 'xinfeng sec.六' → '第六部分';
    a default cites no article ('')."""
    m = _REF.match(str(rule_ref or "").strip())
    if not m or m["default"]:
        return ""
    num = m["num"]
    head = re.match(r"\d+", num)
    if m["kind"] == "sec":
        return f"第{num}部分"
    if head:
        return f"第{_cn_number(int(head.group()))}条{num[head.end():]}"
    return f"第{num}条"


_DOC = re.compile(r"^(?P<number>\S+〔\d{4}〕\d+号)\s*(?P<title>.*?)(?:（文件未载[^）]*）)?$")


@register.filter
def document_title(document: str | None) -> str:
    """A jurisdiction's document field as a formal citation: '赣市办字〔2021〕19号 驻村…办法（试行）（文件未载…）' →
    '《驻村…办法（试行）》（赣市办字〔2021〕19号）' (the portal's own remark about the date is left out)."""
    m = _DOC.match(str(document or "").strip())
    if not m or not m["title"]:
        return str(document or "")
    return f"《{m['title'].strip()}》（{m['number']}）"


_REF_IN_TEXT = re.compile(r"\b[a-z_]+ (?:art\.[^\s）)，。；]+|sec\.[^\s）)，。；]+|default)")


@register.filter
def refs_cn(text: str | None) -> str:
    """Free text (an audit summary, a case log line) with any rule_ref inside it read in Chinese."""
    return _REF_IN_TEXT.sub(lambda m: rule_label(m.group()), str(text or ""))


@register.filter
def money(value) -> str:
    """Yuan with 2 decimals and thousands separators: 12345.6 → '12,345.60'."""
    from decimal import InvalidOperation

    from jurisdictions.money import to_money

    try:
        return f"{to_money(value):,}"
    except (InvalidOperation, ValueError):
        return str(value)


ACTION_LABELS = {
    "attendance.check_in": "本人打卡", "attendance.leave_marked": "请假记入考勤", "attendance.leave_released": "撤销请假考勤",
    "attendance.record": "录入考勤", "attendance.sheet_confirm": "确认月度考勤表",
    "attendance.sheet_review": "县级审核考勤表", "attendance.fill": "批量填写考勤", "flag.notify": "发送通报通知",
    "leave.replacement": "安排接替人员", "cadre.create": "登记干部",
    "cadre.import": "批量导入干部", "cadre.update": "修改干部信息", "calendar_day.set": "设置节假日/调休",
    "diary.create": "填写工作日志", "dispatch_unit.create": "新建派出单位", "expenditure.approve": "经费支出批准",
    "expenditure.create": "新建经费支出", "expenditure.receipt_add": "上传票据", "expenditure.reject": "驳回经费支出",
    "expenditure.sign": "经费支出签字", "expenditure.signatures_voided": "签字作废", "expenditure.update": "修改经费支出",
    "flag.raise": "生成通报/召回提示", "fund_account.open": "开设经费账户", "fund_account.update": "调整经费预算",
    "inspection.record": "录入督查结果", "leave.approve": "批准请假", "leave.cancel": "撤回请假", "leave.file": "请假备案",
    "leave.reject": "驳回请假", "leave.return": "销假", "leave.submit": "提交请假", "leave.written_form": "补办书面手续",
    "membership.add": "选派队员", "membership.term_end": "任期届满离队", "membership.rotation": "轮换离队",
    "membership.adjustment": "调整离队", "membership.recall": "召回", "membership.handover": "工作交接", "org_unit.create": "新建组织单位",
    "policy_row.add": "新增政策规则版本", "role_grant.create": "授予角色", "role_grant.revoke": "撤销角色",
    "subsidy.profile_set": "设置补贴信息", "subsidy.run_create": "发起补贴核算", "subsidy.run_done": "补贴核算完成",
    "subsidy.trip_create": "登记往返交通", "team.create": "组建工作队", "user.create": "新建用户",
    # issues 10–16
    "assessment.grade": "评定考核等次", "assessment.opinion": "提出考核意见", "assessment.poll": "登记民主测评",
    "assessment.score": "录入考评分值", "assessment.self_summary": "提交述职", "assessment_period.open": "开启考核",
    "assessment_period.publish": "公布考核结果", "case.approve": "批准人事案件", "case.file": "人事案件备案",
    "case.open": "提出召回/调整", "case.reject": "驳回人事案件", "case.successor": "接替人员到岗",
    "case.warning": "批评教育/诫勉谈话", "duty.board_profile": "去向牌照片与承诺", "duty.household": "登记结对户",
    "duty.record": "登记履职事项", "jurisdiction.create": "新建辖区", "monthly_report.generate": "生成月度报告",
    "monthly_report.request": "申请生成月度报告", "policy_pack.import": "导入政策包",
}


@register.filter
def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


@register.filter
def policy_key_label(key: str) -> str:
    """"subsidy.living_per_day" → "生活补助"."""
    from jurisdictions.policy_labels import key_label

    return key_label(key)
