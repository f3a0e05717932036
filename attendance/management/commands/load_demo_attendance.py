"""Demo attendance for the last two complete months: daily records for every active membership and the
townships' confirmed sheets (all townships for the older month, all but one per jurisdiction for the newer
one, so the finance page shows a missing sheet). Deterministic and idempotent; SQLite and PostgreSQL."""

from collections import defaultdict
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from attendance.models import AttendanceSheet, DailyRecord, Status
from attendance.rules import review_rule
from jurisdictions.calendar import month_calendar
from jurisdictions.models import Jurisdiction
from jurisdictions.policy import policy_in_force
from teams.models import Membership


def complete_months(today: date) -> tuple[date, date]:
    """(older, newer): first days of the two complete months before `today`."""
    newer = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    older = (newer - timedelta(days=1)).replace(day=1)
    return older, newer


def demo_status(n: int, k: int) -> str:
    """A deterministic, mostly on-duty pattern: n = the cadre's position, k = the working day's index."""
    if (n * 7 + k) % 29 == 4:
        return Status.LEAVE
    if (n * 5 + k) % 31 == 9:
        return Status.REST
    if n % 4 == 3 and k == 12:
        return Status.ABSENT
    return Status.ON_DUTY


class Command(BaseCommand):
    help = "生成最近两个完整月份的演示考勤记录并确认考勤表（已有记录时不做改动）"

    @transaction.atomic
    def handle(self, *args, **options):
        admin = get_user_model().objects.filter(username="admin", is_superuser=True).first()
        if admin is None:
            self.stdout.write("未找到管理员 admin，请先运行 load_demo。")
            return
        older, newer = complete_months(timezone.localdate())
        newer_last = (newer.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        memberships = list(Membership.objects.filter(end_date__isnull=True)
                           .select_related("team__host_unit__parent").order_by("cadre_id"))
        if not memberships:
            self.stdout.write("没有在岗的驻村干部，未生成考勤。")
            return
        cadre_ids = [m.cadre_id for m in memberships]
        if DailyRecord.objects.filter(cadre_id__in=cadre_ids, date__range=(older, newer_last)).exists():
            self.stdout.write("演示考勤已存在，未做改动。")
            return

        calendars = {m: month_calendar(m.year, m.month).working_days for m in (older, newer)}
        records = []
        townships: dict[int, dict[int, object]] = defaultdict(dict)  # jurisdiction → {township id: township}
        for n, ms in enumerate(memberships):
            township = ms.team.township
            townships[ms.team.jurisdiction_id][township.id] = township
            for month in (older, newer):
                for k, day in enumerate(calendars[month]):
                    if day < ms.start_date:
                        continue
                    records.append(DailyRecord(jurisdiction_id=ms.team.jurisdiction_id, cadre_id=ms.cadre_id,
                                               township=township, date=day, status=demo_status(n, k),
                                               note="演示数据", recorded_by=admin))
        DailyRecord.objects.bulk_create(records, batch_size=2000)

        existing = set(AttendanceSheet.objects.filter(month__in=(older, newer)).values_list("township_id", "month"))
        sheets = []
        for jurisdiction_id, towns in townships.items():
            ordered = sorted(towns.values(), key=lambda t: (t.path, t.id))
            # the newer month keeps one township unconfirmed, unless it is the jurisdiction's only one
            newer_towns = ordered[:-1] if len(ordered) > 1 else ordered
            for month, towns_of_month in ((older, ordered), (newer, newer_towns)):
                sheets += [AttendanceSheet(jurisdiction_id=jurisdiction_id, township=t, month=month, confirmed_by=admin)
                           for t in towns_of_month if (t.id, month) not in existing]
        # where the policy asks for a county review before pay (fengdu art.20), the older month is reviewed and the
        # newer one waits for the bureau (its review action shows on the sheet page)
        now = timezone.now()
        reviewed = {jid for jid in townships if review_rule(policy_in_force(Jurisdiction(pk=jid), older))}
        for sheet in sheets:
            if sheet.month == older and sheet.jurisdiction_id in reviewed:
                sheet.reviewed_by, sheet.reviewed_at = admin, now
        AttendanceSheet.objects.bulk_create(sheets)
        self.stdout.write(self.style.SUCCESS(
            f"已生成{older:%Y-%m}、{newer:%Y-%m}考勤记录{len(records)}条，确认考勤表{len(sheets)}张。"))
