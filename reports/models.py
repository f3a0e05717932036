"""Stored monthly reports (issue 12). A report is a snapshot: each (re)generation is a new `MonthlyReport` whose
rows are written in the same transaction that marks it done, so a killed worker leaves no half version.
Dashboards read these rows, never the raw tables."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from jurisdictions.models import Jurisdiction, OrgUnit
from teams.models import Cadre, Team


class MonthlyReport(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        DONE = "done", "已生成"
        FAILED = "failed", "失败"

    class Trigger(models.TextChoices):
        BEAT = "beat", "每月1日自动生成"
        MANUAL = "manual", "手动生成"

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name="辖区", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份")  # first day
    version = models.PositiveIntegerField("版本", null=True, blank=True)  # set when done: 1, 2, …
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    trigger = models.CharField("生成方式", max_length=16, choices=Trigger.choices, default=Trigger.MANUAL)
    # the beat's key ("2026-11"): a retried or doubled beat creates one report per jurisdiction and month
    beat_key = models.CharField(max_length=16, blank=True)
    totals = models.JSONField("合计", default=dict, blank=True)
    extras = models.JSONField("分项", default=dict, blank=True)  # leave by route, spending by category, sheets
    error = models.TextField("错误", blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    generated_at = models.DateTimeField("生成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "月度报告"
        ordering = ["-month", "-version", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "month", "version"], condition=Q(version__isnull=False),
                                    name="monthlyreport_one_per_version"),
            models.UniqueConstraint(fields=["jurisdiction", "month", "beat_key"], condition=~Q(beat_key=""),
                                    name="monthlyreport_one_per_beat"),
        ]
        indexes = [models.Index(fields=["jurisdiction", "month", "status"])]

    def __str__(self):
        return f"{self.jurisdiction} {self.month:%Y-%m} v{self.version or '-'}"


FIGURES = [
    # (field, Chinese header) — the same keys at every level and in the totals
    ("cadres", "驻村干部数"),
    ("teams", "工作队数"),
    ("counted_days", "计入天数"),
    ("required_days", "应驻天数"),
    ("compliant", "达标人数"),
    ("non_compliant", "未达标人数"),
    ("on_duty_days", "在岗天数"),
    ("recorded_days", "已录考勤天数"),
    ("leave_requests", "请假次数"),
    ("leave_days", "请假天数"),
    ("inspections", "督查次数"),
    ("unexcused_absences", "无故脱岗次数"),
    ("flags", "通报与召回提示"),
    ("diaries", "工作日志篇数"),
    ("diaries_missing", "本月无日志人数"),
    ("allowance_total", "补贴合计(元)"),
    ("fund_budget", "经费预算(元)"),
    ("fund_spent", "经费支出(元)"),
    ("sheets_unconfirmed", "考勤未确认乡镇数"),
]
FIGURE_KEYS = [k for k, _ in FIGURES]
# Figures a month cannot have yet are null ("missing"), not zero: counted/required/compliance need the township's
# confirmed sheet, the allowance needs a finished subsidy run.
NULLABLE = {"counted_days", "required_days", "compliant", "non_compliant", "allowance_total"}
# "assessments graded" joins FIGURES (and the SQL in services.py, marked ASSESSMENTS) once the assessment app
# (issue 10) is merged.


class ReportRow(models.Model):
    class Level(models.TextChoices):
        JURISDICTION = "jurisdiction", "辖区"
        COUNTY = "county", "县(区)"
        TOWNSHIP = "township", "乡镇"
        TEAM = "team", "工作队"
        CADRE = "cadre", "干部"

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="rows")
    level = models.CharField("层级", max_length=16, choices=Level.choices)
    name = models.CharField("名称", max_length=100)
    # A snapshot's references: PROTECT in Django (the ORM refuses to delete a unit, team or cadre a report names), but
    # no database constraint: a province month writes 100,000+ rows at once, and the deferred foreign-key checks
    # (one key-share row lock per row and reference at commit) cost more than the report itself (issue 12, scale)
    county = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               db_constraint=False)
    township = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 db_constraint=False)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             db_constraint=False)
    cadre = models.ForeignKey(Cadre, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              db_constraint=False)
    path = models.CharField(max_length=255, blank=True)  # the township's org path, for scoping

    cadres = models.IntegerField(default=0)
    teams = models.IntegerField(default=0)
    counted_days = models.IntegerField(null=True)
    required_days = models.IntegerField(null=True)
    compliant = models.IntegerField(null=True)
    non_compliant = models.IntegerField(null=True)
    on_duty_days = models.IntegerField(default=0)
    recorded_days = models.IntegerField(default=0)
    leave_requests = models.IntegerField(default=0)
    leave_days = models.IntegerField(default=0)
    inspections = models.IntegerField(default=0)
    unexcused_absences = models.IntegerField(default=0)
    flags = models.IntegerField(default=0)
    diaries = models.IntegerField(default=0)
    diaries_missing = models.IntegerField(default=0)
    allowance_total = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    fund_budget = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    fund_spent = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    sheets_unconfirmed = models.IntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "月报明细"
        ordering = ["report_id", "level", "name", "id"]
        indexes = [models.Index(fields=["report", "level"]), models.Index(fields=["report", "township"]),
                   models.Index(fields=["report", "team"])]

    @property
    def on_duty_rate(self):
        if self.counted_days is None or not self.required_days:
            return None
        return round(100 * self.counted_days / self.required_days, 1)

    def figures(self) -> dict:
        return {k: getattr(self, k) for k in FIGURE_KEYS}
