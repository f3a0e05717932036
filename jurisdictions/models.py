"""Tenants, org units, dispatch units, policy rows, the statutory calendar, role grants, audit."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    TOWNSHIP_SECRETARY = "township_secretary", "乡镇党委书记"
    ATTENDANCE_CLERK = "attendance_clerk", "考勤员"
    COUNTY_OFFICE = "county_office", "县驻村工作领导小组办公室"
    COUNTY_GROUP = "county_group", "县驻村工作领导小组"
    COUNTY_ORG_DEPT = "county_org_dept", "县委组织部"
    COUNTY_RR_BUREAU = "county_rr_bureau", "县乡村振兴局"
    CITY_OFFICE = "city_office", "市驻村(帮扶)工作办公室"
    CITY_ORG_DEPT = "city_org_dept", "市委组织部"
    CITY_RR_BUREAU = "city_rr_bureau", "市乡村振兴局"
    DISPATCH_UNIT = "dispatch_unit", "派出单位"
    FINANCE = "finance", "财务"
    JURISDICTION_ADMIN = "jurisdiction_admin", "辖区管理员"
    # Derived from the user's cadre and active membership, never granted:
    TEAM_LEADER = "team_leader", "队长"
    CADRE = "cadre", "驻村干部"


DERIVED_ROLES = {Role.TEAM_LEADER, Role.CADRE}
TOWNSHIP_ROLES = {Role.TOWNSHIP_SECRETARY, Role.ATTENDANCE_CLERK}
COUNTY_ROLES = {Role.COUNTY_OFFICE, Role.COUNTY_GROUP, Role.COUNTY_ORG_DEPT, Role.COUNTY_RR_BUREAU}
CITY_ROLES = {Role.CITY_OFFICE, Role.CITY_ORG_DEPT, Role.CITY_RR_BUREAU}


ROLE_PERMISSIONS = [(r.value, r.label) for r in Role if r not in DERIVED_ROLES]


class Jurisdiction(models.Model):
    """辖区: the tenant. Every tenant-owned row carries one."""

    class Level(models.TextChoices):
        CITY = "city", "市"
        DISTRICT = "district", "区"
        COUNTY = "county", "县"

    code = models.SlugField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=16, choices=Level.choices)
    document = models.CharField("依据文件", max_length=200, blank=True)
    # the day its regulation takes effect: the default date of its first policy pack
    effective_from = models.DateField("文件施行日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "辖区"
        ordering = ["id"]
        permissions = ROLE_PERMISSIONS  # guardian object permissions mirror role grants

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A login. A cadre's user is linked from `teams.Cadre.user`."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="辖区", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    display_name = models.CharField("姓名", max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self):
        return self.display_name or self.username


class OrgUnit(models.Model):
    """县(区)/乡镇/街道/村(社区). `path` ("/1/5/23/") makes "everything under X" one indexed filter."""

    class Kind(models.TextChoices):
        CITY = "city", "市"
        COUNTY = "county", "县(区)"
        TOWNSHIP = "township", "乡镇"
        STREET = "street", "街道"
        VILLAGE = "village", "村(社区)"

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name="辖区", on_delete=models.PROTECT, related_name="org_units")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    name = models.CharField("名称", max_length=64)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    # Xinfeng types its towns (重点帮扶镇 / 巩固提升镇 / 街道), sec.二
    town_type = models.CharField("镇类型", max_length=32, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "组织单位"
        ordering = ["path"]
        permissions = ROLE_PERMISSIONS
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "parent", "name"], name="orgunit_unique_name_under_parent"),
            # A grant on a unit matches `path__startswith=unit.path`: an empty path would match every tenant
            # (issue 14). Only "/<id>/.../" is stored; a new row is inserted under a "0/" placeholder segment.
            models.CheckConstraint(condition=models.Q(path__regex=r"^/([0-9]+/)+$"), name="orgunit_path_well_formed"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_township(self) -> bool:
        return self.kind in (self.Kind.TOWNSHIP, self.Kind.STREET)

    @staticmethod
    def placeholder_path(parent) -> str:
        """What a new unit is inserted with before its id is known (ids start at 1, so "0/" is never real)."""
        return f"{parent.path if parent else '/'}0/"


class DispatchUnit(models.Model):
    """派出单位."""

    class Level(models.TextChoices):
        CENTRAL = "central", "中直"
        PROVINCE = "province", "省直"
        CITY = "city", "市直"
        COUNTY = "county", "县直"

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="辖区", on_delete=models.PROTECT, related_name="dispatch_units"
    )
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=16, choices=Level.choices)

    class Meta:
        verbose_name = verbose_name_plural = "派出单位"
        ordering = ["id"]
        permissions = ROLE_PERMISSIONS
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "name"], name="dispatchunit_unique_name")]

    def __str__(self):
        return self.name


class PolicyRow(models.Model):
    """One versioned rule value. A new version is a new row with a later `effective_from`;
    rows are never edited in place, so decisions that snapshot them stay explainable."""

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name="辖区", on_delete=models.PROTECT, related_name="policy_rows")
    key = models.CharField("规则键", max_length=100)
    value = models.JSONField("取值")
    effective_from = models.DateField("生效日期")
    rule_ref = models.CharField("依据条款", max_length=64)
    note = models.TextField("说明", blank=True)
    is_default = models.BooleanField("文件未规定，系统默认", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "政策规则"
        ordering = ["jurisdiction_id", "key", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "key", "effective_from"], name="policyrow_unique_version")
        ]
        indexes = [models.Index(fields=["jurisdiction", "key", "effective_from"])]

    def __str__(self):
        return f"{self.jurisdiction.code} {self.key} @{self.effective_from}"


class CalendarDay(models.Model):
    """An entered holiday or make-up working day (调休). Wins over the chinese-calendar package."""

    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("是否工作日")
    name = models.CharField("名称", max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "法定节假日与调休"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {'上班' if self.is_working_day else '放假'} {self.name}"


class RoleGrant(models.Model):
    """A role held over a scope: a jurisdiction, an org unit (and all below it) or a dispatch unit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="grants")
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name="辖区", on_delete=models.PROTECT, related_name="grants")
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name="组织单位", null=True, blank=True, on_delete=models.PROTECT, related_name="grants"
    )
    dispatch_unit = models.ForeignKey(
        DispatchUnit, verbose_name="派出单位", null=True, blank=True, on_delete=models.PROTECT, related_name="grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "角色授权"

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.org_unit or self.dispatch_unit or self.jurisdiction}"


class AuditEvent(models.Model):
    """Append-only record of every state change, written in the change's transaction."""

    jurisdiction = models.ForeignKey(Jurisdiction, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField("操作", max_length=64)
    object_type = models.CharField("对象类型", max_length=64)
    object_id = models.BigIntegerField("对象ID", null=True)
    summary = models.CharField("摘要", max_length=255, blank=True)
    data = models.JSONField("详情", default=dict, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "审计记录"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"]),
                   # the audit log of one jurisdiction, newest first (audit_list); the distribution column first
                   models.Index(fields=["jurisdiction", "-created_at", "-id"], name="auditevent_jur_created")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.summary}"


class Notification(models.Model):
    """In-portal notice (e.g. a leave request waiting for the user's approval)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField("内容", max_length=255)
    link = models.CharField("链接", max_length=255, blank=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "站内通知"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]
