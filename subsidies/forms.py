"""Forms of the finance page (never hand-parsed POST)."""

from datetime import date

from django import forms

from config.inputs import year_in_range


class RunForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(queryset=None, to_field_name="code", label="辖区",
                                          error_messages={"invalid_choice": "请选择辖区。", "required": "请选择辖区。"})
    month = forms.CharField(label="月份", error_messages={"required": "请选择月份。"})

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions

    def clean_month(self) -> date:
        raw = self.cleaned_data["month"]
        try:
            y, m = raw.split("-")[:2]
            if not year_in_range(int(y)):  # 0000-01, 9999-12
                raise ValueError
            return date(int(y), int(m), 1)
        except ValueError:
            raise forms.ValidationError("月份格式应为 YYYY-MM。") from None
