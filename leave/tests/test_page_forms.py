"""The leave pages read Django forms: a bad field answers the form's Chinese error and changes nothing."""


from django.test import Client

from jurisdictions.models import Role

from .helpers import PAST, submit


def login(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_decision_that_is_neither_approve_nor_reject_shows_the_forms_error_in_the_row(api, gz):
    body = submit(api, gz.member.user, gz.member, 2).json()
    r = login(gz.users[Role.TOWNSHIP_SECRETARY]).post(f"/leave/{body['id']}/decide/", {"decision": "maybe"},
                                                      HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "请选择同意或不同意" in r.content.decode()
    assert api(gz.member.user).get(f"/api/v1/leave-requests/{body['id']}/").json()["status"] == "pending"


def test_a_return_date_that_is_not_a_date_gives_the_forms_error_and_the_leave_stays_open(api, gz):
    body = submit(api, gz.member.user, gz.member, 3, start=PAST, channel="phone").json()
    api(gz.users[Role.TOWNSHIP_SECRETARY]).post(f"/api/v1/leave-requests/{body['id']}/approve/")
    r = login(gz.member.user).post(f"/leave/{body['id']}/", {"action": "return", "returned_on": "下周一"}, follow=True)
    assert "请填写正确的返岗日期" in r.content.decode()
    assert api(gz.member.user).get(f"/api/v1/leave-requests/{body['id']}/").json()["returned_on"] is None
