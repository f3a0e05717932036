"""Bounds on what a user can type (issue 14, "bad input"). Installed once at start-up (config.apps), so that every
serializer and form of every app gets them without each field repeating them:

- a date is ISO `YYYY-MM-DD` in the API (not "20261120") and lies within settings.PORTAL_DATE_MIN..MAX in the API
  and on pages (not 0001-01-01, not 9999-12-31: later arithmetic on such a date overflows);
- a decimal is plain ASCII digits (not full-width "１００", not "1e9", "NaN" or "Infinity") and an amount (2 decimal
  places, no explicit max_value) is at most settings.PORTAL_AMOUNT_MAX;
- a month parameter's year lies within the same bounds (`year_in_range`).
Refusals are the fields' own validation errors: the API answers 400 `invalid` with `errors`, forms show the message."""

import re
from datetime import date
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
PLAIN_DECIMAL = re.compile(r"[+-]?\d+(\.\d+)?", re.ASCII)


def date_bounds() -> tuple[date, date]:
    return date.fromisoformat(str(settings.PORTAL_DATE_MIN)), date.fromisoformat(str(settings.PORTAL_DATE_MAX))


def year_in_range(year: int) -> bool:
    low, high = date_bounds()
    return low.year <= year <= high.year


def amount_max() -> Decimal:
    return Decimal(str(settings.PORTAL_AMOUNT_MAX))


def _date_message() -> str:
    low, high = date_bounds()
    return f"日期应在 {low:%Y-%m-%d} 至 {high:%Y-%m-%d} 之间。"


def _amount_message() -> str:
    return f"金额不能超过 {amount_max():.2f}。"


def _is_amount(field) -> bool:
    return field.decimal_places == 2 and field.max_value is None


def install() -> None:
    if getattr(serializers.DateField, "_portal_bounded", False):
        return

    drf_date = serializers.DateField.to_internal_value

    def date_to_internal_value(self, value):
        if isinstance(value, str) and not ISO_DATE.fullmatch(value.strip()):
            self.fail("invalid", format="YYYY-MM-DD")
        day = drf_date(self, value)
        low, high = date_bounds()
        if not low <= day <= high:
            raise serializers.ValidationError(_date_message(), code="date_out_of_range")
        return day

    drf_decimal = serializers.DecimalField.to_internal_value

    def decimal_to_internal_value(self, data):
        if isinstance(data, str) and not PLAIN_DECIMAL.fullmatch(data.strip()):
            self.fail("invalid")
        if isinstance(data, float) and (data != data or data in (float("inf"), float("-inf"))):
            self.fail("invalid")
        value = drf_decimal(self, data)
        if _is_amount(self) and abs(value) > amount_max():
            raise serializers.ValidationError(_amount_message(), code="amount_too_large")
        return value

    form_date = forms.DateField.to_python

    def form_date_to_python(self, value):
        day = form_date(self, value)
        if day is not None:
            low, high = date_bounds()
            if not low <= day <= high:
                raise DjangoValidationError(_date_message(), code="date_out_of_range")
        return day

    form_decimal = forms.DecimalField.to_python

    def form_decimal_to_python(self, value):
        if isinstance(value, str) and value.strip() and not PLAIN_DECIMAL.fullmatch(value.strip()):
            raise DjangoValidationError(self.error_messages["invalid"], code="invalid")
        number = form_decimal(self, value)
        if number is not None and self.decimal_places == 2 and self.max_value is None and abs(number) > amount_max():
            raise DjangoValidationError(_amount_message(), code="amount_too_large")
        return number

    serializers.DateField.to_internal_value = date_to_internal_value
    serializers.DecimalField.to_internal_value = decimal_to_internal_value
    forms.DateField.to_python = form_date_to_python
    forms.DecimalField.to_python = form_decimal_to_python
    serializers.DateField._portal_bounded = True
