from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from guardian.admin import GuardedModelAdmin

from .models import (
    AuditEvent,
    CalendarDay,
    DispatchUnit,
    Jurisdiction,
    Notification,
    OrgUnit,
    PolicyRow,
    RoleGrant,
    User,
)
from .services import (
    calendar_day_set,
    dispatch_unit_create,
    org_unit_create,
    org_unit_delete,
    org_unit_update,
    policy_row_add,
    role_grant_create,
    role_grant_revoke,
)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ("username", "display_name", "jurisdiction", "is_active", "is_superuser")
    list_filter = ("jurisdiction", "is_active")
    fieldsets = UserAdmin.fieldsets + (("驻村通", {"fields": ("jurisdiction", "display_name")}),)


@admin.register(Jurisdiction)
class JurisdictionAdmin(GuardedModelAdmin):
    list_display = ("code", "name", "level", "document")


@admin.register(OrgUnit)
class OrgUnitAdmin(GuardedModelAdmin):
    list_display = ("name", "kind", "jurisdiction", "parent", "town_type")
    list_filter = ("jurisdiction", "kind")
    search_fields = ("name",)
    readonly_fields = ("path",)

    # Every write goes through the services (issue 14): a unit made here once got an empty path, and a grant on
    # it matched every tenant. Its place in the tree is fixed once created; only name and town type change.
    def get_readonly_fields(self, request, obj=None):
        return ("jurisdiction", "kind", "parent", "path") if obj is not None else ("path",)

    def save_model(self, request, obj, form, change):
        if change:
            org_unit_update(actor=request.user, unit=obj, name=obj.name, town_type=obj.town_type)
            return
        unit = org_unit_create(actor=request.user, jurisdiction=obj.jurisdiction, kind=obj.kind, name=obj.name,
                               parent=obj.parent, town_type=obj.town_type)
        obj.pk, obj.path = unit.pk, unit.path

    def delete_model(self, request, obj):
        org_unit_delete(actor=request.user, unit=obj)

    def delete_queryset(self, request, queryset):
        for unit in queryset.order_by("-path"):  # children before their parents
            org_unit_delete(actor=request.user, unit=unit)


@admin.register(DispatchUnit)
class DispatchUnitAdmin(GuardedModelAdmin):
    list_display = ("name", "level", "jurisdiction")
    list_filter = ("jurisdiction", "level")
    search_fields = ("name",)

    def get_readonly_fields(self, request, obj=None):
        return ("jurisdiction", "name", "level") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing editable: a dispatch unit is created through the service, never rewritten
        unit = dispatch_unit_create(actor=request.user, jurisdiction=obj.jurisdiction, name=obj.name, level=obj.level)
        obj.pk = unit.pk

    def has_delete_permission(self, request, obj=None):
        return False  # grants, cadres and money hang on it


@admin.register(PolicyRow)
class PolicyRowAdmin(admin.ModelAdmin):
    """Adding a version is the only change: existing rows are read-only so history stays true."""

    list_display = ("jurisdiction", "key", "effective_from", "rule_ref", "is_default", "created_by", "created_at")
    list_filter = ("jurisdiction", "is_default")
    search_fields = ("key", "rule_ref", "note")
    fields = ("jurisdiction", "key", "value", "effective_from", "rule_ref", "note", "is_default")

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        row = policy_row_add(actor=request.user, jurisdiction=obj.jurisdiction, key=obj.key, value=obj.value,
                             effective_from=obj.effective_from, rule_ref=obj.rule_ref, note=obj.note,
                             is_default=obj.is_default)
        obj.pk = row.pk


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_working_day", "name")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        entry = calendar_day_set(actor=request.user, day=obj.date, is_working_day=obj.is_working_day, name=obj.name)
        obj.pk = entry.pk


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "jurisdiction", "org_unit", "dispatch_unit", "granted_by", "created_at")
    list_filter = ("role", "jurisdiction")
    raw_id_fields = ("user", "org_unit", "dispatch_unit")
    fields = ("user", "role", "jurisdiction", "org_unit", "dispatch_unit")

    def has_change_permission(self, request, obj=None):
        return False  # a grant is given or revoked, never edited

    def save_model(self, request, obj, form, change):
        grant = role_grant_create(actor=request.user, user=obj.user, role=obj.role, jurisdiction=obj.jurisdiction,
                                  org_unit=obj.org_unit, dispatch_unit=obj.dispatch_unit)
        obj.pk = grant.pk

    def delete_model(self, request, obj):
        role_grant_revoke(actor=request.user, grant=obj)

    def delete_queryset(self, request, queryset):
        """The bulk "delete selected" action: each grant through the service (audit row, guardian permission
        removed), not one SQL DELETE (issue 14)."""
        for grant in queryset.select_related("user", "jurisdiction", "org_unit", "dispatch_unit"):
            role_grant_revoke(actor=request.user, grant=grant)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Append-only."""

    list_display = ("created_at", "jurisdiction", "actor", "action", "summary")
    list_filter = ("jurisdiction", "action")
    search_fields = ("summary", "action")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Notification)
admin.site.site_header = "驻村通 管理后台"
admin.site.site_title = "驻村通"
