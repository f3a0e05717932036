"""Pages: login, home (what's waiting for me), notifications, policy table, audit log."""

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import selectors, services
from .models import Notification, Role
from .policy import NoPolicy, policy_in_force
from .scoping import scope_for


class PortalLoginView(LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@require_POST
def logout_view(request):
    logout(request)
    return redirect("login")


@login_required
def home(request):
    scope = scope_for(request.user)
    return render(request, "jurisdictions/home.html", {
        "roles": sorted(Role(r).label for r in scope.roles()),
        "jurisdictions": selectors.jurisdiction_list(user=request.user),
        "scope": scope,
    })


@login_required
def notifications(request):
    qs = Notification.objects.filter(user=request.user).order_by("-created_at")
    if request.method == "POST":
        services.notifications_mark_read(actor=request.user)
        return redirect("notifications")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "jurisdictions/notifications.html", {"page": page})


@login_required
def policy_page(request, code):
    from datetime import date

    on_raw = request.GET.get("on")
    try:
        on = date.fromisoformat(on_raw) if on_raw else timezone.localdate()
    except ValueError:
        on = timezone.localdate()
    jurisdiction = selectors.access_jurisdiction(user=request.user, code=code)
    try:
        policy, refusal = policy_in_force(jurisdiction, on), None
    except NoPolicy as exc:  # before the regulation took effect: say so, and let the user pick another date
        policy, refusal = None, exc
    return render(request, "jurisdictions/policy.html", {"jurisdiction": jurisdiction, "policy": policy,
                                                         "refusal": refusal, "on": on, "code": code})


@login_required
def audit_page(request):
    page = Paginator(selectors.audit_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "jurisdictions/audit.html", {"page": page})
