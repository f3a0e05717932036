"""Template filters shared by every page."""

import re
from functools import lru_cache

from django import template

register = template.Library()

_REF = re.compile(r"^(?P<code>[a-z_]+) (?:(?P<kind>art|sec)\.(?P<num>\S+)|(?P<default>default))$")


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    from jurisdictions.models import Jurisdiction

    return dict(Jurisdiction.objects.values_list("code", "name"))


@register.filter
def rule_label(rule_ref: str | None) -> str:
    """'ganzhou art.17' → '赣州市文件第17条'; 'xinfeng sec.四' → '新丰县文件第四部分';
    'linfen default' → '临汾市：文件未规定，系统默认'. Unknown shapes are shown as they are."""
    if not rule_ref:
        return ""
    m = _REF.match(str(rule_ref).strip())
    if not m:
        return str(rule_ref)
    name = _names().get(m["code"], m["code"])
    if m["default"]:
        return f"{name}：文件未规定，系统默认"
    if m["kind"] == "sec":
        return f"{name}文件第{m['num']}部分"
    return f"{name}文件第{m['num']}条"


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
    "membership.adjustment": "调整离队", "membership.recall": "召回", "org_unit.create": "新建组织单位",
    "policy_row.add": "新增政策规则版本", "role_grant.create": "授予角色", "role_grant.revoke": "撤销角色",
    "subsidy.profile_set": "设置补贴信息", "subsidy.run_create": "发起补贴核算", "subsidy.run_done": "补贴核算完成",
    "subsidy.trip_create": "登记往返交通", "team.create": "组建工作队", "user.create": "新建用户",
}


@register.filter
def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


@register.filter
def policy_key_label(key: str) -> str:
    """"subsidy.living_per_day" → "生活补助"."""
    from jurisdictions.policy_labels import key_label

    return key_label(key)
