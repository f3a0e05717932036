"""Issue 15: a web process keeps the policy table and the calendar (jurisdictions.reference_cache). A write, by any
path, is seen by the very next request in the same process; one jurisdiction's rows never answer for another's; the
role grants are read again on every request; a decision's snapshot never aliases the kept rows."""

from datetime import date

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from attendance.tests.conftest import mark, world_with_clerk
from jurisdictions import reference_cache
from jurisdictions.models import CalendarDay, PolicyRow, Role, RoleGrant
from jurisdictions.policy import policy_in_force
from jurisdictions.services import policy_version_add, role_grant_revoke
from tests import factories as f

pytestmark = pytest.mark.django_db
URL = "/api/v1/attendance/monthly/"


def token_client(user) -> APIClient:
    """A client as the API's users are: a token on every request (the user is read afresh each time)."""
    return APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


def month_of(client, cadre, month="2026-10") -> dict:
    r = client.get(URL, {"cadre": cadre.id, "month": month})
    assert r.status_code == 200, r.content
    return r.json()


def test_a_policy_version_added_by_an_admin_is_seen_by_the_next_request_in_the_same_process():
    w, clerk, cadre = world_with_clerk("ganzhou")
    client = token_client(clerk)
    assert month_of(client, cadre)["required_days"] == 20
    assert month_of(client, cadre)["required_days"] == 20  # now answered from the process's copy
    admin = f.user_with_role(Role.JURISDICTION_ADMIN, jurisdiction=w.jurisdiction)
    policy_version_add(actor=admin, jurisdiction=w.jurisdiction, key="attendance.required_days", value={"days": 22},
                       effective_from=date(2026, 10, 1), reason="县里提高了在岗天数要求")
    body = month_of(client, cadre)
    assert (body["required_days"], body["rule_ref"]) == (22, "ganzhou art.16")
    assert month_of(client, cadre, "2026-09")["required_days"] == 20  # the earlier version still rules September


def test_a_version_written_in_bulk_past_the_services_is_seen_too():
    """The stamp is kept by the database, not by the services: no write path can leave a process stale."""
    w, clerk, cadre = world_with_clerk("ganzhou")
    client = token_client(clerk)
    assert month_of(client, cadre)["required_days"] == 20
    base = PolicyRow.objects.filter(jurisdiction=w.jurisdiction, key="attendance.required_days").latest(
        "effective_from")
    PolicyRow.objects.bulk_create([PolicyRow(jurisdiction=w.jurisdiction, key=base.key, rule_ref=base.rule_ref,
                                             value={**base.value, "days": 18}, effective_from=date(2026, 10, 1))])
    assert month_of(client, cadre)["required_days"] == 18


def test_a_calendar_day_saved_in_the_django_admin_is_seen_by_the_next_request(client):
    w, clerk, cadre = world_with_clerk("qujiang")  # statutory working days (qujiang art.13)
    api = token_client(clerk)
    assert month_of(api, cadre)["required_days"] == 18
    assert month_of(api, cadre)["required_days"] == 18
    client.force_login(f.UserFactory(username="root", is_superuser=True, is_staff=True))
    response = client.post("/admin/jurisdictions/calendarday/add/",
                           {"date": "2026-10-31", "is_working_day": "on", "name": "测试调休"})
    assert response.status_code == 302 and CalendarDay.objects.filter(date=date(2026, 10, 31)).exists()
    assert month_of(api, cadre)["required_days"] == 19


def test_each_jurisdiction_is_answered_from_its_own_rows_whatever_was_asked_before():
    gz, gz_clerk, gz_cadre = world_with_clerk("ganzhou")
    qj, qj_clerk, qj_cadre = world_with_clerk("qujiang")
    mark(gz_cadre, gz.township_a, [date(2026, 10, d) for d in range(1, 20)])
    gz_api, qj_api = token_client(gz_clerk), token_client(qj_clerk)
    for _ in range(2):  # cold, then from the process's copy, in both orders
        for api, cadre, expected in ((gz_api, gz_cadre, (20, "ganzhou art.16", 19)),
                                     (qj_api, qj_cadre, (18, "qujiang art.13", 0))):
            body = month_of(api, cadre)
            assert (body["required_days"], body["rule_ref"], body["counted_days"]) == expected
    admin = f.user_with_role(Role.JURISDICTION_ADMIN, jurisdiction=gz.jurisdiction)
    policy_version_add(actor=admin, jurisdiction=gz.jurisdiction, key="attendance.required_days", value={"days": 15},
                       effective_from=date(2026, 10, 1), reason="测试")
    assert month_of(qj_api, qj_cadre)["required_days"] == 18
    assert month_of(gz_api, gz_cadre)["required_days"] == 15


def test_a_revoked_grant_takes_effect_on_the_next_request():
    w, clerk, cadre = world_with_clerk("ganzhou")
    client = token_client(clerk)
    assert month_of(client, cadre)["cadre"] == cadre.id
    admin = f.user_with_role(Role.JURISDICTION_ADMIN, jurisdiction=w.jurisdiction)
    role_grant_revoke(actor=admin, grant=RoleGrant.objects.get(user=clerk))
    assert client.get(URL, {"cadre": cadre.id, "month": "2026-10"}).status_code == 404


def test_a_snapshot_taken_from_the_kept_rows_is_a_copy(world):
    reference_cache.request_begin()  # as inside a request: the rows are kept
    try:
        policy = policy_in_force(world.jurisdiction, date(2026, 10, 1))
        snap = policy.snapshot(["attendance.required_days"])
        snap["attendance.required_days"]["value"]["days"] = 99
        again = policy_in_force(world.jurisdiction, date(2026, 10, 1))
        assert again.value("attendance.required_days")["days"] == 20
        assert again.get("attendance.required_days") is policy.get("attendance.required_days")  # kept, not re-read
    finally:
        reference_cache.request_end()


def test_the_role_grants_read_with_the_api_token_are_the_users_grants_and_need_no_query_of_their_own(
        world, django_assert_num_queries):
    from config.security import ExpiringTokenAuthentication
    from jurisdictions.scoping import grant_scope

    user = f.user_with_role(Role.ATTENDANCE_CLERK, org_unit=world.township_a)
    f.grant(user, Role.COUNTY_OFFICE, jurisdiction=world.jurisdiction)
    key = Token.objects.create(user=user).key
    with django_assert_num_queries(1):  # the token, its user, the stamp and the grants
        authenticated, _ = ExpiringTokenAuthentication().authenticate_credentials(key)
    with django_assert_num_queries(0):
        scope = grant_scope(authenticated)

    def shown(grants):
        return [(g.pk, g.role, g.jurisdiction_id, g.org_unit_id, g.dispatch_unit_id, g.created_at,
                 g.org_unit and (g.org_unit.pk, g.org_unit.name, g.org_unit.path, g.org_unit.kind)) for g in grants]

    expected = list(RoleGrant.objects.filter(user=user).select_related("org_unit").order_by("id"))
    assert shown(scope.grants) == shown(expected) and len(expected) == 2
    assert scope.org_paths == [world.township_a.path] and scope.jurisdiction_ids == {world.jurisdiction.id}


def test_a_renamed_jurisdiction_is_seen_by_the_next_request(world):
    from jurisdictions.models import Jurisdiction
    from jurisdictions.selectors import jurisdiction_by_id

    def in_a_request():
        reference_cache.request_begin()
        try:
            policy_in_force(world.jurisdiction, date(2026, 10, 1))  # reads (and keeps) the stamp with the rows
            return jurisdiction_by_id(world.jurisdiction.id)
        finally:
            reference_cache.request_end()

    assert in_a_request().name == world.jurisdiction.name
    in_a_request().name = "改了也不算"  # a copy: changing it changes nothing kept
    assert in_a_request().name == world.jurisdiction.name
    Jurisdiction.objects.filter(pk=world.jurisdiction.pk).update(name="新名称")
    assert in_a_request().name == "新名称"
