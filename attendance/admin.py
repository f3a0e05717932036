from django.contrib import admin

from .models import AttendanceSheet, DailyRecord, DiaryEntry, Flag, Inspection


@admin.register(DailyRecord)
class DailyRecordAdmin(admin.ModelAdmin):
    list_display = ["cadre", "date", "status", "source", "township"]
    list_filter = ["status", "source", "jurisdiction"]
    raw_id_fields = ["cadre", "township", "recorded_by"]
    date_hierarchy = "date"


@admin.register(AttendanceSheet)
class AttendanceSheetAdmin(admin.ModelAdmin):
    list_display = ["township", "month", "confirmed_by", "confirmed_at"]
    raw_id_fields = ["township", "confirmed_by"]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["cadre", "date", "level", "result", "reprimand"]
    raw_id_fields = ["cadre", "recorded_by"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["cadre", "kind", "rule_ref", "source", "created_at"]
    raw_id_fields = ["cadre", "inspection"]


@admin.register(DiaryEntry)
class DiaryEntryAdmin(admin.ModelAdmin):
    list_display = ["cadre", "date", "kind", "duty_area"]
    raw_id_fields = ["cadre"]


# ---- duties (issue 13): read-only lists; writes go through the services ----
from .models import BoardProfile, DutyRecord, MonitoredHousehold  # noqa: E402


@admin.register(DutyRecord)
class DutyRecordAdmin(admin.ModelAdmin):
    list_display = ["kind", "date", "cadre", "team", "household", "rule_ref"]
    list_filter = ["kind", "jurisdiction"]
    raw_id_fields = ["cadre", "team", "household", "recorded_by"]
    date_hierarchy = "date"


@admin.register(MonitoredHousehold)
class MonitoredHouseholdAdmin(admin.ModelAdmin):
    list_display = ["name", "cadre", "paired_on", "ended_on"]
    raw_id_fields = ["cadre", "village", "created_by"]


@admin.register(BoardProfile)
class BoardProfileAdmin(admin.ModelAdmin):
    list_display = ["cadre", "updated_at"]
    raw_id_fields = ["cadre"]
