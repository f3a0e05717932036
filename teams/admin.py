from django.contrib import admin

from .models import Cadre, Handover, Membership, RuleOverride, Team


@admin.register(Cadre)
class CadreAdmin(admin.ModelAdmin):
    list_display = ("name", "jurisdiction", "dispatch_unit", "category", "rank", "station")
    list_filter = ("jurisdiction", "category")
    search_fields = ("name", "id_number", "phone")
    raw_id_fields = ("user", "dispatch_unit", "station")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "jurisdiction", "kind", "host_unit", "term_start", "term_end", "ended_on")
    list_filter = ("jurisdiction", "kind")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Read-only here: memberships change through the pages, which apply the rules and audit."""

    list_display = ("cadre", "team", "role", "first_secretary", "start_date", "end_date", "end_kind")
    list_filter = ("role", "end_kind")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(RuleOverride)
class RuleOverrideAdmin(admin.ModelAdmin):
    list_display = ("membership", "code", "rule_ref", "reason", "overridden_by", "created_at")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Handover)
class HandoverAdmin(admin.ModelAdmin):
    """Read-only here: handovers are recorded through the team page or the API, which check and audit them."""

    list_display = ("membership", "successor", "date", "jurisdiction", "recorded_by", "recorded_at")
    list_filter = ("jurisdiction",)
    raw_id_fields = ("membership", "successor")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
