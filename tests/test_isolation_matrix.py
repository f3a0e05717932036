"""The isolation matrix (issue 14): every URL in the URL conf × method, as users of another jurisdiction holding
every role (and its admin, without superuser) and as lower roles of the same jurisdiction.

Jurisdiction A (ganzhou) has one object of each kind; every path parameter is filled with A's object. Every URL
name is classified below; a URL nobody classified fails the test.

- OBJECT urls name one of A's objects in their path: an outsider gets no 2xx for any method, a lower role of A
  gets no 2xx for a write.
- LIST urls (collections, pages without an id; A's ids go in the query string and the body): an outsider's 2xx
  must not show any of A's data (A's names carry the marker "机密甲"), and nothing may be written in A (no audit
  row of A appears while outsiders walk the matrix).
- SELF urls act on the signed-in user only (sign out everywhere, own notifications, own leave...): checked as LIST.
- PUBLIC urls need no login (login, the whereabouts board behind its unguessable link, the schema).
- The Django admin (``admin:*``): staff only; none of the users here is staff, so no 2xx except its login page.
"""

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import build_world
from jurisdictions.models import AuditEvent, DispatchUnit, OrgUnit, Role
from teams.models import Membership
from tests import factories as f

pytestmark = pytest.mark.django_db

MARK = "机密甲"

PUBLIC = {"login", "whereabouts-public", "api-token", "schema", "api-docs", "admin:login"}

SELF = {
    "home", "logout", "logout-everywhere", "notifications", "api-sign-out-everywhere",
    "api-jurisdictions",  # the list of tenants (names and documents) every signed-in user picks from
    "leave-mine", "leave-new", "subsidy-mine", "assessment-mine", "duties-page", "api-duties-mine", "diary-page",
    "attendance-check-in", "api-attendance-check-in",
}

LIST = {
    # jurisdictions
    "api-org-units", "api-dispatch-units", "api-users", "api-role-grants", "api-audit-events", "api-calendar",
    "jurisdiction-create", "audit-page",
    # teams
    "api-cadres", "api-cadres-import", "api-teams", "api-personnel-cases", "api-personnel-case-grounds",
    "team-list", "team-new", "cadre-list", "cadre-new", "cadre-import", "case-list", "case-new",
    # leave
    "api-leave-requests", "leave-inbox",
    # subsidies
    "api-trips", "api-subsidy-runs", "api-subsidy-statements", "subsidy-run-list",
    # funds
    "api-fund-accounts", "api-fund-account-proposal", "api-expenditures", "funds-ledger-list", "funds-sign-queue",
    # reports
    "api-reports-monthly", "reports-dashboard", "reports-dashboard-print", "reports-generate", "reports-quarterly",
    # assessment
    "api-assessment-periods", "api-assessments", "assessment-periods", "assessment-opinions",
    # attendance and duties
    "api-attendance", "api-attendance-monthly", "api-attendance-monthly-township", "api-attendance-daily-counts",
    "api-inspection-log", "api-attendance-sheets", "api-inspections", "api-whereabouts", "api-diaries",
    "api-duty-records", "api-monitored-households", "api-reports-overdue", "attendance-sheet",
    "attendance-sheet-cell", "attendance-sheet-confirm", "attendance-sheet-review", "attendance-sheet-fill",
    "attendance-sheet-print", "inspection-page", "duties-overdue-panel",
}

# url name → the object of A whose id fills its `pk` (other parameters: see `_kwargs`)
OBJECT = {
    **dict.fromkeys(["api-policy", "api-policy-export", "api-policy-import", "policy-page", "policy-version-add",
                     "policy-import", "policy-export"], "jurisdiction"),
    **dict.fromkeys(["api-cadre", "api-cadre-warnings", "api-cadre-flags", "cadre-detail",
                     "leave-cadre-history"], "cadre"),
    **dict.fromkeys(["api-team", "api-team-members", "team-detail", "member-new"], "team"),
    **dict.fromkeys(["api-membership-end", "api-membership-grounds", "api-membership-handover", "member-end",
                     "member-handover"], "membership"),
    **dict.fromkeys(["api-personnel-case", "api-personnel-case-approve", "api-personnel-case-reject",
                     "api-personnel-case-successor", "case-detail",
                     "case-notice"], "case"),
    **dict.fromkeys(["api-leave-request", "api-leave-approve", "api-leave-reject", "api-leave-cancel",
                     "api-leave-return", "api-leave-replacement", "api-leave-written-form", "leave-detail",
                     "leave-decide"], "leave"),
    **dict.fromkeys(["api-subsidy-run", "api-subsidy-run-export", "subsidy-run-row", "subsidy-run-export"], "run"),
    **dict.fromkeys(["api-fund-account", "funds-ledger", "funds-ledger-export"], "account"),
    **dict.fromkeys(["api-expenditure", "api-expenditure-sign", "api-expenditure-reject", "api-expenditure-receipts",
                     "api-expenditure-receipt", "funds-sign", "funds-reject", "funds-receipt-upload"],
                    "expenditure"),
    **dict.fromkeys(["api-reports-monthly-export", "reports-export"], "report"),
    **dict.fromkeys(["api-assessment-period", "api-assessment-period-publish", "api-assessment-period-export",
                     "assessment-grading", "assessment-publish", "assessment-export"], "period"),
    **dict.fromkeys(["api-assessment", "api-assessment-self-summary", "api-assessment-opinion", "api-assessment-score",
                     "api-assessment-poll", "api-assessment-grade", "assessment-detail", "assessment-grade-cell",
                     "assessment-opinion"], "assessment"),
    **dict.fromkeys(["api-attendance-sheet", "api-attendance-sheet-review"], "sheet"),
    "duty-record-file": "duty_record",
    "api-diary-photo": "diary",
    "whereabouts-village": "village",
}

WRITES = ("post", "patch", "put", "delete")
SIGN_OUT = {"logout", "logout-everywhere", "api-sign-out-everywhere"}


def _walk(patterns, prefix="", ns=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (f"{ns}:{p.name}" if ns and p.name else p.name)


def _concrete(route: str, values: dict) -> str:
    """A route ("api/v1/teams/<int:pk>/", admin's regexes) with every parameter filled."""
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m.group(1), 1)), route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values.get(m.group(1), "jurisdictions")), route)
    return "/" + route.lstrip("^").rstrip("$")


def _world_a():
    """Ganzhou, one object of each kind, every name carrying MARK."""
    from assessment.models import Assessment, AssessmentPeriod
    from attendance.models import BoardLink, DiaryEntry, DutyRecord, Inspection, MonitoredHousehold
    from funds.models import Expenditure, FundAccount, Receipt
    from leave.models import LeaveRequest
    from reports.tests.conftest import generate, seed_month
    from subsidies.models import Statement, SubsidyRun
    from teams.models import Cadre, PersonnelCase, Team

    w = build_world("ganzhou")
    m = seed_month(w)
    j = w.jurisdiction
    for i, unit in enumerate(OrgUnit.objects.filter(jurisdiction=j)):
        OrgUnit.objects.filter(pk=unit.pk).update(name=f"{MARK}{unit.name}{i}")
    for i, cadre in enumerate(Cadre.objects.filter(jurisdiction=j)):
        Cadre.objects.filter(pk=cadre.pk).update(name=f"{MARK}干部{i}", phone=f"1391234{i:04d}")
    Team.objects.filter(jurisdiction=j).update(name=f"{MARK}工作队")
    DiaryEntry.objects.filter(jurisdiction=j).update(content=f"{MARK}走访")
    Expenditure.objects.filter(jurisdiction=j).update(payee=f"{MARK}收款方")
    LeaveRequest.objects.filter(jurisdiction_id=j.pk).update(reason=f"{MARK}家中有事")
    admin_a = f.user_with_role(Role.JURISDICTION_ADMIN, jurisdiction=j)
    membership = Membership.objects.filter(cadre=m.c1).first()
    objects = {
        "jurisdiction": j, "cadre": m.c1, "team": w.team_a, "membership": membership, "village": w.village_a,
        "leave": LeaveRequest.objects.filter(cadre=m.c2).first(),
        "account": FundAccount.objects.filter(team=w.team_a).first(),
        "expenditure": Expenditure.objects.filter(account__team=w.team_a, status="pending").first(),
        "report": generate(m),
    }
    from attendance.models import AttendanceSheet

    objects["sheet"] = AttendanceSheet.objects.get(township=w.township_a)
    objects["receipt"] = Receipt.objects.create(expenditure=objects["expenditure"], file="receipts/x.pdf",
                                                name=f"{MARK}发票.pdf", size=10, uploaded_by=admin_a)
    run = SubsidyRun.objects.create(jurisdiction=j, month=date(2026, 3, 1))
    objects["run"] = run
    objects["statement"] = Statement.objects.create(run=run, jurisdiction=j, cadre=m.c1, month=run.month,
                                                    dispatch_unit=w.dispatch_unit, total=Decimal("100.00"))
    period = AssessmentPeriod.objects.create(jurisdiction=j, kind="annual", year=2025, start=date(2025, 1, 1),
                                             end=date(2025, 12, 31), rule_ref="ganzhou art.22", created_by=admin_a)
    objects["period"] = period
    objects["assessment"] = Assessment.objects.create(period=period, jurisdiction=j, cadre=m.c1,
                                                      township=w.township_a, rule_ref="ganzhou art.22")
    objects["case"] = PersonnelCase.objects.create(
        jurisdiction=j, cadre=m.c1, membership=membership, team=w.team_a, township=w.township_a, kind="recall",
        ground_code="absent", ground=f"{MARK}无故脱岗", ground_rule_ref="ganzhou art.21",
        route_key="personnel.route.recall", rule_ref="ganzhou art.21", proposed_by=admin_a)
    objects["duty_record"] = DutyRecord.objects.create(jurisdiction=j, kind="group_study", date=date(2026, 3, 5),
                                                       recorded_by=admin_a, team=w.team_a)
    objects["household"] = MonitoredHousehold.objects.create(jurisdiction=j, cadre=m.c1, name=f"{MARK}户",
                                                             paired_on=date(2026, 1, 5), created_by=admin_a)
    Inspection.objects.filter(jurisdiction=j).update(note=f"{MARK}抽查")
    objects["diary"] = DiaryEntry.objects.create(jurisdiction=j, cadre=m.c1, date=date(2026, 3, 4),
                                                 content=f"{MARK}日志", photo="diary/2026/03/x.jpg")
    objects["token"] = BoardLink.objects.create(village=w.village_a).token
    return w, m, objects


def _outsiders():
    """Jurisdiction B (fengdu): one user per role held there (granted ones, its admin without superuser, and the
    derived team leader and cadre), and one user holding all of them at once."""
    b = build_world("fengdu")
    users, union = {}, f.UserFactory(jurisdiction=b.jurisdiction)
    for role in Role:
        if role in (Role.TEAM_LEADER, Role.CADRE):
            continue
        where = {"org_unit": b.township_a} if role in (Role.TOWNSHIP_SECRETARY, Role.ATTENDANCE_CLERK) else \
            {"dispatch_unit": b.dispatch_unit} if role == Role.DISPATCH_UNIT else {"jurisdiction": b.jurisdiction}
        users[f"B {role}"] = f.user_with_role(role, **where)
        f.grant(union, role, **where)
    for role, member_role in ((Role.TEAM_LEADER, Membership.Role.LEADER), (Role.CADRE, Membership.Role.MEMBER)):
        user = f.UserFactory(jurisdiction=b.jurisdiction)
        f.MembershipFactory(team=b.team_a, cadre=f.CadreFactory(jurisdiction=b.jurisdiction, user=user),
                            role=member_role, start_date=date(2025, 1, 1))
        users[f"B {role}"] = user
    f.MembershipFactory(team=f.TeamFactory(jurisdiction=b.jurisdiction, host_unit=b.village_b),
                        cadre=f.CadreFactory(jurisdiction=b.jurisdiction, user=union), role=Membership.Role.LEADER,
                        start_date=date(2025, 1, 1))
    users["B every role at once"] = union
    return users


def _lower_roles(w, m):
    """Lower roles of A itself: township B's secretary and clerk, a cadre of team B, another dispatch unit."""
    users = {
        "A township_secretary of township B": f.user_with_role(Role.TOWNSHIP_SECRETARY, org_unit=w.township_b),
        "A attendance_clerk of township B": f.user_with_role(Role.ATTENDANCE_CLERK, org_unit=w.township_b),
        "A dispatch_unit (another unit)": f.user_with_role(
            Role.DISPATCH_UNIT, dispatch_unit=f.DispatchUnitFactory(jurisdiction=w.jurisdiction,
                                                                    level=DispatchUnit.Level.COUNTY)),
    }
    cadre_user = f.UserFactory(jurisdiction=w.jurisdiction)
    m.c3.__class__.objects.filter(pk=m.c3.pk).update(user=cadre_user)
    users["A cadre of team B"] = cadre_user
    return users


def _kwargs(name, objects):
    obj = objects[OBJECT[name]] if name in OBJECT else None
    return {"pk": getattr(obj, "pk", 1), "code": objects["jurisdiction"].code, "village_id": objects["village"].pk,
            "token": objects["token"], "rid": objects["receipt"].pk, "cadre_id": objects["cadre"].pk}


def _params(w, m, objects):
    """A's ids under every name a view reads them by, for query strings and bodies."""
    return {"township": w.township_a.pk, "village": w.village_a.pk, "cadre": m.c1.pk, "team": w.team_a.pk,
            "account": objects["account"].pk, "period": objects["period"].pk, "jurisdiction": "ganzhou",
            "org_unit": w.township_a.pk, "host_unit": w.village_a.pk, "parent": w.township_a.pk,
            "membership": objects["membership"].pk, "expenditure": objects["expenditure"].pk,
            "assessment": objects["assessment"].pk, "run": objects["run"].pk, "month": "2026-03", "year": 2026,
            "date": "2026-03-10", "start_date": "2026-03-16", "end_date": "2026-03-17", "status": "on_duty",
            "kind": "personal", "reason": "x", "amount": "10.00", "category": "publicity", "payee": "x",
            "content": "x", "grade": "excellent", "action": "approve", "approve": "1"}


def _request(client, method, path, params):
    is_api = path.startswith("/api/")
    if method == "get":
        return client.get(path, params)
    if is_api:
        return client.generic(method.upper(), path, data=json.dumps(params),
                              content_type="application/json")
    if method == "post":
        return client.post(path, params)
    from urllib.parse import urlencode

    return client.generic(method.upper(), path, data=urlencode(params),
                          content_type="application/x-www-form-urlencoded")


def test_no_user_of_another_jurisdiction_and_no_lower_role_gets_a_2xx_on_a_jurisdictions_objects():
    """Issue 14: the isolation matrix over the whole URL conf; a URL nobody classified fails it."""
    from django.core.cache import cache

    # signing out comes last: the rest must be walked signed in (checked at the end of each user's walk)
    routes = sorted(set(_walk(get_resolver().url_patterns)), key=lambda rn: (rn[1] in SIGN_OUT, rn[0], rn[1] or ""))
    unclassified = [(route, name) for route, name in routes
                    if not (name and (name in PUBLIC | SELF | LIST or name in OBJECT or name.startswith("admin:"))
                            or route.startswith("admin/"))]
    assert not unclassified, f"classify these URLs in tests/test_isolation_matrix.py: {unclassified}"

    w, m, objects = _world_a()
    params = _params(w, m, objects)
    outsiders, lower = _outsiders(), _lower_roles(w, m)
    a_events = AuditEvent.objects.filter(jurisdiction=w.jurisdiction)
    before = set(a_events.values_list("pk", flat=True))
    leaks, not_allowed = [], set()

    def walk(label, user, *, mode):
        """mode "full": every URL × method; "objects": GET on A's objects; "writes": writes on A's objects."""
        client = Client(raise_request_exception=False)
        client.force_login(user)
        signed_in_checked = False
        for route, name in routes:
            if name in PUBLIC or (route.startswith("admin/") and label != "B jurisdiction_admin"):
                continue  # the admin site is walked once (no user here is staff)
            kind = "admin" if route.startswith("admin/") else "object" if name in OBJECT else "list"
            if mode != "full" and kind != "object":
                continue
            path = _concrete(route, _kwargs(name, objects))
            is_api = path.startswith("/api/")
            # a page answers GET and POST (its form); an API view every method it declares (405: skipped after once)
            methods = ("get", *WRITES) if is_api and kind == "object" else ("get",) if kind == "admin" else \
                ("get", "post")
            for method in methods:
                if (route, method) in not_allowed or (mode == "writes" and method == "get") or \
                        (mode == "objects" and method != "get"):
                    continue
                cache.clear()  # throttles: a 429 would hide an answer
                if name in SIGN_OUT and not signed_in_checked:
                    assert client.get("/api/v1/jurisdictions/").status_code == 200, f"{label} lost its session"
                    signed_in_checked = True
                r = _request(client, method, path, params)
                if r.status_code == 405:
                    not_allowed.add((route, method))
                    continue
                body = b"" if r.streaming else r.content
                ok = 200 <= r.status_code < 300
                if r.status_code == 429 or r.status_code >= 500:
                    leaks.append(f"{label}: {method.upper()} {path} → {r.status_code} (unverified)")
                elif mode == "writes":
                    if ok and is_api:  # a page answering a POST with itself writes nothing: the audit check below
                        leaks.append(f"{label}: {method.upper()} {path} → {r.status_code}")
                elif kind in ("object", "admin") and ok:
                    leaks.append(f"{label}: {method.upper()} {path} → {r.status_code}")
                elif ok and MARK.encode() in body:
                    leaks.append(f"{label}: {method.upper()} {path} → {r.status_code} shows A's data")

    # The user holding every role of B and B's admin walk everything (a scope is the union of its grants: what one
    # role reaches, the union reaches); each single role of B asks for every one of A's objects.
    for label, user in outsiders.items():
        full = label in ("B every role at once", "B jurisdiction_admin")
        walk(label, user, mode="full" if full else "objects")
    written = list(a_events.exclude(pk__in=before).values_list("action", "summary"))
    for label, user in lower.items():
        walk(label, user, mode="writes")
    written += list(AuditEvent.objects.filter(actor__in=lower.values()).values_list("action", "summary"))
    assert not leaks, "\n".join(leaks)
    assert not written, f"outsiders or lower roles wrote in jurisdiction A: {written}"


def test_the_matrix_fills_every_parameter_with_a_real_object_of_jurisdiction_a():
    """Each OBJECT url names an object the world builds (a renamed kind would otherwise test nothing)."""
    kinds = set(OBJECT.values())
    assert kinds <= {"jurisdiction", "cadre", "team", "membership", "case", "leave", "run", "account", "expenditure",
                     "report", "period", "assessment", "sheet", "duty_record", "village", "diary"}
    named = {name for _, name in _walk(get_resolver().url_patterns) if name}
    assert set(OBJECT) | LIST | SELF <= named | {"schema", "api-docs"}, sorted((set(OBJECT) | LIST | SELF) - named)
