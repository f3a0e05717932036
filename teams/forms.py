"""Django forms for the personnel-case pages (issue 11). Choices come from the policy in force."""

from django import forms


class CaseStartForm(forms.Form):
    """Step 1: whose case and what kind (the grounds depend on both)."""

    cadre = forms.ModelChoiceField(queryset=None, label="干部", empty_label="请选择")
    kind = forms.ChoiceField(label="类型", choices=[("recall", "召回"), ("adjustment", "调整"),
                                                    ("replacement", "中途更换")])

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres


class CaseForm(forms.Form):
    """Step 2: the ground from the policy's list, the facts, a successor where one is named now."""

    ground = forms.ChoiceField(label="情形")
    note = forms.CharField(label="事实与理由", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    successor = forms.ModelChoiceField(queryset=None, label="接替人员（可稍后由派出单位安排）", required=False,
                                       empty_label="暂不指定")

    def __init__(self, *args, grounds, successors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = [(g["code"], f"{g['code']}. {g['label']}") for g in grounds]
        self.fields["successor"].queryset = successors


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "同意"), ("reject", "不同意")], widget=forms.HiddenInput)
    comment = forms.CharField(label="意见", required=False, max_length=2000)


class SuccessorForm(forms.Form):
    cadre = forms.ModelChoiceField(queryset=None, label="接替人员", empty_label="请选择")
    start_date = forms.DateField(label="到岗日期", widget=forms.DateInput(attrs={"type": "date"}))
    override_reason = forms.CharField(label="软性条件不符时的理由", required=False, max_length=1000)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = candidates


class WarningForm(forms.Form):
    kind = forms.ChoiceField(label="方式", choices=[("criticism", "批评教育"), ("admonition", "诫勉谈话")])
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="情况", required=False, max_length=2000)


# ---- team and cadre pages: shape only (the selection, term and end-ground rules stay in the services) ----------

DATE_ERRORS = {"required": "请填写日期。", "invalid": "日期格式应为 年-月-日。"}
CHOICE_ERRORS = {"required": "请选择。", "invalid_choice": "请选择有效的选项。"}


def _date_input(**attrs):
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


def _choice(label, choices, **kwargs):
    return forms.ChoiceField(label=label, choices=choices, error_messages=CHOICE_ERRORS, **kwargs)


class TeamForm(forms.Form):
    """组建工作队: the host and the units are the user's own (selectors scoped to the user)."""

    name = forms.CharField(label="名称", required=False, max_length=100,
                           widget=forms.TextInput(attrs={"placeholder": "如：××村驻村工作队"}),
                           error_messages={"max_length": "名称不超过100字。"})
    kind = _choice("类型", ())
    host_unit = forms.ModelChoiceField(queryset=None, label="驻点", empty_label="请选择", error_messages={
        "required": "请选择驻点。", "invalid_choice": "驻点不存在或不在您的管理范围内。"})
    dispatch_level = _choice("派出层级", ())
    lead_unit = forms.ModelChoiceField(queryset=None, label="牵头单位", required=False, empty_label="—",
                                       error_messages={"invalid_choice": "牵头单位不存在或不在您的管理范围内。"})
    member_units = forms.ModelMultipleChoiceField(
        queryset=None, label="成员单位（可多选）", required=False, widget=forms.SelectMultiple(attrs={"size": 6}),
        error_messages={"invalid_choice": "成员单位不存在或不在您的管理范围内。", "invalid_pk_value": "请选择有效的成员单位。"})
    term_start = forms.DateField(label="任期开始", required=False, widget=_date_input(required=True),
                                 error_messages=DATE_ERRORS)
    term_end = forms.DateField(label="任期结束（不填按政策任期计算）", required=False, widget=_date_input(),
                               error_messages=DATE_ERRORS)

    def __init__(self, *args, hosts, units, **kwargs):
        from jurisdictions.models import DispatchUnit

        from .models import Team

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Team.Kind.choices
        self.fields["dispatch_level"].choices = DispatchUnit.Level.choices
        self.fields["host_unit"].queryset = hosts
        self.fields["host_unit"].label_from_instance = lambda u: " · ".join(
            [u.jurisdiction.name] + ([u.parent.name] if u.parent_id else []) + [u.name])
        self.fields["lead_unit"].queryset = units
        self.fields["member_units"].queryset = units


class MemberForm(forms.Form):
    """选派队员: a cadre of the team's jurisdiction not on another team, a village of the team's township."""

    cadre = forms.ModelChoiceField(queryset=None, label="干部", empty_label="请选择（未在其他工作队任职的干部）",
                                   error_messages={"required": "请选择干部。",
                                                   "invalid_choice": "该干部不可选派：不在本辖区您的管理范围内或已在其他工作队任职。"})
    role = _choice("角色", (), initial="member")
    first_secretary = forms.BooleanField(label="驻村第一书记", required=False)
    village = forms.ModelChoiceField(queryset=None, label="任职村", required=False, empty_label="—",
                                     error_messages={"invalid_choice": "任职村须是本工作队所在乡镇的村。"})
    start_date = forms.DateField(label="到岗日期", widget=_date_input(required=True), error_messages=DATE_ERRORS)
    override_reason = forms.CharField(label="例外理由（不符合“原则上/一般/优先”类条件时填写，将记录填写人和时间）",
                                      required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                                      error_messages={"max_length": "理由不超过1000字。"})

    def __init__(self, *args, candidates, villages, **kwargs):
        from .models import Membership

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = Membership.Role.choices
        self.fields["cadre"].queryset = candidates
        self.fields["cadre"].label_from_instance = (
            lambda c: f"{c.name} · {c.dispatch_unit.name} · {c.get_rank_display()}")
        self.fields["village"].queryset = villages


class MemberEndForm(forms.Form):
    """办理离队: the way and the ground from the policy's lists (which ground fits which way: the service)."""

    kind = _choice("离岗方式", ())
    ground = _choice("事由", ())
    end_date = forms.DateField(label="离岗日期", widget=_date_input(required=True), error_messages=DATE_ERRORS)
    note = forms.CharField(label="说明", required=False, max_length=1000,
                           error_messages={"max_length": "说明不超过1000字。"})

    def __init__(self, *args, grounds: dict, **kwargs):
        """`grounds`: end kind → (grounds, rule_ref) from the policy in force (services.end_grounds)."""
        from .models import Membership

        kwargs.setdefault("auto_id", False)  # one form per member row: no duplicate ids on the page
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Membership.EndKind.choices
        self.fields["ground"].choices = [(g, g) for pair in grounds.values() for g in pair[0]]


class HandoverForm(forms.Form):
    """工作交接: the date, the successor among the team's current members (or none), what was handed over. Whether
    the record is allowed (dates, jurisdiction, a second one) is the service's to say. The successors come in as
    cadres already loaded (the team page has one form per member: no query per form)."""

    date = forms.DateField(label="交接日期", widget=_date_input(required=True), error_messages=DATE_ERRORS)
    successor = forms.TypedChoiceField(label="接手人员", required=False, coerce=int, empty_value=None,
                                       error_messages={"invalid_choice": "接手人员须为本工作队的在岗队员。"})
    items = forms.CharField(label="交接内容", max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 2, "placeholder": "工作台账、档案资料、在办事项等"}),
                            error_messages={"required": "请填写交接内容。", "max_length": "交接内容不超过4000字。"})

    def __init__(self, *args, successors, **kwargs):
        kwargs.setdefault("auto_id", False)  # one form per member row: no duplicate ids on the page
        super().__init__(*args, **kwargs)
        self._successors = {c.pk: c for c in successors}
        self.fields["successor"].choices = [("", "无（不设接替人员）")] + [
            (c.pk, c.name) for c in self._successors.values()]

    def clean_successor(self):
        pk = self.cleaned_data["successor"]
        return None if pk is None else self._successors[pk]


class CadreForm(forms.Form):
    """登记干部: the unit is one the user sees; the id number, ages and uniqueness are checked by the service."""

    name = forms.CharField(label="姓名", max_length=64, error_messages={
        "required": "请填写姓名。", "max_length": "姓名不超过64字。"})
    gender = _choice("性别", ())
    birth_date = forms.DateField(label="出生日期", widget=_date_input(required=True), error_messages={
        **DATE_ERRORS, "required": "请填写出生日期。"})
    id_number = forms.CharField(label="身份证号", required=False, max_length=18,
                                error_messages={"max_length": "身份证号为18位。"})
    party_status = _choice("政治面貌", ())
    party_joined_on = forms.DateField(label="入党时间", required=False, widget=_date_input(),
                                      error_messages=DATE_ERRORS)
    work_started_on = forms.DateField(label="参加工作时间", required=False, widget=_date_input(),
                                      error_messages=DATE_ERRORS)
    rank = _choice("职级", ())
    reserve_cadre = forms.BooleanField(label="后备干部", required=False)
    category = _choice("人员类别", ())
    dispatch_unit = forms.ModelChoiceField(queryset=None, label="派出单位", empty_label="请选择", error_messages={
        "required": "请选择派出单位。", "invalid_choice": "派出单位不存在或不在您的管理范围内。"})
    dispatch_level = _choice("派出层级", (), required=False)
    phone = forms.CharField(label="联系电话", required=False, max_length=20,
                            error_messages={"max_length": "联系电话不超过20位。"})
    self_driving = forms.BooleanField(label="自驾往返", required=False)

    def __init__(self, *args, units, **kwargs):
        from jurisdictions.models import DispatchUnit

        from .models import Cadre

        super().__init__(*args, **kwargs)
        for field, choices in (("gender", Cadre.Gender.choices), ("party_status", Cadre.PartyStatus.choices),
                               ("rank", Cadre.Rank.choices), ("category", Cadre.Category.choices)):
            self.fields[field].choices = choices
        self.fields["dispatch_level"].choices = [("", "同派出单位"), *DispatchUnit.Level.choices]
        self.fields["dispatch_unit"].queryset = units
        self.fields["dispatch_unit"].label_from_instance = lambda u: f"{u.jurisdiction.name} · {u.name}"

    def service_data(self) -> dict:
        """The cadre's fields as services.cadre_create takes them (the level defaults to the unit's)."""
        data = dict(self.cleaned_data)
        data["dispatch_level"] = data["dispatch_level"] or data["dispatch_unit"].level
        return data


class RosterImportForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(queryset=None, label="辖区", to_field_name="code", empty_label=None,
                                          error_messages={"required": "请选择辖区。",
                                                          "invalid_choice": "辖区不存在或不在您的管理范围内。"})
    file = forms.FileField(label="文件", widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
                           error_messages={"required": "请上传 .xlsx 文件。", "empty": "上传的文件是空的。"})

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions
