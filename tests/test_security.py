"""Issue 14: holding against attackers — lockout and throttling, expiring tokens, sign out everywhere, passwords,
the secret key, `check --deploy`, Content-Security-Policy and Permissions-Policy."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from jurisdictions.models import Role, User
from tests import factories as f

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "pass-1234"  # tests/factories.py


def _login_page(username, password, ip="10.1.1.1"):
    return Client(REMOTE_ADDR=ip).post("/login/", {"username": username, "password": password})


def _token(username, password, ip="10.1.1.1"):
    return APIClient(REMOTE_ADDR=ip).post("/api/v1/auth/token/", {"username": username, "password": password},
                                          format="json")


# ---- lockout and throttling -------------------------------------------------------------------------------------

def test_after_five_wrong_passwords_on_the_login_page_the_right_one_is_refused_with_a_chinese_429(world):
    f.UserFactory(username="zhang")
    for _ in range(4):
        assert _login_page("zhang", "wrong-one").status_code == 200  # the form again, "用户名或密码错误"
    assert _login_page("zhang", "wrong-one").status_code == 429  # the fifth failure locks
    r = _login_page("zhang", PASSWORD)
    assert r.status_code == 429
    assert "已被暂时锁定" in r.content.decode()
    assert "已被暂时锁定" in r.content.decode()


def test_a_colleague_behind_the_same_township_address_still_gets_in_while_one_username_is_locked(world):
    f.UserFactory(username="zhang")
    f.UserFactory(username="li")
    for _ in range(6):
        _login_page("zhang", "wrong-one", ip="10.2.2.2")
    assert _login_page("zhang", PASSWORD, ip="10.2.2.2").status_code == 429
    ok = _login_page("li", PASSWORD, ip="10.2.2.2")
    assert ok.status_code == 302 and ok.url == "/"
    # the same username from another address is not locked either (the lock is username + address)
    assert _login_page("zhang", PASSWORD, ip="10.3.3.3").status_code == 302


def test_the_lock_ends_after_the_cool_off(world, settings):
    f.UserFactory(username="zhang")
    for _ in range(5):
        _login_page("zhang", "wrong-one")
    assert _login_page("zhang", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert _login_page("zhang", PASSWORD).status_code == 302


def test_auth_token_locks_a_username_after_five_failures_and_answers_429_in_the_error_shape(world):
    f.UserFactory(username="zhang")
    for _ in range(4):
        r = _token("zhang", "wrong-one")
        assert r.status_code == 400 and r.json()["code"] == "bad_credentials"
    assert _token("zhang", "wrong-one").status_code == 429  # the fifth failure locks
    r = _token("zhang", PASSWORD)
    assert r.status_code == 429
    assert r.json()["code"] == "locked_out"
    assert "已被暂时锁定" in r.json()["detail"]
    assert not Token.objects.filter(user__username="zhang").exists()


def test_an_address_trying_many_usernames_on_auth_token_is_throttled_in_chinese(world, settings):
    answers = [_token(f"guess{i}", "wrong-one", ip="10.4.4.4").status_code for i in range(31)]
    assert answers[:30] == [400] * 30
    r = _token("guess99", "wrong-one", ip="10.4.4.4")
    assert r.status_code == 429
    assert r.json()["code"] == "throttled"
    assert r.json()["detail"].startswith("请求过于频繁")
    assert "Retry-After" in r.headers
    assert _token("guess100", "wrong-one", ip="10.5.5.5").status_code == 400  # another address is not slowed


def test_one_username_tried_from_many_addresses_on_auth_token_is_throttled(world):
    f.UserFactory(username="zhang")
    answers = [_token("zhang", f"wrong-{i}", ip=f"10.6.0.{i}").status_code for i in range(11)]
    assert answers[-1] == 429


def test_an_address_posting_many_logins_to_the_login_page_is_throttled_in_chinese(world):
    for i in range(30):
        assert _login_page(f"guess{i}", "wrong-one", ip="10.7.7.7").status_code == 200
    r = _login_page("guess99", "wrong-one", ip="10.7.7.7")
    assert r.status_code == 429
    assert "请求过于频繁" in r.content.decode()


# ---- tokens ------------------------------------------------------------------------------------------------------

def test_a_token_older_than_its_lifetime_no_longer_works_and_a_new_one_is_issued(world, settings):
    user = f.UserFactory(username="zhang")
    key = _token("zhang", PASSWORD).json()["token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/jurisdictions/").status_code == 200
    Token.objects.filter(key=key).update(created=timezone.now() - settings.API_TOKEN_LIFETIME - timedelta(minutes=1))
    r = api.get("/api/v1/jurisdictions/")
    assert r.status_code == 401
    assert "过期" in r.json()["detail"]
    fresh = _token("zhang", PASSWORD).json()
    assert fresh["token"] != key
    assert Token.objects.get(user=user).key == fresh["token"]


def test_sign_out_everywhere_ends_the_api_token_and_every_page_session_of_that_user_only(world):
    f.UserFactory(username="zhang")
    f.UserFactory(username="li")
    phone, desk, other = Client(), Client(), Client()
    assert phone.login(username="zhang", password=PASSWORD)
    assert desk.login(username="zhang", password=PASSWORD)
    assert other.login(username="li", password=PASSWORD)
    key = _token("zhang", PASSWORD).json()["token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.post("/api/v1/auth/sign-out-everywhere/").status_code == 204
    assert api.get("/api/v1/jurisdictions/").status_code == 401
    assert phone.get("/").status_code == 302  # back to the login page
    assert desk.get("/").status_code == 302
    assert other.get("/").status_code == 200
    assert Session.objects.count() == 1


def test_the_sign_out_everywhere_button_signs_out_the_page_and_the_phone(world):
    f.UserFactory(username="zhang")
    phone, desk = Client(), Client()
    phone.login(username="zhang", password=PASSWORD)
    desk.login(username="zhang", password=PASSWORD)
    assert "退出所有设备" in desk.get("/").content.decode()
    r = desk.post("/logout/everywhere/")
    assert r.status_code == 302 and r.url == "/login/"
    assert phone.get("/").status_code == 302


def test_sign_out_everywhere_needs_a_signed_in_user(world):
    assert APIClient().post("/api/v1/auth/sign-out-everywhere/").status_code in (401, 403)
    assert Client().post("/logout/everywhere/").status_code == 302


# ---- passwords ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("password, words", [
    ("12345678", "只包含数字"),
    ("password", "太常见"),
    ("bingzhen1", "相似"),
])
def test_a_new_user_password_goes_through_all_of_djangos_validators_with_chinese_messages(world, password, words):
    admin = f.user_with_role(Role.JURISDICTION_ADMIN, username="admin_gz", jurisdiction=world.jurisdiction)
    api = APIClient()
    api.force_authenticate(admin)
    r = api.post("/api/v1/users/", {"username": "bingzhen", "password": password, "jurisdiction": "ganzhou"},
                 format="json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "weak_password"
    assert words in r.json()["detail"]
    assert not User.objects.filter(username="bingzhen").exists()


def test_load_demo_with_its_public_password_refuses_outside_make_run(db, settings):
    from django.core.management import CommandError, call_command

    settings.DEMO_LOGINS_ALLOWED = False
    with pytest.raises(CommandError, match="make run"):
        call_command("load_demo", verbosity=0)
    assert not User.objects.filter(username="admin").exists()


# ---- settings and deployment -------------------------------------------------------------------------------------

def _python(code: str, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    base.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True,  # noqa: S603
                          timeout=120)


def test_without_a_secret_key_and_with_debug_off_the_portal_refuses_to_start():
    done = _python("import django; django.setup()")
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and "DJANGO_SECRET_KEY" in done.stderr
    assert _python("import django; django.setup()", DJANGO_DEBUG="1").returncode == 0  # `make run`


def test_runserver_keeps_no_persistent_database_connections_but_a_wsgi_server_does():
    code = ("import sys; sys.argv = {argv!r}; import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default']['CONN_MAX_AGE'])")
    env = {"DJANGO_SECRET_KEY": "x" * 50, "DB_CONN_MAX_AGE": "60"}
    assert _python(code.format(argv=["manage.py", "runserver"]), **env).stdout.strip() == "0"
    assert _python(code.format(argv=["gunicorn"]), **env).stdout.strip() == "60"


PRODUCTION = {  # the README's production environment
    "DJANGO_SECRET_KEY": "k7#Rz!m2Qp9@wLx4$Vn8^Ht3&Jb6*Yc1(Fg5)Ds0-Ea+Uo_Ki=Pl[Nq]Wr{Xe}Tz",
    "DJANGO_DEBUG": "0",
    "DJANGO_ALLOWED_HOSTS": "zhucun.example.gov.cn",
    "DJANGO_SECURE_COOKIES": "1",
    "DJANGO_PROXY_COUNT": "1",
}


def test_check_deploy_in_the_production_environment_gives_no_security_warning():
    """`manage.py check --deploy` with the README's production variables: HSTS, SSL redirect, secure cookies, the
    proxy header; and drf-spectacular's schema check (run by --deploy too) finds no view it cannot type."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(PRODUCTION, DJANGO_SETTINGS_MODULE="config.settings")
    done = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=300)
    found = [line for line in (done.stdout + done.stderr).splitlines() if re.match(r"^\S*: \(", line)
             or re.search(r"\((security|csp|axes)\.", line)]
    assert found == []
    assert done.returncode == 0, done.stderr


def test_pages_send_a_content_security_policy_that_allows_only_the_portals_own_scripts(world):
    user = f.UserFactory(username="zhang")
    c = Client()
    c.force_login(user)
    r = c.get("/")
    csp = r.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "static/portal.js" in r.content.decode()


INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I)


def test_no_template_has_an_inline_script_an_inline_handler_or_a_javascript_link():
    offenders = []
    for path in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or INLINE_HANDLER.search(text) or "javascript:" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_geolocation_is_allowed_on_the_check_in_page_only(world):
    user = f.UserFactory(username="zhang")
    c = Client()
    c.force_login(user)
    assert "geolocation=()" in c.get("/").headers["Permissions-Policy"]
    assert "camera=()" in c.get("/").headers["Permissions-Policy"]
    assert "geolocation=()" in Client().get("/login/").headers["Permissions-Policy"]
    check_in = c.get("/attendance/check-in/")
    assert "geolocation=(self)" in check_in.headers["Permissions-Policy"]
    assert "attendance/check_in.js" in check_in.content.decode()


# ---- the audit log in the database -------------------------------------------------------------------------------

def test_the_database_refuses_to_update_or_delete_an_audit_record(world):
    from django.db import DatabaseError, transaction

    from jurisdictions.audit import audit_record
    from jurisdictions.models import AuditEvent

    admin = f.user_with_role(Role.JURISDICTION_ADMIN, username="admin_gz", jurisdiction=world.jurisdiction)
    audit_record(actor=admin, action="test.write", obj=world.county, summary="原始记录")
    event = AuditEvent.objects.get(action="test.write")
    with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="篡改")
    with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == "原始记录"


def test_the_public_whereabouts_board_is_rate_limited_per_address_in_chinese(world):
    page = Client(REMOTE_ADDR="10.8.8.8")
    api = APIClient(REMOTE_ADDR="10.9.9.9")
    from attendance.models import BoardLink

    url = f"/whereabouts/b/{BoardLink.objects.create(village=world.village_a).token}/"
    for i in range(30):  # guessing links (and walking village ids) is answered 404 ...
        assert page.get(f"/whereabouts/b/guess{i}/").status_code == 404
        assert page.get(f"/whereabouts/{world.village_a.pk + i}/").status_code == 404
    r = page.get(url)  # ... and then slowed down, in Chinese
    assert r.status_code == 429 and "请求过于频繁" in r.content.decode()
    assert Client(REMOTE_ADDR="10.10.10.10").get(url).status_code == 200
    # the API by village id is for signed-in users in scope; it keeps a per-address throttle too
    api.force_authenticate(f.user_with_role(Role.JURISDICTION_ADMIN, jurisdiction=world.jurisdiction))
    for _ in range(60):
        assert api.get("/api/v1/whereabouts/", {"village": world.village_a.pk}).status_code == 200
    r = api.get("/api/v1/whereabouts/", {"village": world.village_a.pk})
    assert r.status_code == 429 and r.json()["code"] == "throttled"
