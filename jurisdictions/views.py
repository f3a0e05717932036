"""Pages: login, home (what's waiting for me), notifications, policy table, audit log."""

from datetime import date

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from config import security

from . import policy_labels, selectors, services
from .errors import NotPermitted, PortalError
from .forms import JurisdictionCreateForm, PolicyImportForm, PolicyVersionForm
from .models import Notification, Role
from .policy import NoPolicy, policy_in_force
from .scoping import scope_for


class PortalLoginView(LoginView):
    """Throttled per address (an address trying many usernames); django-axes locks a username from one address
    after repeated failures (its 429 comes from config.security.lockout_response)."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_success_url(self):
        from reports.views import landing_url  # issue 12: org departments, county and city roles land on the dashboard

        return (None if self.get_redirect_url() else landing_url(self.request.user)) or super().get_success_url()
    def post(self, request, *args, **kwargs):
        throttle = security.LoginIpThrottle()
        if not throttle.allow_request(request, self):
            form = self.get_form_class()(request)
            return render(request, self.template_name, {"form": form, "throttled": security.throttled_detail(throttle.wait())},
                          status=429)
        return super().post(request, *args, **kwargs)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("login")


@require_POST
@login_required
def sign_out_everywhere_view(request):
    """退出所有设备: every session (this one too) and every API token of the user."""
    security.sign_out_everywhere(request.user)
    logout(request)
    return redirect("login")


@login_required
def home(request):
    from reports.views import home_month  # issue 12: a township's / a cadre's own month above the tiles

    scope = scope_for(request.user)
    return render(request, "jurisdictions/home.html", {
        "roles": sorted(Role(r).label for r in scope.roles()),
        "jurisdictions": selectors.jurisdiction_list(user=request.user),
        "scope": scope,
        **home_month(request.user),
    })


@login_required
def notifications(request):
    qs = Notification.objects.filter(user=request.user).order_by("-created_at")
    if request.method == "POST":
        services.notifications_mark_read(actor=request.user)
        return redirect("notifications")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "jurisdictions/notifications.html", {"page": page})


def _on_date(request):
    try:
        return date.fromisoformat(request.GET.get("on") or "")
    except ValueError:
        return timezone.localdate()


def _policy_context(request, jurisdiction, on, form=None):
    try:
        policy, refusal = policy_in_force(jurisdiction, on), None
    except NoPolicy as exc:  # before the regulation took effect: say so, and let the user pick another date
        policy, refusal = None, exc
    can_add = scope_for(request.user).is_admin_of(jurisdiction.id)
    if can_add and form is None:
        keys = selectors.policy_keys(jurisdiction=jurisdiction)
        initial = {}
        if request.GET.get("add") in keys:
            current = policy.get(request.GET["add"]) if policy else None
            initial = {"key": request.GET["add"], "effective_from": on,
                       "value": current.value if current else None}
        form = PolicyVersionForm(keys=keys, initial=initial)
    from .packs import versions_between
    from .policy_schema import unavailable_features

    compare = None
    if request.GET.get("from") and request.GET.get("to"):
        try:
            start, end = date.fromisoformat(request.GET["from"]), date.fromisoformat(request.GET["to"])
        except ValueError:
            messages.error(request, "比较日期格式应为 YYYY-MM-DD。")
        else:
            compare = versions_between(jurisdiction, start, end)
    return {"jurisdiction": jurisdiction, "policy": policy, "refusal": refusal, "on": on, "code": jurisdiction.code,
            "sections": policy_labels.grouped(pv for _, pv in policy.items()) if policy else [],
            "form": form if can_add else None, "can_import": can_add, "compare": compare,
            "unavailable": unavailable_features(k for k, _ in policy.items()) if policy else []}


@login_required
def policy_page(request, code):
    """The rules in force on a date (?on=), in Chinese; a jurisdiction admin adds a version here."""
    jurisdiction = selectors.access_jurisdiction(user=request.user, code=code)
    return render(request, "jurisdictions/policy.html", _policy_context(request, jurisdiction, _on_date(request)))


@login_required
@require_POST
def policy_version_add_page(request, code):
    jurisdiction = selectors.access_jurisdiction(user=request.user, code=code)
    form = PolicyVersionForm(request.POST, keys=selectors.policy_keys(jurisdiction=jurisdiction))
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = services.policy_version_add(actor=request.user, jurisdiction=jurisdiction, key=data["key"],
                                              value=data["value"], effective_from=data["effective_from"],
                                              rule_ref=data["rule_ref"] or None, note=data["note"],
                                              reason=data["reason"])
        except PortalError as exc:
            if exc.status == 403:
                raise
            messages.error(request, exc.detail)
        else:
            messages.success(request, f"已新增“{policy_labels.key_label(row.key)}”自{row.effective_from}起的新版本；"
                                      "原有版本不变。")
            return redirect(f"{reverse('policy-page', args=[code])}?on={row.effective_from.isoformat()}")
    on = form.cleaned_data.get("effective_from")
    return render(request, "jurisdictions/policy.html",
                  _policy_context(request, jurisdiction, on or timezone.localdate(), form=form), status=400)


@login_required
def audit_page(request):
    page = Paginator(selectors.audit_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "jurisdictions/audit.html", {"page": page})


@login_required
def policy_export_page(request, code):
    """The rules in force on ?on= as a policy pack file (the same JSON as the API)."""
    import json

    from django.http import HttpResponse

    from .packs import pack_export

    jurisdiction = selectors.access_jurisdiction(user=request.user, code=code)
    on = _on_date(request)
    response = HttpResponse(json.dumps(pack_export(jurisdiction, on), ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="policy-{code}-{on.isoformat()}.json"'
    return response


@login_required
def policy_import_page(request, code):
    """Step 1: upload a pack → its diff against the rules in force that day (nothing saved). Step 2: confirm →
    saved, and the policy page shows the new rows."""
    from .packs import parse_pack

    jurisdiction = selectors.access_jurisdiction(user=request.user, code=code)
    if not scope_for(request.user).is_admin_of(jurisdiction.id):
        raise NotPermitted("只有本辖区管理员可以导入政策包。")
    ctx = {"jurisdiction": jurisdiction, "code": code}
    if request.method != "POST":
        ctx["form"] = PolicyImportForm(initial={"effective_from": jurisdiction.effective_from or timezone.localdate()})
        return render(request, "jurisdictions/policy_import.html", ctx)
    form = PolicyImportForm(request.POST, request.FILES)
    ctx["form"] = form
    if not form.is_valid():
        return render(request, "jurisdictions/policy_import.html", ctx, status=400)
    text, data = form.pack_text(), form.cleaned_data
    confirm = "confirm" in request.POST
    try:
        answer = services.policy_pack_import(actor=request.user, jurisdiction=jurisdiction, rows=parse_pack(text),
                                             effective_from=data["effective_from"], dry_run=not confirm,
                                             reason=data["reason"])
    except PortalError as exc:
        if exc.status == 403:
            raise
        ctx["error"] = exc
        return render(request, "jurisdictions/policy_import.html", ctx, status=exc.status)
    if answer["saved"]:
        messages.success(request, f"政策包已导入：新增{len(answer['added'])}条，变更{len(answer['changed'])}条，"
                                  f"停用{len(answer['removed'])}条，自{data['effective_from']}起生效。")
        return redirect(f"{reverse('policy-page', args=[code])}?on={data['effective_from'].isoformat()}")
    ctx["diff"] = answer
    ctx["confirm_form"] = PolicyImportForm(initial={"pack": text, "effective_from": data["effective_from"],
                                                    "reason": data["reason"]})
    return render(request, "jurisdictions/policy_import.html", ctx)


@login_required
def jurisdiction_create_page(request):
    """A superuser opens a new county and its first administrator, who then imports its policy pack."""
    if not request.user.is_superuser:
        raise NotPermitted("只有系统管理员可以新建辖区。")
    form = JurisdictionCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            j = services.jurisdiction_create(actor=request.user, **form.cleaned_data)
        except PortalError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, f"已新建辖区“{j.name}”及其管理员。请由管理员导入政策包（可从其他辖区的政策包改起）。")
            return redirect("policy-import", code=j.code)
    return render(request, "jurisdictions/jurisdiction_new.html", {"form": form},
                  status=400 if request.method == "POST" else 200)
