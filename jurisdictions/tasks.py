from celery import shared_task
from django.utils import timezone

from .calendar import month_calendar
from .models import Jurisdiction, Role, RoleGrant
from .services import notify


@shared_task(autoretry_for=(Exception,), max_retries=3, retry_backoff=True)
def check_calendar_coverage() -> int:
    """Monthly: warn jurisdiction admins when next month's holiday schedule has not been entered."""
    today = timezone.localdate()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    warnings = month_calendar(year, month).warnings
    if not warnings:
        return 0
    admins = RoleGrant.objects.filter(role=Role.JURISDICTION_ADMIN,
                                      jurisdiction__in=Jurisdiction.objects.all()).select_related("user")
    for grant in admins:
        notify(user=grant.user, message=warnings[0], link="/admin/jurisdictions/calendarday/")
    return len(admins)
