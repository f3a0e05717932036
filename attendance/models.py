"""Daily attendance records and the township's monthly sheet (POLICY.md §4)."""

from django.conf import settings
from django.db import models

from jurisdictions.models import Jurisdiction, OrgUnit
from teams.models import Cadre


class Status(models.TextChoices):
    ON_DUTY = "on_duty", "在岗"
    OFFICIAL_BUSINESS = "official_business", "因公外出"
    LEAVE = "leave", "请假"
    REST = "rest", "休息"
    ABSENT = "absent", "缺勤"


class DailyRecord(models.Model):
    """One cadre, one day. `township` is where the cadre was kept on that day, so a sheet stays stable
    after the cadre moves."""

    class Source(models.TextChoices):
        CLERK = "clerk", "考勤员录入"
        CHECK_IN = "check_in", "本人打卡"
        TEAM_LEADER = "team_leader", "队长录入"
        FIRST_SECRETARY = "first_secretary", "第一书记录入"
        LEAVE = "leave", "请假审批"

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="attendance")
    township = models.ForeignKey(OrgUnit, verbose_name="乡镇", on_delete=models.PROTECT, related_name="+")
    date = models.DateField("日期")
    status = models.CharField("状态", max_length=20, choices=Status.choices)
    note = models.CharField("备注", max_length=255, blank=True)
    source = models.CharField("来源", max_length=20, choices=Source.choices, default=Source.CLERK)
    leave_request_id = models.BigIntegerField(null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "考勤记录"
        constraints = [models.UniqueConstraint(fields=["cadre", "date"], name="dailyrecord_one_per_cadre_day")]
        indexes = [
            models.Index(fields=["township", "date"]),
            models.Index(fields=["jurisdiction", "date"]),
        ]

    def __str__(self):
        return f"{self.cadre} {self.date} {self.get_status_display()}"


class AttendanceSheet(models.Model):
    """A township's confirmed (locked) month. Exists only once confirmed; later edits answer 409."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey(OrgUnit, verbose_name="乡镇", on_delete=models.PROTECT, related_name="sheets")
    month = models.DateField("月份")  # the first day of the month
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", on_delete=models.PROTECT,
                                     related_name="+")
    confirmed_at = models.DateTimeField("确认时间", auto_now_add=True)
    policy_snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "月度考勤表"
        constraints = [models.UniqueConstraint(fields=["township", "month"], name="sheet_one_per_township_month")]

    def __str__(self):
        return f"{self.township} {self.month:%Y-%m}"
