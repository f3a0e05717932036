"""Authentication hardening shared by the login page and the API (issue 14): expiring tokens, throttles with a
Chinese 429, the lockout answer of django-axes and the Permissions-Policy header."""

import functools

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.throttling import SimpleRateThrottle

LOCKED_OUT = "登录失败次数过多，该账号在本地址已被暂时锁定，请{minutes}分钟后再试，或联系管理员解锁。"
THROTTLED = "请求过于频繁，请稍后再试。"


def _cooloff_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def lockout_response(request, original_response=None, credentials=None):
    """django-axes answers a locked-out username+address with this: 429, Chinese, the contract's error shape for
    the API and the login form (with the message) for pages."""
    detail = LOCKED_OUT.format(minutes=_cooloff_minutes())
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "detail": detail}, status=429,
                            headers={"Retry-After": str(int(settings.AXES_COOLOFF_TIME.total_seconds()))})
    from django.contrib.auth.forms import AuthenticationForm

    form = AuthenticationForm(request)
    return render(request, "registration/login.html", {"form": form, "locked_out": detail}, status=429)


def throttled_detail(wait) -> str:
    return f"{THROTTLED[:-1]}（约{max(1, int(wait))}秒后）。" if wait else THROTTLED


class TokenIpThrottle(SimpleRateThrottle):
    """auth/token/ from one address (an address trying many usernames)."""

    scope = "token_ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenUsernameThrottle(SimpleRateThrottle):
    """auth/token/ for one username, from anywhere."""

    scope = "token_username"

    def get_cache_key(self, request, view):
        import hashlib

        raw = request.data.get("username", "") if hasattr(request, "data") else ""
        username = str(raw)[:150].lower()
        # hashed: whatever a client sends as "username" (control characters, a list) makes a safe cache key
        ident = hashlib.sha256(username.encode()).hexdigest() if username else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class LoginIpThrottle(SimpleRateThrottle):
    """POST /login/ from one address (the page is not a DRF view; the throttle only counts and answers)."""

    scope = "login_ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ExpiringTokenAuthentication(TokenAuthentication):
    """A token older than settings.API_TOKEN_LIFETIME no longer authenticates (it is deleted); the user asks
    auth/token/ for a new one."""

    def authenticate_credentials(self, key):
        """The token and its user in one prepared statement, which also reads, for this request, the stamp of the
        policy table and calendar (`jurisdictions.reference_cache`) and the user's role grants (`scoping.grants_sql`):
        two columns more, and neither needs a query of its own."""
        from jurisdictions import reference_cache, scoping

        token, stamp, grants = _token_with_user(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))  # DRF's own messages, translated
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if reference_cache.stamp_sql():
            reference_cache.note_stamp(stamp)
        if scoping.grants_sql("t.user_id"):
            scoping.preload_grants(token.user, grants)
        if token_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed("登录凭证已过期，请重新获取。", code="token_expired")
        return token.user, token


@functools.cache
def _token_query() -> tuple[str, list[str], list[str]]:
    """The token, its user, the reference stamp and the user's grants in one statement, written once per process:
    every API request runs it, and the ORM would compile the same join again each time (about a millisecond;
    issue 15). Prepared once per kept connection (`config.prepared`)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from jurisdictions import reference_cache, scoping

    user_model, qn = get_user_model(), connection.ops.quote_name
    token_fields = [f.attname for f in Token._meta.concrete_fields]
    user_fields = [f.attname for f in user_model._meta.concrete_fields]
    columns = [f"t.{qn(f.column)}" for f in Token._meta.concrete_fields] + [
        f"u.{qn(f.column)}" for f in user_model._meta.concrete_fields]
    stamp = reference_cache.stamp_sql()
    columns += [f"({stamp})" if stamp else "NULL", scoping.grants_sql(f"t.{qn('user_id')}") or "NULL"]
    sql = (f"SELECT {', '.join(columns)} FROM {qn(Token._meta.db_table)} t "  # noqa: S608 - model names only
           f"JOIN {qn(user_model._meta.db_table)} u ON u.{qn(user_model._meta.pk.column)} = t.{qn('user_id')} "
           f"WHERE t.{qn(Token._meta.pk.column)} = %(key)s")
    return sql, token_fields, user_fields


@functools.cache
def _converters() -> list:
    """Per column of `_token_query`'s token and user, the backend's and the field's converters, as the ORM applies
    them (SQLite hands back naive datetimes as text; PostgreSQL needs none for these fields)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from rest_framework.authtoken.models import Token

    out = []
    for model in (Token, get_user_model()):
        for f in model._meta.concrete_fields:
            col = f.get_col(model._meta.db_table)
            out.append((col, connection.ops.get_db_converters(col) + col.get_db_converters(connection)))
    return out


def _token_with_user(key: str):
    """(the token `key` with its user loaded, the reference stamp, the user's grants as JSON); (None, None, None) for
    no such token. The token and user are what TokenAuthentication's `select_related("user").get(key=key)` returns."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from config import prepared

    sql, token_fields, user_fields = _token_query()
    with connection.cursor() as c:
        prepared.execute(c, "portal_api_token", sql, {"key": key})
        row = c.fetchone()
    if row is None:
        return None, None, None
    n, m = len(token_fields), len(token_fields) + len(user_fields)
    row = list(row)
    for i, (col, converters) in enumerate(_converters()):
        for convert in converters:
            row[i] = convert(row[i], col, connection)
    token = Token.from_db(connection.alias, token_fields, row[:n])
    token.user = get_user_model().from_db(connection.alias, user_fields, row[n:m])
    return token, row[m], row[m + 1]


def token_expired(token) -> bool:
    return token.created + settings.API_TOKEN_LIFETIME <= timezone.now()


def token_for(user):
    """The user's token; an expired one is replaced."""
    from rest_framework.authtoken.models import Token  # here, not at import: settings load this module early

    token, created = Token.objects.get_or_create(user=user)
    if not created and token_expired(token):
        token.delete()
        token = Token.objects.create(user=user)
    return token


def sign_out_everywhere(user) -> int:
    """End every API token and every page session of `user`; returns how many sessions were ended."""
    from django.contrib.sessions.models import Session
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()
    user_id = str(user.pk)
    ended = []
    for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if s.get_decoded().get("_auth_user_id") == user_id:
            ended.append(s.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


class PermissionsPolicyMiddleware:
    """No powerful browser feature on any page; geolocation only on the pages in
    settings.PERMISSIONS_POLICY_GEOLOCATION_URL_NAMES (the cadre's check-in)."""

    FEATURES = ("camera", "microphone", "payment", "usb", "serial", "bluetooth", "midi", "display-capture",
                "accelerometer", "gyroscope", "magnetometer")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is None:
            try:
                match = resolve(request.path_info)
            except Resolver404:
                match = None
        geo = "(self)" if match and match.url_name in settings.PERMISSIONS_POLICY_GEOLOCATION_URL_NAMES else "()"
        response.setdefault("Permissions-Policy", ", ".join([f"geolocation={geo}", *(f"{f}=()" for f in self.FEATURES)]))
        return response


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, first in AUTHENTICATION_BACKENDS. Every login of the portal (login page, admin login,
    auth/token/) passes the request; a call without one (Django's test client `login()`, a shell) has no address to
    lock and is left to the next backend instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class RejectNulMiddleware:
    """A NUL character in the query string (`cadres/?q=a%00b`) cannot reach PostgreSQL: 400 in the contract's shape
    for the API, a plain 400 for pages. (Form and serializer fields already refuse NUL in bodies.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.GET.lists()):
            detail = "请求参数含有非法字符。"
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "invalid", "detail": detail}, status=400)
            return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class PublicBoardThrottle(SimpleRateThrottle):
    """The public whereabouts board (no login) from one address: enumerating villages is slowed down."""

    scope = "public_board"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def throttled_page(throttle_class):
    """A page view answered 429 (in Chinese) once `throttle_class` refuses the caller's address."""
    from functools import wraps

    from django.http import HttpResponse

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            throttle = throttle_class()
            if not throttle.allow_request(request, None):
                return HttpResponse(throttled_detail(throttle.wait()), status=429,
                                    content_type="text/plain; charset=utf-8")
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
