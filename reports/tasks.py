"""Celery tasks of the monthly reports: take ids, call a service, retry boundedly."""

from celery import shared_task

from . import services


@shared_task(bind=True, max_retries=3, acks_late=True, reject_on_worker_lost=True)
def monthly_report_task(self, report_id: int) -> str:
    try:
        report = services.report_generate(report_id=report_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            services.report_fail(report_id=report_id, error=f"{type(exc).__name__}: {exc}（已重试{self.max_retries}次）")
            raise
        raise self.retry(exc=exc, countdown=min(60, 5 * 2 ** self.request.retries)) from exc
    return report.status


@shared_task(acks_late=True)
def monthly_reports_beat() -> list[int]:
    """Beat, the 1st of each month: each jurisdiction's report for the month before."""
    ids = services.beat_monthly_reports()
    for report_id in ids:
        monthly_report_task.delay(report_id)
    return ids



def stalled_report_ids(*, now=None) -> list[int]:
    """Reports pending for longer than the broker's visibility timeout: their message was lost (a Redis restart)."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from .models import MonthlyReport

    before = (now or timezone.now()) - timedelta(seconds=settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"])
    return sorted(MonthlyReport.objects.filter(status=MonthlyReport.Status.PENDING, created_at__lt=before)
                  .values_list("id", flat=True))


@shared_task(acks_late=True)
def requeue_stalled_reports() -> list[int]:
    """Beat, every 15 minutes (issue 14): queue again each pending report whose message was lost. A report still
    queued only gets a duplicate, which makes no second version."""
    ids = stalled_report_ids()
    for report_id in ids:
        monthly_report_task.delay(report_id)
    return ids
