"""Celery task of the allowance run: takes the run id, calls the service, retries boundedly."""

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(bind=True, max_retries=3, acks_late=True, reject_on_worker_lost=True)
def subsidy_run_task(self, run_id: int) -> str:
    """Idempotent: delivered again after a lost worker, it resumes the run (cadres with a statement are skipped)
    or, once the run is done, returns at once."""
    chunk = getattr(settings, "SUBSIDY_RUN_CHUNK", None) or services.CHUNK
    try:
        run = services.subsidy_run_execute(run_id=run_id, chunk=chunk)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            services.subsidy_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}（已重试{self.max_retries}次）")
            raise
        raise self.retry(exc=exc, countdown=min(60, 5 * 2 ** self.request.retries)) from exc
    return run.status


def stalled_run_ids(*, now=None) -> list[int]:
    """Runs whose task is lost: pending for longer than the broker's visibility timeout (the message died with a Redis
    restart, or the API could not publish it), or running with nobody holding the month's lock (the worker died, and
    its message with Redis). A run still queued or under way only gets a duplicate message, which changes nothing."""
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from .models import SubsidyRun

    now = now or timezone.now()
    before = now - timedelta(seconds=settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"])
    ids = list(SubsidyRun.objects.filter(status=SubsidyRun.Status.PENDING, created_at__lt=before)
               .values_list("id", flat=True))
    for run in SubsidyRun.objects.filter(status=SubsidyRun.Status.RUNNING, started_at__lt=before):
        key = (run.jurisdiction_id, run.month.year * 100 + run.month.month)  # services._month_lock's key
        with connection.cursor() as c:
            c.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
            if c.fetchone()[0]:
                c.execute("SELECT pg_advisory_unlock(%s, %s)", key)
                ids.append(run.id)
    return sorted(ids)


@shared_task(acks_late=True)
def requeue_stalled_runs() -> list[int]:
    """Beat, every 15 minutes (issue 14): queue again each run whose task was lost."""
    ids = stalled_run_ids()
    for run_id in ids:
        subsidy_run_task.delay(run_id)
    return ids
