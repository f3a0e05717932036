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
