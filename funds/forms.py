"""Page forms: shape only; the rules (forbidden categories, balance, signers) stay in the services."""

from decimal import Decimal

from django import forms

from jurisdictions.templatetags.portal import rule_label

from .models import Category


class CategorySelect(forms.Select):
    """Categories the policy forbids are shown, marked and disabled, so nobody picks one only to be refused."""

    def __init__(self, *args, forbidden: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.forbidden = forbidden or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in self.forbidden:
            option["label"] = f"{label}（不得支出，{rule_label(self.forbidden[value])}）"
            option["attrs"]["disabled"] = True
        return option


class ExpenditureForm(forms.Form):
    amount = forms.DecimalField(label="金额（元）", min_value=Decimal("0.01"), max_digits=12, decimal_places=2,
                                error_messages={"invalid": "金额格式有误。", "min_value": "金额须大于0。",
                                                "max_decimal_places": "金额最多两位小数。", "required": "请填写金额。"})
    category = forms.ChoiceField(label="类别", choices=Category.choices)
    payee = forms.CharField(label="收款方", max_length=200, error_messages={"required": "请填写收款方。"})
    description = forms.CharField(label="用途说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, forbidden: dict[str, str] | None = None, **kwargs):
        """`forbidden`: category → the rule_ref that forbids it (funds.forbidden_categories in force)."""
        super().__init__(*args, **kwargs)
        self.fields["category"].widget = CategorySelect(choices=Category.choices, forbidden=forbidden)
        self.fields["amount"].widget.attrs["inputmode"] = "decimal"


class SignForm(forms.Form):
    """The signature in place: the revision the signer saw (a later edit makes the service refuse)."""

    revision = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput,
                                  error_messages={"invalid": "页面已过期，请刷新后再签字。",
                                                  "min_value": "页面已过期，请刷新后再签字。"})


class RejectForm(forms.Form):
    """驳回: the reason (that one is needed is the service's rule)."""

    reason = forms.CharField(label="驳回理由", required=False, max_length=1000,
                             error_messages={"max_length": "驳回理由不超过1000字。"})
