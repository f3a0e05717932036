"""Demo: the monthly reports of the two complete months the demo attendance covers, in every jurisdiction
(as the beat would have made them on the 1st). Idempotent: a month that has a report keeps it."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from attendance.management.commands.load_demo_attendance import complete_months
from jurisdictions.errors import RuleViolation
from jurisdictions.models import Jurisdiction
from reports import services
from reports.models import MonthlyReport


class Command(BaseCommand):
    help = "生成演示月度报告（各辖区最近两个完整月份）"

    def handle(self, *args, **options):
        made = 0
        for month in complete_months(timezone.localdate()):
            for j in Jurisdiction.objects.order_by("id"):
                if MonthlyReport.objects.filter(jurisdiction=j, month=month, status="done").exists():
                    continue
                try:
                    report, _ = services.report_request(actor=None, jurisdiction=j, month=month, beat=True)
                except RuleViolation:  # a month before the jurisdiction's regulation
                    continue
                services.report_generate(report_id=report.id)
                made += 1
        self.stdout.write(f"月度报告：新生成{made}份。")
