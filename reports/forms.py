from datetime import date

from django import forms

LEVELS = [("jurisdiction", "辖区"), ("county", "县(区)"), ("township", "乡镇"), ("team", "工作队"), ("cadre", "干部")]


class DashboardFilter(forms.Form):
    jurisdiction = forms.ChoiceField(label="辖区", required=False)
    month = forms.RegexField(label="月份", regex=r"^\d{4}-\d{2}$", required=False,
                             widget=forms.TextInput(attrs={"type": "month"}))
    level = forms.ChoiceField(choices=LEVELS, required=False, widget=forms.HiddenInput)
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, jurisdictions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = [(j.code, j.name) for j in jurisdictions]


class GenerateForm(forms.Form):
    jurisdiction = forms.CharField()
    month = forms.RegexField(regex=r"^\d{4}-\d{2}$")

    def __init__(self, *args, jurisdictions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.jurisdictions = {j.code: j for j in jurisdictions}

    def clean(self):
        data = super().clean()
        j = self.jurisdictions.get(data.get("jurisdiction"))
        if j is None:
            raise forms.ValidationError("辖区不存在。")
        data["jurisdiction_obj"] = j
        if data.get("month"):
            y, m = data["month"].split("-")
            try:
                data["month_date"] = date(int(y), int(m), 1)
            except ValueError:
                raise forms.ValidationError("月份格式应为 YYYY-MM。") from None
        return data
