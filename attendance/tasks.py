"""Email for notices raised from attendance and inspections, queued after the transaction commits."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail


@shared_task(autoretry_for=(OSError,), max_retries=3, retry_backoff=True)
def send_notice_email(user_id: int, message: str, link: str) -> int:
    """One email to one recipient of a notice (通报); returns the number sent (0 when the user has no email)."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not user.email:
        return 0
    base = getattr(settings, "PORTAL_BASE_URL", "")
    body = f"{message}\n\n详情请登录驻村通查看：{base}{link}\n\n（本邮件由系统自动发送）"
    return send_mail(subject=f"【驻村通】{message[:60]}", message=body, from_email=None, recipient_list=[user.email])


@shared_task(autoretry_for=(OSError,), max_retries=3, retry_backoff=True)
def send_duty_digests() -> int:
    """Daily (beat): each person reminded of a duty gets one digest of what is due in 7 days and what is overdue,
    per jurisdiction whose regulation is in force; at most once per person per day (duties issue 13)."""
    from django.utils import timezone

    from jurisdictions.models import Jurisdiction
    from jurisdictions.policy import NoPolicy

    from .duties_services import duty_digests_send

    today = timezone.localdate()
    sent = 0
    for jurisdiction in Jurisdiction.objects.order_by("id"):
        try:
            sent += duty_digests_send(jurisdiction=jurisdiction, on=today)
        except NoPolicy:
            continue
    return sent
