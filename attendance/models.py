"""Daily attendance records and the township's monthly sheet (POLICY.md §4)."""

from django.conf import settings
from django.db import models

from jurisdictions.models import Jurisdiction, OrgUnit
from teams.models import Cadre

from .storage import private_storage


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
    # A soft required-days rule (fengdu art.9 原则上) accepts a shortfall only with a recorded reason:
    # {cadre_id: {"reason": ..., "counted_days": n, "required_days": m, "rule_ref": ...}}
    shortfall_reasons = models.JSONField("未达原则要求的原因", default=dict, blank=True)
    # Cadres below a hard required-days rule or with unrecorded working days, as shown to (and acknowledged by)
    # the confirming keeper: [{"cadre": id, "name": ..., "counted_days": n, "required_days": m,
    # "unrecorded_working_days": k, "rule_ref": ...}]
    shortfall_acknowledged = models.BooleanField("已核对未达标情况", default=False)
    acknowledged_shortfalls = models.JSONField("确认时未达标人员", default=list, blank=True)
    # Where the policy asks for it (fengdu art.9/art.20: 报县乡村振兴局审核后), the county reviews the confirmed sheet
    # before a subsidy run pays it; an unreviewed sheet counts as missing.
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "月度考勤表"
        constraints = [models.UniqueConstraint(fields=["township", "month"], name="sheet_one_per_township_month")]

    def __str__(self):
        return f"{self.township} {self.month:%Y-%m}"


class Inspection(models.Model):
    """督查/抽查 of one cadre on one day (POLICY.md §6)."""

    class Level(models.TextChoices):
        TOWNSHIP = "township", "乡镇"
        COUNTY = "county", "县级"
        CITY = "city", "市级"
        PROVINCE = "province", "省级"

    class Result(models.TextChoices):
        PRESENT = "present", "在岗"
        ABSENT_EXCUSED = "absent_excused", "有因离岗"
        ABSENT_UNEXCUSED = "absent_unexcused", "无故脱岗"

    class Reprimand(models.TextChoices):
        NONE = "", "无"
        SELF_CRITICISM = "self_criticism", "责令书面检查"
        ADMONITION = "admonition", "诫勉谈话"

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="inspections")
    date = models.DateField("督查日期")
    level = models.CharField("督查层级", max_length=16, choices=Level.choices)
    result = models.CharField("结果", max_length=20, choices=Result.choices)
    reprimand = models.CharField("处理", max_length=20, choices=Reprimand.choices, blank=True, default="")
    note = models.CharField("备注", max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    policy_snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "督查记录"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["cadre", "date"]), models.Index(fields=["jurisdiction", "date"])]

    def __str__(self):
        return f"{self.cadre} {self.date} {self.get_result_display()}"


class Flag(models.Model):
    """A consequence a rule raised: 通报 (notice) or 召回 candidate, with the article it came from.
    `key` makes raising idempotent (one flag per inspection, one per cadre-year-ground for attendance)."""

    class Kind(models.TextChoices):
        NOTICE = "notice", "通报"
        RECALL_CANDIDATE = "recall_candidate", "召回"

    class Source(models.TextChoices):
        INSPECTION = "inspection", "督查"
        ATTENDANCE = "attendance", "考勤"
        ASSESSMENT = "assessment", "考核"  # 不称职 at publish (linfen art.9(五)3, fengdu art.17, ganzhou art.22)
        POLL = "poll", "民主测评"  # a poll below the threshold (linfen art.9(五)6)

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    rule_ref = models.CharField("依据条款", max_length=64)
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="flags")
    key = models.CharField(max_length=100)
    detail = models.CharField("说明", max_length=255, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "通报与召回提示"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["cadre", "kind", "key"], name="flag_once_per_key")]

    def __str__(self):
        return f"{self.cadre} {self.get_kind_display()} {self.rule_ref}"


class DiaryEntry(models.Model):
    """工作日志 entry, or the month's summary (qujiang art.17)."""

    class Kind(models.TextChoices):
        ENTRY = "entry", "日志"
        MONTHLY_SUMMARY = "monthly_summary", "月度小结"

    class DutyArea(models.TextChoices):
        GROUP_STUDY = "group_study", "集中学习"
        TEAM_MEETING = "team_meeting", "工作例会"
        HOUSEHOLD_VISIT = "household_visit", "走访结对户"
        PROJECT = "project", "项目与产业"
        PARTY_BUILDING = "party_building", "基层党建"
        GOVERNANCE = "governance", "乡村治理"
        REPORT = "report", "调研与报告"
        TRAINING = "training", "培训"
        OTHER = "other", "其他"

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="diary_entries")
    date = models.DateField("日期")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.ENTRY)
    duty_area = models.CharField("工作类别", max_length=20, choices=DutyArea.choices, default=DutyArea.OTHER)
    content = models.TextField("内容")
    photo = models.FileField("照片", upload_to="diary/%Y/%m/", blank=True)
    created_at = models.DateTimeField("填写时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作日志"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["cadre", "date"]), models.Index(fields=["jurisdiction", "date"])]
        constraints = [models.UniqueConstraint(fields=["cadre", "date"], condition=models.Q(kind="monthly_summary"),
                                               name="diary_one_summary_per_month")]

    def __str__(self):
        return f"{self.cadre} {self.date}"


# ---- duties (issue 13, POLICY.md §10) -----------------------------------------------------------------

class DutyKind(models.TextChoices):
    GROUP_STUDY = "group_study", "集中学习"
    TEAM_MEETING = "team_meeting", "工作例会"
    COUNTY_MEETING = "county_meeting", "县级队长会议"
    TRAINING = "training", "培训"
    PHYSICAL_EXAM = "physical_exam", "健康体检"
    INSURANCE = "insurance", "人身意外伤害保险"
    HOUSEHOLD_VISIT = "household_visit", "走访结对户"
    HALF_YEAR_REPORT = "half_year_report", "半年工作报告"
    RESEARCH_REPORT = "research_report", "调研报告"
    ANNUAL_SUMMARY = "annual_summary", "年度工作总结"


class MonitoredHousehold(models.Model):
    """A 三类监测对象 household a cadre is paired with (ganzhou art.11)."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(Cadre, verbose_name="结对干部", on_delete=models.PROTECT, related_name="households")
    name = models.CharField("户主姓名", max_length=64)
    village = models.ForeignKey(OrgUnit, verbose_name="所在村", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    note = models.CharField("备注", max_length=255, blank=True)
    paired_on = models.DateField("结对日期")
    ended_on = models.DateField("解除结对日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "结对监测户"
        ordering = ["cadre_id", "id"]

    def __str__(self):
        return f"{self.cadre} 结对 {self.name}"


class DutyRecord(models.Model):
    """A duty done: a personal one names the cadre, a team one the team; a visit names the household."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("事项", max_length=24, choices=DutyKind.choices)
    cadre = models.ForeignKey(Cadre, verbose_name="干部", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="duty_records")
    team = models.ForeignKey("teams.Team", verbose_name="工作队", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="duty_records")
    household = models.ForeignKey(MonitoredHousehold, verbose_name="结对户", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="visits")
    date = models.DateField("日期")
    note = models.CharField("说明", max_length=500, blank=True)
    file = models.FileField("附件", upload_to="duties/%Y/%m/", blank=True, storage=private_storage)
    rule_ref = models.CharField("依据条款", max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "履职记录"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["jurisdiction", "kind", "date"]),
                   # the overdue list reads a jurisdiction's records since a date, of every kind (duties_selectors)
                   models.Index(fields=["jurisdiction", "date"], name="dutyrecord_jur_date")]
        constraints = [models.CheckConstraint(condition=models.Q(cadre__isnull=False) | models.Q(team__isnull=False),
                                              name="dutyrecord_names_cadre_or_team")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date}"


class DutyDigest(models.Model):
    """One reminder digest per person per day: the unique constraint makes the daily task idempotent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField("日期")
    items = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "履职提醒"
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="dutydigest_once_per_user_day")]


class BoardProfile(models.Model):
    """What a cadre publishes on the whereabouts board beyond name and phone, where the policy's board lists it
    (fengdu art.8: 履职承诺, 连同其照片、姓名、职务、联系方式 … 公开公示)."""

    cadre = models.OneToOneField(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="board_profile")
    photo = models.FileField("照片", upload_to="board/%Y/", blank=True)
    pledges = models.TextField("履职承诺", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "公示照片与承诺"

    def __str__(self):
        return f"{self.cadre} 公示信息"


def _board_token() -> str:
    import secrets

    return secrets.token_urlsafe(24)


class BoardLink(models.Model):
    """The unguessable public link of a village's whereabouts board (issue 14: the board was keyed by the
    sequential village id, so anyone could walk every village of every jurisdiction). The township prints it."""

    village = models.OneToOneField(OrgUnit, verbose_name="村", on_delete=models.PROTECT, related_name="board_link")
    token = models.CharField("公开链接令牌", max_length=64, unique=True, default=_board_token, editable=False)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "去向牌公开链接"

    def __str__(self):
        return f"{self.village} 去向牌"
