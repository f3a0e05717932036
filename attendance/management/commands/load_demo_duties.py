"""Demo duties (issue 13): group studies and meetings in the last complete month for every demo team (one team per
jurisdiction left short, so the overdue list has something to show), yearly checks for half the cadres, and two
paired households per cadre where the policy pairs them (ganzhou art.11), one visited this quarter.
Through the services, as the superuser; idempotent (does nothing once a duty record exists)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from attendance import duties_services
from attendance.duty_rules import schedules
from attendance.models import DutyRecord
from jurisdictions.errors import PortalError
from jurisdictions.models import Jurisdiction
from jurisdictions.policy import policy_in_force
from teams.models import Membership, Team


class Command(BaseCommand):
    help = "生成演示履职记录（集中学习、例会、体检保险、结对户与走访）"

    @transaction.atomic
    def handle(self, *args, **options):
        if DutyRecord.objects.exists():
            self.stdout.write("演示履职记录已存在，未做改动。")
            return
        root = get_user_model().objects.filter(is_superuser=True).order_by("id").first()
        if root is None:
            return
        today = timezone.localdate()
        last_month_end = today.replace(day=1) - timedelta(days=1)
        first = last_month_end.replace(day=1)
        for j in Jurisdiction.objects.order_by("id"):
            try:
                policy = policy_in_force(j, today)
            except PortalError:
                continue
            plan = schedules(policy)
            teams = list(Team.objects.filter(jurisdiction=j, ended_on__isnull=True).order_by("id"))
            for t_index, team in enumerate(teams):
                for s in plan:
                    if s.subject != "team" or s.per not in ("month", "week"):
                        continue
                    # the first team of each jurisdiction keeps one study short (shows on the overdue list)
                    times = s.min - (1 if t_index == 0 and s.per == "month" else 0)
                    for k in range(times):
                        duties_services.duty_record_create(actor=root, kind=s.kind, team_id=team.id,
                                                           day=first + timedelta(days=3 + k * 10),
                                                           note="演示数据")
            members = Membership.objects.filter(team__jurisdiction=j, end_date__isnull=True).order_by("id")
            pairing = policy.get("duties.household_pairing")
            for m_index, m in enumerate(members):
                if m_index % 2 == 0 and any(s.kind == "physical_exam" for s in plan):
                    duties_services.duty_record_create(actor=root, kind="physical_exam", cadre_id=m.cadre_id,
                                                       day=first + timedelta(days=5), note="演示数据")
                if pairing is None:
                    continue
                for h in range(int(pairing.value.get("households", 0))):
                    hh = duties_services.household_create(actor=root, cadre_id=m.cadre_id,
                                                          name=f"{m.cadre.name[0]}结对户{h + 1}",
                                                          paired_on=m.start_date, note="演示数据")
                    if h == 0:
                        duties_services.duty_record_create(actor=root, kind="household_visit", household_id=hh.id,
                                                           day=today, note="演示数据：入户走访")
        self.stdout.write(self.style.SUCCESS("演示履职记录已生成。"))
