"""Two approvers clicking at once decide a request once (the request row is locked, DESIGN.md)."""

import threading

from django.db import connection
from rest_framework.test import APIClient

from attendance.models import DailyRecord
from jurisdictions.models import AuditEvent, Role
from leave.models import LeaveApproval, LeaveRequest
from tests import factories as f

from .conftest import build_leave_world
from .helpers import submit


def _fire(users, path):
    barrier = threading.Barrier(len(users))
    codes = []

    def click(user):
        client = APIClient()
        client.force_authenticate(user=user)
        barrier.wait()
        try:
            codes.append(client.post(path).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(codes)


def _api(user=None):
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_two_township_secretaries_approving_at_once_decide_it_once(seeded_transactional_db, transactional_db, settings):
    """ganzhou art.17 (≤3 days, the township): one 200, one 409; one approval, attendance written once."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    gz = build_leave_world("ganzhou")
    second = f.UserFactory(username="second_secretary", jurisdiction=gz.w.jurisdiction)
    f.grant(second, Role.TOWNSHIP_SECRETARY, org_unit=gz.w.township_a)
    body = submit(lambda u: _api(u), gz.member.user, gz.member, 3).json()
    codes = _fire([gz.users[Role.TOWNSHIP_SECRETARY], second], f"/api/v1/leave-requests/{body['id']}/approve/")
    assert codes == [200, 409]
    assert LeaveRequest.objects.get(pk=body["id"]).status == "approved"
    assert LeaveApproval.objects.filter(request_id=body["id"], status="approved").count() == 1
    assert AuditEvent.objects.filter(action="leave.approve", object_id=body["id"]).count() == 1
    assert DailyRecord.objects.filter(cadre=gz.member, leave_request_id=body["id"]).count() == 3


def test_both_joint_approvers_clicking_at_once_approve_it_once(seeded_transactional_db, transactional_db, settings):
    """fengdu art.9 (>3 days, joint): both approvals count; the request is approved and marked exactly once."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    x = build_leave_world("fengdu")
    body = submit(lambda u: _api(u), x.member.user, x.member, 5).json()
    codes = _fire([x.users[Role.COUNTY_ORG_DEPT], x.users[Role.DISPATCH_UNIT]],
                  f"/api/v1/leave-requests/{body['id']}/approve/")
    assert codes == [200, 200]
    assert LeaveRequest.objects.get(pk=body["id"]).status == "approved"
    assert AuditEvent.objects.filter(action="attendance.leave_marked").count() == 1
    assert DailyRecord.objects.filter(cadre=x.member, leave_request_id=body["id"]).count() == 5
