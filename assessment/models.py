"""Assessment periods (annual, semi-annual, term-end), one assessment per cadre, opinions (POLICY.md §7)."""

from django.conf import settings
from django.db import models

from jurisdictions.models import Jurisdiction, OrgUnit
from teams.models import Cadre, Membership


class Kind(models.TextChoices):
    ANNUAL = "annual", "年度考核"
    SEMI_ANNUAL = "semi_annual", "半年综合测评"
    TERM_END = "term_end", "期满考核"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    COMPETENT = "competent", "称职"
    BASICALLY_COMPETENT = "basically_competent", "基本称职"
    INCOMPETENT = "incompetent", "不称职"


class AssessmentPeriod(models.Model):
    """One round of one kind in one jurisdiction (or one county of it). The kind's policy row is kept in
    `policy_snapshot`, so a later change of the rules never rewrites a round already run."""

    class Status(models.TextChoices):
        OPEN = "open", "进行中"
        PUBLISHED = "published", "已公布"

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name="辖区", on_delete=models.PROTECT, related_name="+")
    org_unit = models.ForeignKey(OrgUnit, verbose_name="县（区）", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    year = models.PositiveSmallIntegerField("年度")
    half = models.PositiveSmallIntegerField("半年", null=True, blank=True)
    start = models.DateField("起")
    end = models.DateField("止")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    rule_ref = models.CharField("依据条款", max_length=64)
    quota_max_share = models.DecimalField("优秀比例上限", max_digits=4, decimal_places=2, null=True, blank=True)
    quota_severity = models.CharField("名额性质", max_length=8, blank=True)
    quota_rule_ref = models.CharField(max_length=64, blank=True)
    policy_snapshot = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    published_at = models.DateTimeField("公布时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核批次"
        ordering = ["-year", "-half", "kind", "id"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "org_unit", "kind", "year", "half"],
                                               name="assessment_period_once", nulls_distinct=False)]

    def __str__(self):
        half = f"{'上' if self.half == 1 else '下'}半年" if self.half else ""
        where = self.org_unit.name if self.org_unit_id else self.jurisdiction.name
        return f"{where}{self.year}年{half}{self.get_kind_display()}"

    @property
    def kind_row(self) -> dict:
        return self.policy_snapshot.get("kind", {}).get("value", {})


class Assessment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待评定"
        GRADED = "graded", "已评定"
        INELIGIBLE = "ineligible", "不参加"

    period = models.ForeignKey(AssessmentPeriod, on_delete=models.PROTECT, related_name="assessments")
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="assessments")
    membership = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey(OrgUnit, verbose_name="乡镇", on_delete=models.PROTECT, related_name="+")
    eligible = models.BooleanField("参加考核", default=True)
    ineligible_reason = models.CharField("不参加原因", max_length=255, blank=True)
    rule_ref = models.CharField("依据条款", max_length=64)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    self_summary = models.TextField("述职", blank=True)
    self_summary_at = models.DateTimeField(null=True, blank=True)
    parts = models.JSONField("分项得分", default=dict, blank=True)
    score = models.DecimalField("综合得分", max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField("名次", null=True, blank=True)
    poll_favourable = models.PositiveIntegerField("测评满意票", null=True, blank=True)
    poll_total = models.PositiveIntegerField("测评总票", null=True, blank=True)
    grade = models.CharField("等次", max_length=24, choices=Grade.choices, blank=True)
    grade_comment = models.CharField("评定意见", max_length=500, blank=True)
    grade_rule_ref = models.CharField(max_length=64, blank=True)
    graded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    graded_at = models.DateTimeField("评定时间", null=True, blank=True)
    override_reason = models.CharField("超出名额理由", max_length=500, blank=True)
    override_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    override_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核"
        ordering = ["township_id", "cadre_id"]
        constraints = [models.UniqueConstraint(fields=["period", "cadre"], name="assessment_once_per_period")]
        indexes = [models.Index(fields=["period", "grade"])]

    def __str__(self):
        return f"{self.period} · {self.cadre}"

    @property
    def poll_share(self):
        if not self.poll_total:
            return None
        from decimal import ROUND_HALF_UP, Decimal

        return (Decimal(self.poll_favourable) / Decimal(self.poll_total)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


class Opinion(models.Model):
    """An opinion of a consulted role (township secretary, dispatch unit) with its suggested grade; one per role,
    a later opinion of the same role replaces the text (the audit keeps the earlier one)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="opinions")
    role = models.CharField("角色", max_length=32)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("意见")
    suggested_grade = models.CharField("建议等次", max_length=24, choices=Grade.choices, blank=True)
    created_at = models.DateTimeField("时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核意见"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "role"], name="opinion_once_per_role")]
