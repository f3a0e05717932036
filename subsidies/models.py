"""Allowances (POLICY.md §8): trips home, monthly runs, statements and their lines.

A statement is issued once per cadre and month and never recomputed in place; a later correction
is an `adjustment` line in a later month's statement, pointing at the month it corrects (`for_month`)."""

from django.conf import settings
from django.db import models

from jurisdictions.models import DispatchUnit, Jurisdiction, OrgUnit
from teams.models import Cadre, Team


class LineKind(models.TextChoices):
    MEAL = "meal", "伙食补助"
    LIVING = "living", "生活补助"
    WORK_ALLOWANCE = "work_allowance", "工作补助"
    TOWNSHIP_ALLOWANCE = "township_allowance", "乡镇工作补贴"
    TRANSPORT = "transport", "交通"
    COMMUNICATION = "communication", "通信"
    ADJUSTMENT = "adjustment", "调整"


class CadreAllowanceProfile(models.Model):
    """Per-cadre facts finance knows and the cadre record does not (Ganzhou art.27)."""

    cadre = models.OneToOneField(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="allowance_profile")
    communication_paid_by_unit = models.BooleanField("派出单位已发通信补贴", default=False)
    transport_allowance_paid = models.BooleanField("已享受交通补贴", default=False)
    note = models.CharField("说明", max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "干部补贴信息"


class Trip(models.Model):
    """One round trip home (往返一次). Paid by the first run that sees it."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="trips")
    team = models.ForeignKey(Team, verbose_name="工作队", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    date = models.DateField("日期")
    basis = models.CharField("计算方式", max_length=16)  # receipt | per_km
    km = models.DecimalField("单程里程", max_digits=7, decimal_places=1, null=True, blank=True)
    amount = models.DecimalField("金额", max_digits=10, decimal_places=2)
    rule_ref = models.CharField("依据条款", max_length=64)
    statement = models.ForeignKey("Statement", null=True, blank=True, on_delete=models.SET_NULL, related_name="trips")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "往返交通"
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["cadre", "date"]), models.Index(fields=["jurisdiction", "statement"])]


class SubsidyRun(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "计算中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name="辖区", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份")  # first day
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField("进度(%)", default=0)
    cadre_count = models.PositiveIntegerField("人数", default=0)
    statement_count = models.PositiveIntegerField("新出具结算单", default=0)
    total = models.DecimalField("金额合计", max_digits=14, decimal_places=2, default=0)
    missing_sheets = models.JSONField("未确认考勤的乡镇", default=list, blank=True)
    policy_on = models.DateField("政策取值日", null=True, blank=True)
    policy_snapshot = models.JSONField(default=dict, blank=True)
    note = models.CharField("说明", max_length=255, blank=True)
    error = models.TextField("错误", blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "补贴核算"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["jurisdiction", "month", "status"])]

    def __str__(self):
        return f"{self.jurisdiction} {self.month:%Y-%m} {self.get_status_display()}"


class Statement(models.Model):
    """A cadre's allowance statement for one month. Issued once; never changed afterwards."""

    run = models.ForeignKey(SubsidyRun, on_delete=models.PROTECT, related_name="statements")
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="subsidy_statements")
    month = models.DateField("月份")
    township = models.ForeignKey(OrgUnit, verbose_name="乡镇", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    dispatch_unit = models.ForeignKey(DispatchUnit, verbose_name="派出单位", on_delete=models.PROTECT, related_name="+")
    paid_days = models.PositiveSmallIntegerField("驻村天数", default=0)
    total = models.DecimalField("合计", max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "补贴结算单"
        ordering = ["month", "cadre_id"]
        constraints = [models.UniqueConstraint(fields=["cadre", "month"], name="statement_one_per_cadre_month")]
        indexes = [models.Index(fields=["jurisdiction", "month", "dispatch_unit"])]


class Line(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    # the statement's jurisdiction, repeated: the distribution column of a large table (docs/SCALING.md)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("项目", max_length=24, choices=LineKind.choices)
    quantity = models.IntegerField("数量")
    rate = models.DecimalField("标准", max_digits=10, decimal_places=2)
    amount = models.DecimalField("金额", max_digits=12, decimal_places=2)
    rule_ref = models.CharField("依据条款", max_length=64)
    note = models.CharField("说明", max_length=255, blank=True)
    # the month and the kind of entitlement this money belongs to; an adjustment points at an earlier month
    for_month = models.DateField()
    base_kind = models.CharField(max_length=24, choices=LineKind.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "补贴明细"
        ordering = ["statement_id", "position", "id"]
        indexes = [models.Index(fields=["for_month", "base_kind"])]
