"""The WSGI entry point (config/wsgi.py, issue 15): an API call carrying a token and no cookie goes through the short
middleware chain, everything else through the full one. Called here as gunicorn calls it, not through the test
client (which always builds the full chain)."""

import io
import json
from datetime import date

import pytest
from django.conf import settings
from django.core import signals
from django.db import close_old_connections

from config import security
from config.wsgi import application, is_token_api_request
from tests import factories as f

pytestmark = pytest.mark.django_db
CHECK_IN = "/api/v1/attendance/check-in/"


def call(method, path, *, headers=None, body=b"", query=""):
    """(status, headers, body) of one request to config.wsgi.application."""
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": query,
               "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
               "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "wsgi.errors": io.StringIO(),
               "CONTENT_LENGTH": str(len(body)), "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "testserver"}
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = {k.lower(): v for k, v in response_headers}

    # as Django's test client does: the request's end must not close the test's connection (its transaction)
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        result = application(environ, start_response)
        content = b"".join(result)
        result.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], content


@pytest.fixture
def phone(world):
    """A cadre of team A and the Authorization header of the cadre's phone."""
    user = f.UserFactory(jurisdiction=world.jurisdiction)
    cadre = f.CadreFactory(jurisdiction=world.jurisdiction, user=user)
    f.MembershipFactory(team=world.team_a, cadre=cadre, start_date=date(2025, 1, 1))
    return cadre, {"Authorization": f"Token {security.token_for(user).key}", "Content-Type": "application/json"}


def test_a_phones_check_in_takes_the_short_chain_and_keeps_the_security_headers(phone):
    cadre, headers = phone
    status, h, body = call("POST", CHECK_IN, headers=headers, body=b'{"latitude": "25.8", "longitude": "114.9"}')
    assert status == 200
    assert json.loads(body)["cadre"] == cadre.pk and json.loads(body)["latitude"] == "25.800000"
    assert h["x-content-type-options"] == "nosniff" and h["x-frame-options"] == "DENY"
    assert "referrer-policy" in h and "cross-origin-opener-policy" in h
    # what only a page or a browser session needs is not there: no CSP, no cookie, no Vary on the cookie
    assert "content-security-policy" not in h and "set-cookie" not in h and "Cookie" not in h.get("vary", "")


def test_the_same_call_with_a_cookie_takes_the_full_chain(phone):
    cadre, headers = phone
    status, h, _ = call("POST", CHECK_IN, headers={**headers, "Cookie": "theme=dark"}, body=b"{}")
    assert status == 200
    assert "content-security-policy" in h and "permissions-policy" in h


def test_a_bad_token_on_the_short_chain_is_the_contracts_401_in_chinese(phone):
    status, _, body = call("POST", CHECK_IN, headers={"Authorization": "Token not-a-token",
                                                      "Accept-Language": "en"}, body=b"{}")
    answer = json.loads(body)
    assert status == 401 and set(answer) >= {"code", "detail"}
    assert answer["detail"] == "认证令牌无效。"


def test_a_nul_in_the_query_is_refused_on_the_short_chain(phone):
    cadre, headers = phone
    status, _, body = call("GET", "/api/v1/attendance/monthly/", headers=headers, query="cadre=1%00&month=2026-01")
    assert status == 400 and json.loads(body)["code"] == "invalid"


def test_an_unknown_api_path_on_the_short_chain_is_the_contracts_json_404(phone):
    cadre, headers = phone
    status, h, body = call("GET", "/api/v1/no-such-thing/", headers=headers)
    assert status == 404 and json.loads(body)["code"] == "not_found"
    assert "content-security-policy" not in h  # the short chain answered


def test_the_short_chain_answers_in_chinese_after_the_thread_served_a_page_in_another_language(phone, settings):
    """The short chain has no locale middleware: it must not inherit the language a page activated on its thread."""
    settings.LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
    status, h, _ = call("GET", "/login/", headers={"Accept-Language": "en"})
    assert status == 200 and h.get("content-language") == "en"  # the full chain activated English on this thread
    status, _, body = call("POST", CHECK_IN, headers={"Authorization": "Token not-a-token"}, body=b"{}")
    assert status == 401 and json.loads(body)["detail"] == "认证令牌无效。"


def test_only_a_token_call_to_the_api_without_a_cookie_takes_the_short_chain():
    api = {"PATH_INFO": "/api/v1/teams/", "HTTP_AUTHORIZATION": "Token abc"}
    assert is_token_api_request(api)
    assert is_token_api_request({**api, "HTTP_AUTHORIZATION": "token abc"})  # DRF reads the keyword in any case
    assert not is_token_api_request({**api, "HTTP_COOKIE": "sessionid=x"})
    assert not is_token_api_request({**api, "HTTP_AUTHORIZATION": "Bearer abc"})
    assert not is_token_api_request({**api, "PATH_INFO": "/attendance/sheet/"})
    assert not is_token_api_request({"PATH_INFO": "/api/v1/auth/token/"})  # the login itself: axes, throttles
    assert not is_token_api_request({**api, "PATH_INFO": "/api/v1/auth/token/"})  # even with a token


def test_the_short_chain_is_the_full_chain_less_what_only_a_browser_needs():
    """A middleware added to MIDDLEWARE must be placed on the short chain or named here as browser-only."""
    browser_only = {
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.locale.LocaleMiddleware",  # one language (LANGUAGES): nothing to choose
        "django.middleware.csrf.CsrfViewMiddleware",  # no cookie, no ambient credential to forge
        "django.contrib.auth.middleware.AuthenticationMiddleware",  # DRF authenticates the token
        "django.contrib.messages.middleware.MessageMiddleware",
        "csp.middleware.CSPMiddleware",  # JSON, not a document
        "config.security.PermissionsPolicyMiddleware",  # ditto
        "jurisdictions.middleware.PortalErrorMiddleware",  # pages only: API views render their own errors
        "axes.middleware.AxesMiddleware",  # login lockouts: a token call is no login
    }
    short = settings.API_TOKEN_MIDDLEWARE
    assert [m for m in settings.MIDDLEWARE if m in short] == short  # same order
    assert set(settings.MIDDLEWARE) - set(short) == browser_only
