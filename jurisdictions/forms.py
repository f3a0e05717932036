from django import forms
from django.utils import timezone

from config.inputs import year_in_range

from .errors import InvalidInput


def parse_month(value: str | None) -> tuple[int, int]:
    """'YYYY-MM' (default: this month) → (year, month); anything else is a clear 400."""
    if not value:
        today = timezone.localdate()
        return today.year, today.month
    try:
        year_s, month_s = value.split("-")
        year, month = int(year_s), int(month_s)
        if len(year_s) != 4 or not 1 <= month <= 12 or not year_in_range(year):  # 0000-01, 9999-12: 400
            raise ValueError
    except ValueError:
        raise InvalidInput("月份格式应为 YYYY-MM。", code="bad_month") from None
    return year, month


class PolicyVersionForm(forms.Form):
    """A new version of one rule (the policy page, jurisdiction admins). Existing versions are never edited."""

    key = forms.ChoiceField(label="规则")
    effective_from = forms.DateField(label="生效日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    value = forms.JSONField(label="取值（JSON，格式同现行版本）", widget=forms.Textarea(attrs={"rows": 6, "cols": 72}))
    rule_ref = forms.CharField(label="依据条款（留空沿用原条款，如 ganzhou art.27）", max_length=64, required=False)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))
    reason = forms.CharField(label="新增原因", max_length=255)

    def __init__(self, *args, keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        from .policy_labels import key_label

        self.fields["key"].choices = [(k, f"{key_label(k)}（{k}）") for k in keys]


class JurisdictionCreateForm(forms.Form):
    """A new county (superuser): the tenant and its first jurisdiction admin."""

    code = forms.SlugField(label="代码（英文小写，如 wuyuan）", max_length=32)
    name = forms.CharField(label="名称（如 婺源县）", max_length=64)
    level = forms.ChoiceField(label="层级", choices=[("county", "县"), ("district", "区"), ("city", "市")])
    effective_from = forms.DateField(label="驻村管理文件施行日期",
                                     widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    document = forms.CharField(label="依据文件（文号及标题）", max_length=200, required=False)
    admin_username = forms.CharField(label="首个辖区管理员用户名", max_length=150)
    admin_password = forms.CharField(label="初始密码（至少8位）", min_length=8, widget=forms.PasswordInput)


class PolicyImportForm(forms.Form):
    """Upload a pack (step 1: its diff is shown, nothing saved), then confirm (step 2: the same pack is saved)."""

    file = forms.FileField(label="政策包文件（JSON，可先导出其他辖区的政策包再修改）", required=False)
    pack = forms.CharField(required=False, widget=forms.HiddenInput)
    effective_from = forms.DateField(label="生效日期",
                                     widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    reason = forms.CharField(label="原因（生效日期早于今天时必填）", max_length=255, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("pack"):
            raise forms.ValidationError("请选择政策包文件。")
        return data

    def pack_text(self) -> str:
        f = self.cleaned_data.get("file")
        return f.read().decode("utf-8", errors="replace") if f else self.cleaned_data["pack"]
