"""Leave requests (请销假), their approvals by stage, filings (备案). POLICY.md §5."""

from django.conf import settings
from django.db import models

from jurisdictions.models import Jurisdiction, OrgUnit, Role
from teams.models import Cadre, Team


class LeaveRequest(models.Model):
    class Kind(models.TextChoices):
        PERSONAL = "personal", "事假"
        SICK = "sick", "病假"
        ANNUAL = "annual", "休假"
        OFFICIAL = "official", "因公外出"

    class Channel(models.TextChoices):
        WRITTEN = "written", "书面"
        PHONE = "phone", "电话"
        SMS = "sms", "短信"

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "未批准"
        CANCELLED = "cancelled", "已撤回"

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name="辖区", on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="leave_requests")
    team = models.ForeignKey(Team, verbose_name="工作队", on_delete=models.PROTECT, related_name="leave_requests")
    township = models.ForeignKey(OrgUnit, verbose_name="乡镇", on_delete=models.PROTECT, related_name="+")
    cadre_is_leader = models.BooleanField("申请时为队长", default=False)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    channel = models.CharField("方式", max_length=16, choices=Channel.choices, default=Channel.WRITTEN)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    days = models.PositiveIntegerField("天数")
    reason = models.TextField("事由")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    # the route row that chose the approvers, frozen at submission
    route_key = models.CharField(max_length=100)
    rule_ref = models.CharField("依据条款", max_length=64)
    route_is_default = models.BooleanField("文件未规定，系统默认", default=False)
    route_snapshot = models.JSONField(default=dict)
    replacement_required = models.BooleanField("须安排接替", default=False)
    replacement_rule_ref = models.CharField(max_length=64, blank=True)
    # 赣州 art.17: the dispatch unit names who takes over the work (a cadre of the jurisdiction)
    replacement = models.ForeignKey(Cadre, verbose_name="接替人员", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    replacement_named_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="+")
    replacement_named_at = models.DateTimeField("接替人员确定时间", null=True, blank=True)
    written_followup_due = models.DateField("书面手续补办期限", null=True, blank=True)
    followup_rule_ref = models.CharField(max_length=64, blank=True)
    written_form_filed_at = models.DateTimeField("书面手续补办时间", null=True, blank=True)
    written_form_filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                              on_delete=models.PROTECT, related_name="+")
    returned_on = models.DateField("实际返岗日期", null=True, blank=True)
    returned_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT,
                                     related_name="+")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    decided_at = models.DateTimeField("审批完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "请假申请"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["cadre", "start_date"]), models.Index(fields=["jurisdiction", "status"])]

    def __str__(self):
        return f"{self.cadre} {self.start_date}至{self.end_date} {self.get_kind_display()}"

    @property
    def route_label(self) -> str:
        return (self.route_snapshot.get("value") or {}).get("label", "")

    @property
    def route_interpretation(self) -> str:
        return (self.route_snapshot.get("value") or {}).get("interpretation", "")

    @property
    def notices(self) -> list:
        return self.route_snapshot.get("notices", [])

    @property
    def leave_end(self):
        """The last day actually away: the day before an early return, else the end date."""
        from datetime import timedelta

        if self.returned_on is not None and self.returned_on <= self.end_date:
            return self.returned_on - timedelta(days=1)
        return self.end_date

    @property
    def actual_days(self) -> int | None:
        if self.returned_on is None:
            return None
        return max(0, (self.leave_end - self.start_date).days + 1)


class LeaveApproval(models.Model):
    """One approver role in one stage. Stage 1 starts pending; later stages wait until the one before is done."""

    class Status(models.TextChoices):
        WAITING = "waiting", "待前序审批"
        PENDING = "pending", "待审批"
        APPROVED = "approved", "同意"
        REJECTED = "rejected", "不同意"
        CLOSED = "closed", "已终止"

    request = models.ForeignKey(LeaveRequest, on_delete=models.CASCADE, related_name="approvals")
    stage = models.PositiveSmallIntegerField("审批环节")
    role = models.CharField("审批角色", max_length=32, choices=Role.choices)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField("意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "请假审批"
        ordering = ["stage", "id"]
        indexes = [models.Index(fields=["role", "status"])]

    def __str__(self):
        return f"{self.request_id} 第{self.stage}环节 {self.get_role_display()} {self.get_status_display()}"


class LeaveFiling(models.Model):
    """备案: notifies a role once the request is approved; blocks nothing."""

    request = models.ForeignKey(LeaveRequest, on_delete=models.CASCADE, related_name="filings")
    role = models.CharField("备案单位", max_length=32, choices=Role.choices)
    rule_ref = models.CharField(max_length=64)
    filed_at = models.DateTimeField("备案时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "请假备案"
        ordering = ["id"]

    def __str__(self):
        return f"{self.request_id} 报{self.get_role_display()}备案"
