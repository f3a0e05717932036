"""Admin: read and correct through the services only; nothing here is deleted (append-only history)."""

from django.contrib import admin

from .models import Expenditure, FundAccount, Receipt, Signature


class NoDelete(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FundAccount)
class FundAccountAdmin(NoDelete):
    list_display = ["team", "year", "source", "amount", "budget_rule_ref"]
    list_filter = ["jurisdiction", "year", "source"]


@admin.register(Expenditure)
class ExpenditureAdmin(NoDelete):
    list_display = ["id", "account", "amount", "category", "payee", "status", "signers_rule_ref"]
    list_filter = ["jurisdiction", "status", "category"]

    def has_change_permission(self, request, obj=None):
        return False  # edits go through the services, which void signatures and audit


@admin.register(Signature)
class SignatureAdmin(NoDelete):
    list_display = ["expenditure", "role", "user", "signed_at", "voided_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Receipt)
class ReceiptAdmin(NoDelete):
    list_display = ["expenditure", "name", "size", "uploaded_by", "uploaded_at"]
