from django.contrib import admin

from .models import LeaveApproval, LeaveFiling, LeaveRequest


class ApprovalInline(admin.TabularInline):
    model = LeaveApproval
    extra = 0
    readonly_fields = ["stage", "role", "status", "decided_by", "decided_at", "comment"]


class FilingInline(admin.TabularInline):
    model = LeaveFiling
    extra = 0
    readonly_fields = ["role", "rule_ref", "filed_at"]


@admin.register(LeaveRequest)
class LeaveRequestAdmin(admin.ModelAdmin):
    """Read-only here: every change goes through the services (audit, locking, attendance)."""

    list_display = ["id", "cadre", "kind", "start_date", "end_date", "days", "status", "rule_ref", "route_is_default"]
    list_filter = ["jurisdiction", "status", "kind"]
    search_fields = ["cadre__name"]
    inlines = [ApprovalInline, FilingInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
