"""Demo assessment: in every jurisdiction, this year's annual assessment open and last year's graded and published
(one 优秀, the others 称职; scored where the policy keeps a score). Through the services only, as the grading role the
policy names. Run after `load_demo`; running it again changes nothing."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from assessment import services
from assessment.models import Assessment, AssessmentPeriod
from jurisdictions.models import Jurisdiction

LOGIN = {"county_org_dept": "orgdept", "county_office": "county", "county_group": "group", "county_rr_bureau": "rrb"}


class Command(BaseCommand):
    help = "生成考核演示数据（本年度年度考核进行中，上年度已公布）"

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        year = timezone.localdate().year
        for j in Jurisdiction.objects.order_by("id"):
            opener = User.objects.filter(username=f"{j.code}_orgdept").first()
            if opener is None or AssessmentPeriod.objects.filter(jurisdiction=j, kind="annual", year=year).exists():
                continue
            last = services.period_open(actor=opener, jurisdiction=j, kind="annual", year=year - 1)
            grader = next((u for r in services.grader_roles(last)
                           for u in [User.objects.filter(username=f"{j.code}_{LOGIN.get(r, r)}").first()] if u), None)
            if grader is not None:
                self._grade_and_publish(grader, last)
            services.period_open(actor=opener, jurisdiction=j, kind="annual", year=year)
        self.stdout.write(self.style.SUCCESS("考核演示数据已生成。"))

    def _grade_and_publish(self, grader, period):
        rows = list(Assessment.objects.filter(period=period, eligible=True).order_by("id"))
        parts = period.kind_row.get("parts") or []
        for i, a in enumerate(rows):
            if period.kind_row.get("scored") and parts and all(p.get("weight") is not None for p in parts):
                services.score_record(actor=grader, assessment_id=a.pk,
                                      parts={p["key"]: str(95 - i) for p in parts})
            services.assessment_grade(actor=grader, assessment_id=a.pk, grade="excellent" if i == 0 else "competent",
                                      comment="演示数据")
        services.period_publish(actor=grader, period_id=period.pk)
