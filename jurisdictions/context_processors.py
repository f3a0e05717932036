from .models import Notification


def portal(request):
    """Unread notification count for the top bar (one query, only for logged-in users)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.filter(user=user, read_at__isnull=True).count()}
