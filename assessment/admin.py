from django.contrib import admin

from .models import Assessment, AssessmentPeriod, Opinion


@admin.register(AssessmentPeriod)
class AssessmentPeriodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "jurisdiction", "kind", "year", "half", "status"]
    list_filter = ["jurisdiction", "kind", "status"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["cadre", "period", "eligible", "grade", "score", "rank"]
    list_filter = ["period__jurisdiction", "grade", "eligible"]
    raw_id_fields = ["cadre", "membership", "township", "period"]


@admin.register(Opinion)
class OpinionAdmin(admin.ModelAdmin):
    list_display = ["assessment", "role", "suggested_grade", "created_at"]
