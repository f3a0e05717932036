"""Working funds (工作经费): accounts per team and year, expenditures, dual signatures (双签), receipts.

Nothing here is ever deleted: a voided signature keeps its row with `voided_at`, a rejected expenditure
keeps its row with the reason; every change is also in the audit log.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q

from jurisdictions.models import Jurisdiction
from teams.models import Team


class Category(models.TextChoices):
    EXPERTS_PLANNING = "experts_planning", "专家规划"
    EQUIPMENT = "equipment", "设备"
    PRINTING = "printing", "印刷"
    LABOUR = "labour", "劳务"
    STUDY_TRAINING = "study_training", "考察培训"
    OFFICE_SUPPLIES = "office_supplies", "办公生活用品"
    PUBLICITY = "publicity", "宣传"
    MEETINGS_TRAINING = "meetings_training", "会议培训"
    ARCHIVES = "archives", "档案"
    MEALS_HOSPITALITY = "meals_hospitality", "餐饮招待"
    PERSONAL = "personal", "个人费用"
    OTHER = "other", "其他"


class Source(models.TextChoices):
    COUNTY_FINANCE = "county_finance", "县级财政"
    CITY_FINANCE = "city_finance", "市级财政"
    DISPATCH_UNIT = "dispatch_unit", "派出（帮扶）单位"
    OTHER = "other", "其他"


class FundAccount(models.Model):
    """One source of working funds for one team and one year."""

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name="辖区", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, verbose_name="工作队", on_delete=models.PROTECT, related_name="fund_accounts")
    year = models.PositiveSmallIntegerField("年度")
    source = models.CharField("经费来源", max_length=24, choices=Source.choices)
    amount = models.DecimalField("预算金额", max_digits=12, decimal_places=2)
    proposed_amount = models.DecimalField("政策建议金额", max_digits=12, decimal_places=2, null=True, blank=True)
    budget_rule_ref = models.CharField("依据条款", max_length=64, blank=True)
    note = models.CharField("说明", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "经费账户"
        ordering = ["-year", "team_id", "source"]
        constraints = [models.UniqueConstraint(fields=["team", "year", "source"],
                                               name="fundaccount_unique_team_year_source")]

    def __str__(self):
        return f"{self.team} {self.year}年 {self.get_source_display()}"


class Expenditure(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待签批"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "已驳回"

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name="辖区", on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(FundAccount, verbose_name="经费账户", on_delete=models.PROTECT,
                                related_name="expenditures")
    amount = models.DecimalField("金额", max_digits=12, decimal_places=2)
    category = models.CharField("类别", max_length=24, choices=Category.choices)
    payee = models.CharField("收款方", max_length=100)
    description = models.TextField("用途说明", blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    required_signers = models.JSONField("须签字角色", default=list)
    signers_rule_ref = models.CharField("双签依据", max_length=64, blank=True)
    signers_default = models.BooleanField("签字人为系统默认", default=False)
    warnings = models.JSONField("提示", default=list, blank=True)
    policy_snapshot = models.JSONField(default=dict, blank=True)
    revision = models.PositiveIntegerField("修改次数", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    rejected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reject_reason = models.TextField("驳回理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "经费支出"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "status"])]

    def __str__(self):
        return f"{self.payee} {self.amount}"

    @property
    def is_decided(self) -> bool:
        return self.status != self.Status.PENDING


class Signature(models.Model):
    """One signer's 签字. Voided (never deleted) when amount, payee or category change."""

    expenditure = models.ForeignKey(Expenditure, on_delete=models.PROTECT, related_name="signature_rows")
    role = models.CharField("签字角色", max_length=32)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签字人", on_delete=models.PROTECT,
                             related_name="+")
    signed_at = models.DateTimeField("签字时间", auto_now_add=True)
    revision = models.PositiveIntegerField("签字时版本", default=0)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    void_reason = models.CharField("作废原因", max_length=255, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "签字"
        ordering = ["signed_at", "id"]
        constraints = [
            # one live signature per role, and a person signs an expenditure once (两人双签)
            models.UniqueConstraint(fields=["expenditure", "role"], condition=Q(voided_at__isnull=True),
                                    name="signature_one_live_per_role"),
            models.UniqueConstraint(fields=["expenditure", "user"], condition=Q(voided_at__isnull=True),
                                    name="signature_one_live_per_user"),
        ]


def receipt_path(instance, filename: str) -> str:
    ext = PurePosixPath(filename).suffix.lower()[:10]
    return f"funds/receipts/{instance.expenditure.jurisdiction_id}/{instance.expenditure_id}/{uuid.uuid4().hex}{ext}"


class Receipt(models.Model):
    expenditure = models.ForeignKey(Expenditure, on_delete=models.PROTECT, related_name="receipts")
    file = models.FileField("票据文件", upload_to=receipt_path, max_length=255)
    name = models.CharField("原文件名", max_length=255)
    size = models.PositiveIntegerField("大小(字节)")
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "票据"
        ordering = ["uploaded_at", "id"]
