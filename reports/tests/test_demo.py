"""`load_demo` leaves two months of reports in every jurisdiction, and the demo's org department sees them."""

from django.core.management import call_command
from django.utils import timezone

from attendance.management.commands.load_demo_attendance import complete_months
from jurisdictions.models import Jurisdiction, User
from reports.models import MonthlyReport


def test_load_demo_leaves_two_months_of_reports_in_every_jurisdiction(db, client):
    call_command("load_demo", verbosity=0)
    months = complete_months(timezone.localdate())
    for j in Jurisdiction.objects.all():
        done = MonthlyReport.objects.filter(jurisdiction=j, status="done")
        assert sorted(done.values_list("month", flat=True)) == list(months), j.code
        assert all(r.totals["cadres"] > 0 for r in done), j.code
    call_command("load_demo_reports", verbosity=0)  # again: nothing more
    assert MonthlyReport.objects.count() == 10
    client.force_login(User.objects.get(username="ganzhou_orgdept"))
    page = client.get(f"/dashboard/?jurisdiction=ganzhou&month={months[1]:%Y-%m}").content.decode()
    assert 'id="chart-bars"' in page and "第1版" in page
