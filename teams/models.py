"""Cadres, teams, memberships and the overrides of soft selection rules."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from jurisdictions.models import DispatchUnit, Jurisdiction, OrgUnit


class Cadre(models.Model):
    """驻村干部."""

    class Gender(models.TextChoices):
        MALE = "male", "男"
        FEMALE = "female", "女"

    class PartyStatus(models.TextChoices):
        MEMBER = "member", "正式党员"
        PROBATIONARY = "probationary", "预备党员"
        NONE = "none", "非党员"

    class Rank(models.TextChoices):
        DIVISION = "division", "正处"
        DEPUTY_DIVISION = "deputy_division", "副处"
        SECTION = "section", "正科"
        DEPUTY_SECTION = "deputy_section", "副科"
        STAFF = "staff", "科员"
        CLERK = "clerk", "办事员"
        MIDDLE_MANAGER = "middle_manager", "中层"
        NONE = "none", "无"

    class Category(models.TextChoices):
        CIVIL_SERVANT = "civil_servant", "公务员"
        PUBLIC_INSTITUTION = "public_institution", "事业"
        SOE = "soe", "国企"
        UNIVERSITY = "university", "高校"
        SELECTED_GRADUATE = "selected_graduate", "选调生"
        TECH_COMMISSIONER = "tech_commissioner", "农村科技特派员"
        SANZHI_YIFU = "sanzhi_yifu", "三支一扶"
        GRADUATE_VOLUNTEER = "graduate_volunteer", "高校毕业生志愿者"
        FINANCIAL_ASSISTANT = "financial_assistant", "金融助理"

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name="辖区", on_delete=models.PROTECT, related_name="cadres")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="登录账号", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="cadre",
    )
    name = models.CharField("姓名", max_length=64)
    gender = models.CharField("性别", max_length=8, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    party_status = models.CharField("政治面貌", max_length=16, choices=PartyStatus.choices)
    party_joined_on = models.DateField("入党时间", null=True, blank=True)
    work_started_on = models.DateField("参加工作时间", null=True, blank=True)
    rank = models.CharField("职级", max_length=20, choices=Rank.choices, default=Rank.NONE)
    reserve_cadre = models.BooleanField("后备干部", default=False)
    category = models.CharField("人员类别", max_length=24, choices=Category.choices)
    dispatch_unit = models.ForeignKey(
        DispatchUnit, verbose_name="派出单位", on_delete=models.PROTECT, related_name="cadres"
    )
    dispatch_level = models.CharField("派出层级", max_length=16, choices=DispatchUnit.Level.choices)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    commute_km = models.DecimalField("单程里程(公里)", max_digits=7, decimal_places=1, null=True, blank=True)
    self_driving = models.BooleanField("自驾", default=False)
    # Where the cadre is stationed now (village or township); kept by the membership services so
    # that "cadres of my township" is one indexed filter.
    station = models.ForeignKey(
        OrgUnit, verbose_name="驻点", null=True, blank=True, on_delete=models.SET_NULL, related_name="stationed_cadres"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "驻村干部"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "id_number"], condition=~Q(id_number=""), name="cadre_unique_id_number"
            )
        ]

    def __str__(self):
        return self.name


class Team(models.Model):
    """驻镇/驻乡/驻村工作队, 产业指导组."""

    class Kind(models.TextChoices):
        TOWN = "town", "驻镇工作队"
        TOWNSHIP = "township", "驻乡工作队"
        VILLAGE = "village", "驻村工作队"
        INDUSTRY = "industry", "产业指导组"

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name="辖区", on_delete=models.PROTECT, related_name="teams")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    name = models.CharField("名称", max_length=100)
    host_unit = models.ForeignKey(OrgUnit, verbose_name="驻点", on_delete=models.PROTECT, related_name="teams")
    dispatch_level = models.CharField("派出层级", max_length=16, choices=DispatchUnit.Level.choices)
    lead_unit = models.ForeignKey(
        DispatchUnit, verbose_name="牵头单位", null=True, blank=True, on_delete=models.PROTECT, related_name="led_teams"
    )
    member_units = models.ManyToManyField(DispatchUnit, verbose_name="成员单位", blank=True, related_name="member_teams")
    term_start = models.DateField("任期开始")
    term_end = models.DateField("任期结束", null=True, blank=True)
    term_rule_ref = models.CharField(max_length=64, blank=True)
    ended_on = models.DateField("撤队日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作队"
        ordering = ["id"]

    def __str__(self):
        return self.name

    @property
    def township(self) -> OrgUnit:
        """The township the team belongs to (its host, or the host's parent for a village team)."""
        unit = self.host_unit
        return unit.parent if unit.kind == OrgUnit.Kind.VILLAGE and unit.parent_id else unit


class Membership(models.Model):
    """A cadre's assignment to a team, with its role, term and how it ended."""

    class Role(models.TextChoices):
        LEADER = "leader", "队长"
        MEMBER = "member", "队员"
        INDUSTRY_INSTRUCTOR = "industry_instructor", "产业指导员"

    class EndKind(models.TextChoices):
        TERM_END = "term_end", "任期届满"
        ROTATION = "rotation", "轮换"
        ADJUSTMENT = "adjustment", "调整"
        RECALL = "recall", "召回"

    team = models.ForeignKey(Team, verbose_name="工作队", on_delete=models.PROTECT, related_name="memberships")
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("角色", max_length=24, choices=Role.choices)
    first_secretary = models.BooleanField("驻村第一书记", default=False)
    village = models.ForeignKey(
        OrgUnit, verbose_name="任职村", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField("到岗日期")
    planned_end = models.DateField("任期届满日期", null=True, blank=True)
    term_rule_ref = models.CharField(max_length=64, blank=True)
    end_date = models.DateField("离岗日期", null=True, blank=True)
    end_kind = models.CharField("离岗方式", max_length=16, choices=EndKind.choices, blank=True)
    end_ground = models.CharField("离岗事由", max_length=200, blank=True)
    end_rule_ref = models.CharField(max_length=64, blank=True)
    end_note = models.TextField("说明", blank=True)
    policy_snapshot = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "队员任职"
        ordering = ["team_id", "-role", "start_date", "id"]
        constraints = [
            # everywhere: one active assignment per cadre, one active leader per team (POLICY.md §2)
            models.UniqueConstraint(fields=["cadre"], condition=Q(end_date__isnull=True),
                                    name="membership_one_active_per_cadre"),
            models.UniqueConstraint(fields=["team"], condition=Q(end_date__isnull=True, role="leader"),
                                    name="membership_one_active_leader_per_team"),
        ]

    def __str__(self):
        return f"{self.cadre} @ {self.team} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.end_date is None


class RuleOverride(models.Model):
    """A soft rule (原则上/一般/优先) accepted anyway: the reason, who and when."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="overrides")
    code = models.CharField("规则", max_length=64)
    rule_ref = models.CharField("依据条款", max_length=64)
    detail = models.CharField("内容", max_length=255)
    reason = models.TextField("理由")
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", on_delete=models.PROTECT,
                                      related_name="+")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "软性规则例外"
        ordering = ["-created_at"]


# ---- personnel cases (issue 11): recall, adjustment, mid-term replacement as approval workflows -----------------

class PersonnelCase(models.Model):
    """召回 / 调整 / 中途更换: proposed, decided stage by stage (routes from `case.route.*` rows), filed, and on the
    last approval the membership ends; consequences are recorded on the cadre."""

    class Kind(models.TextChoices):
        RECALL = "recall", "召回"
        ADJUSTMENT = "adjustment", "调整"
        REPLACEMENT = "replacement", "中途更换"

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        AWAITING_SUCCESSOR = "awaiting_successor", "待接替人员到岗"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "未批准"

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name="辖区", on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="personnel_cases")
    membership = models.ForeignKey(Membership, verbose_name="任职", on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey(Team, verbose_name="工作队", on_delete=models.PROTECT, related_name="personnel_cases")
    township = models.ForeignKey(OrgUnit, verbose_name="乡镇", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    ground_code = models.CharField("情形序号", max_length=8)
    ground = models.CharField("情形", max_length=200)
    ground_rule_ref = models.CharField(max_length=64)
    note = models.TextField("事实与理由", blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    route_key = models.CharField(max_length=100)
    rule_ref = models.CharField("依据条款", max_length=64)
    route_is_default = models.BooleanField(default=False)
    route_snapshot = models.JSONField(default=dict)
    successor_required = models.BooleanField("须接替人员到岗", default=False)
    successor = models.ForeignKey(Cadre, verbose_name="接替人员", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    flag = models.ForeignKey("attendance.Flag", verbose_name="来源提示", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="personnel_cases")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提出人", on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField("提出时间", auto_now_add=True)
    decided_at = models.DateTimeField("审批完成时间", null=True, blank=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "调整与召回"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["jurisdiction", "status"])]
        constraints = [
            # one open case per cadre: two proposers at once get one case and a 409
            models.UniqueConstraint(fields=["cadre"], condition=Q(status__in=["pending", "awaiting_successor"]),
                                    name="personnel_case_one_open_per_cadre"),
        ]

    def __str__(self):
        return f"{self.cadre} {self.get_kind_display()}（{self.ground}）"

    @property
    def route_label(self) -> str:
        return (self.route_snapshot.get("value") or {}).get("label", "")

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.AWAITING_SUCCESSOR)


class CaseApproval(models.Model):
    """One decider role in one stage (like LeaveApproval): stage 1 pending, later stages waiting."""

    class Status(models.TextChoices):
        WAITING = "waiting", "待前序审批"
        PENDING = "pending", "待审批"
        APPROVED = "approved", "同意"
        REJECTED = "rejected", "不同意"
        CLOSED = "closed", "已终止"

    case = models.ForeignKey(PersonnelCase, on_delete=models.CASCADE, related_name="approvals")
    stage = models.PositiveSmallIntegerField("审批环节")
    role = models.CharField("审批角色", max_length=32)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField("意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "调整与召回审批"
        ordering = ["stage", "id"]
        indexes = [models.Index(fields=["role", "status"])]


class CaseFiling(models.Model):
    """备案: a role told once the case is decided; blocks nothing."""

    case = models.ForeignKey(PersonnelCase, on_delete=models.CASCADE, related_name="filings")
    role = models.CharField("备案单位", max_length=32)
    rule_ref = models.CharField(max_length=64)
    filed_at = models.DateTimeField("备案时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "调整与召回备案"
        ordering = ["id"]


class Consequence(models.Model):
    """A consequence of a decided case on the cadre (临汾 art.9: 当年不得评先评优, 2年内不得提拔使用, 记入本人档案)."""

    class Kind(models.TextChoices):
        NO_AWARD = "no_award", "不得评先评优"
        NO_PROMOTION = "no_promotion", "不得提拔使用"
        PERSONNEL_FILE = "personnel_file", "记入本人档案"

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="consequences")
    case = models.ForeignKey(PersonnelCase, on_delete=models.PROTECT, related_name="consequences")
    kind = models.CharField("处理", max_length=20, choices=Kind.choices)
    starts_on = models.DateField("起始日期")
    until = models.DateField("截止日期", null=True, blank=True)  # null: no end (记入档案)
    rule_ref = models.CharField("依据条款", max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "处理结果"
        ordering = ["starts_on", "id"]
        indexes = [models.Index(fields=["cadre", "kind"])]


class CadreWarning(models.Model):
    """批评教育 / 诫勉谈话 recorded before a recall where the policy requires them (曲江 art.20)."""

    class Kind(models.TextChoices):
        CRITICISM = "criticism", "批评教育"
        ADMONITION = "admonition", "诫勉谈话"

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="warnings")
    kind = models.CharField("方式", max_length=16, choices=Kind.choices)
    date = models.DateField("日期")
    note = models.TextField("情况", blank=True)
    rule_ref = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "批评教育与诫勉谈话"
        ordering = ["-date", "-id"]


class Handover(models.Model):
    """工作交接: what a leaving cadre handed over, when, and to whom (曲江 art.19/26 "完成期满考核和工作交接后方可撤回",
    赣州 art.18 "压茬交接"). One per membership; the successor may be none where the team keeps no successor."""

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name="辖区", on_delete=models.PROTECT, related_name="+")
    membership = models.OneToOneField(Membership, verbose_name="任职", on_delete=models.PROTECT,
                                      related_name="handover")
    successor = models.ForeignKey(Cadre, verbose_name="接手人员", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="handovers_received")
    date = models.DateField("交接日期")
    items = models.TextField("交接内容")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作交接"
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.membership.cadre} 工作交接（{self.date}）"
