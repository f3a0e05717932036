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
