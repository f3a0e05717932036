"""Page forms for attendance: shape only (a date is a date, a choice is one of the choices, a cadre is one the user
may see). The rules (who keeps whose attendance, future dates, inspection levels by role) stay in the services."""

from django import forms

from .models import DiaryEntry, Inspection, Status

DATE_ERRORS = {"required": "请填写日期。", "invalid": "日期格式应为 年-月-日。"}
CHOICE_ERRORS = {"required": "请选择。", "invalid_choice": "请选择有效的选项。"}


def _date_input(**attrs):
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


class CheckInForm(forms.Form):
    """The phone's 在岗 tap: the browser's location if the cadre allowed it (both or none)."""

    latitude = forms.DecimalField(label="纬度", required=False, min_value=-90, max_value=90, max_digits=12,
                                  decimal_places=9, error_messages={
                                      "invalid": "纬度格式有误。", "min_value": "纬度超出范围。",
                                      "max_value": "纬度超出范围。", "max_digits": "纬度格式有误。",
                                      "max_decimal_places": "纬度格式有误。", "max_whole_digits": "纬度格式有误。"})
    longitude = forms.DecimalField(label="经度", required=False, min_value=-180, max_value=180, max_digits=12,
                                   decimal_places=9, error_messages={
                                       "invalid": "经度格式有误。", "min_value": "经度超出范围。",
                                       "max_value": "经度超出范围。", "max_digits": "经度格式有误。",
                                       "max_decimal_places": "经度格式有误。", "max_whole_digits": "经度格式有误。"})


class CellForm(forms.Form):
    """One cell of the monthly grid (htmx): a cadre the user may see, a day, a status (blank: no change asked)."""

    cadre = forms.ModelChoiceField(queryset=None, label="干部", error_messages={
        "required": "请选择干部。", "invalid_choice": "干部不存在或不在您的管理范围内。"})
    date = forms.DateField(label="日期", error_messages=DATE_ERRORS)
    status = forms.ChoiceField(label="考勤状态", choices=Status.choices, error_messages={
        "required": "请选择考勤状态。", "invalid_choice": "未知的考勤状态。"})
    note = forms.CharField(label="备注", required=False, max_length=255,
                           error_messages={"max_length": "备注不超过255字。"})

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres


class ConfirmForm(forms.Form):
    """The township confirms (locks) its month; `reason_<cadre id>` fields are added for the cadres listed below the
    required days (the service decides whose reasons it needs)."""

    township = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput, error_messages={
        "required": "请选择乡镇。", "invalid_choice": "乡镇不存在或不在您的管理范围内。"})
    month = forms.RegexField(regex=r"^\d{4}-\d{2}$", required=False, widget=forms.HiddenInput,
                             error_messages={"invalid": "月份格式应为 年-月。"})
    acknowledge_shortfall = forms.BooleanField(label="已知悉并确认上述不足", required=False)

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships
        for key in (self.data or {}):
            if key.startswith("reason_") and key.removeprefix("reason_").isdigit():
                self.fields[key] = forms.CharField(label="低于要求的理由", required=False, max_length=500,
                                                   error_messages={"max_length": "理由不超过500字。"})

    @property
    def reasons(self) -> dict[str, str]:
        return {k.removeprefix("reason_"): v for k, v in self.cleaned_data.items() if k.startswith("reason_")}


class DiaryForm(forms.Form):
    date = forms.DateField(label="日期", widget=_date_input(required=True), error_messages=DATE_ERRORS)
    kind = forms.ChoiceField(label="类型", choices=DiaryEntry.Kind.choices, initial=DiaryEntry.Kind.ENTRY,
                             error_messages=CHOICE_ERRORS)
    duty_area = forms.ChoiceField(label="工作类别", choices=DiaryEntry.DutyArea.choices,
                                  initial=DiaryEntry.DutyArea.OTHER, error_messages=CHOICE_ERRORS)
    content = forms.CharField(label="内容", max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 4, "style": "width:100%"}),
                              error_messages={"required": "请填写日志内容。", "max_length": "内容不超过5000字。"})
    photo = forms.FileField(label="照片（可选）", required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))


class InspectionForm(forms.Form):
    cadre = forms.ModelChoiceField(queryset=None, label="干部", empty_label="请选择干部", error_messages={
        "required": "请选择干部。", "invalid_choice": "干部不存在或不在您的管理范围内。"})
    date = forms.DateField(label="日期", widget=_date_input(required=True), error_messages=DATE_ERRORS)
    level = forms.ChoiceField(label="层级", choices=Inspection.Level.choices, error_messages=CHOICE_ERRORS)
    result = forms.ChoiceField(label="结果", choices=Inspection.Result.choices, error_messages=CHOICE_ERRORS)
    reprimand = forms.ChoiceField(label="处理", choices=Inspection.Reprimand.choices, required=False,
                                  error_messages=CHOICE_ERRORS)
    note = forms.CharField(label="备注", required=False, max_length=1000,
                           error_messages={"max_length": "备注不超过1000字。"})

    def __init__(self, *args, cadres, **kwargs):
        """`cadres`: the user's cadres (selectors.inspection_cadres)."""
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres
        self.fields["cadre"].label_from_instance = cadre_where


def cadre_where(c) -> str:
    """"name · village / team" from the prefetched memberships (see selectors.inspection_cadres)."""
    m = next((m for m in c.memberships.all() if m.end_date is None), None)
    where = f"{m.village.name if m.village_id else m.team.host_unit.name} / {m.team.name}" if m else "未在岗"
    return f"{c.name} · {where}"
