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
