from django.contrib import admin

from .models import CadreAllowanceProfile, Line, Statement, SubsidyRun, Trip


@admin.register(CadreAllowanceProfile)
class CadreAllowanceProfileAdmin(admin.ModelAdmin):
    list_display = ["cadre", "communication_paid_by_unit", "transport_allowance_paid", "updated_at"]
    raw_id_fields = ["cadre"]


@admin.register(Trip)
class TripAdmin(admin.ModelAdmin):
    list_display = ["cadre", "date", "basis", "amount", "rule_ref", "statement"]
    raw_id_fields = ["cadre", "team", "statement", "created_by"]


@admin.register(SubsidyRun)
class SubsidyRunAdmin(admin.ModelAdmin):
    list_display = ["jurisdiction", "month", "status", "progress", "statement_count", "total", "created_at"]
    readonly_fields = [f.name for f in SubsidyRun._meta.fields]


class LineInline(admin.TabularInline):
    model = Line
    extra = 0
    readonly_fields = ["kind", "quantity", "rate", "amount", "rule_ref", "note", "for_month", "base_kind", "jurisdiction"]
    can_delete = False


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    """Read-only: an issued statement never changes."""

    list_display = ["cadre", "month", "dispatch_unit", "paid_days", "total"]
    readonly_fields = [f.name for f in Statement._meta.fields]
    inlines = [LineInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
