"""The contract paths of DESIGN.md as an independent client uses them: token auth, JSON in, JSON out."""

from datetime import timedelta

from rest_framework.test import APIClient

from jurisdictions.models import Role

from .helpers import PAST, START


def token_client(user) -> APIClient:
    client = APIClient()
    r = client.post("/api/v1/auth/token/", {"username": user.username, "password": "pass-1234"}, format="json")
    assert r.status_code == 200, r.json()
    client.credentials(HTTP_AUTHORIZATION=f"Token {r.json()['token']}")
    return client


def test_an_independent_client_submits_lists_approves_and_returns(gz):
    cadre = token_client(gz.member.user)
    r = cadre.post("/api/v1/leave-requests/", {"cadre": gz.member.pk, "kind": "personal",
                                               "start_date": START.isoformat(),
                                               "end_date": (START + timedelta(days=15)).isoformat(),
                                               "reason": "家人住院", "channel": "sms"}, format="json")
    assert r.status_code == 201
    body = r.json()
    assert {"id", "days", "status", "approvals", "filings", "replacement_required", "written_followup_due",
            "rule_ref"} <= set(body)
    assert body["days"] == 16 and body["status"] == "pending" and body["replacement_required"] is True
    assert body["written_followup_due"] and body["rule_ref"] == "ganzhou art.17"
    assert [{k: a[k] for k in ("stage", "role", "status")} for a in body["approvals"]] == [
        {"stage": 1, "role": "county_group", "status": "pending"}]
    assert isinstance(body["approvals"][0]["id"], int) and body["filings"] == []

    group = token_client(gz.users[Role.COUNTY_GROUP])
    inbox = group.get("/api/v1/leave-requests/?mine=approver").json()
    assert inbox["count"] == 1 and inbox["previous"] is None and inbox["results"][0]["id"] == body["id"]
    assert group.get("/api/v1/leave-requests/").json()["count"] == 1
    assert group.get(f"/api/v1/leave-requests/{body['id']}/").json()["id"] == body["id"]
    approved = group.post(f"/api/v1/leave-requests/{body['id']}/approve/", {"comment": "同意，派出单位安排接替"},
                          format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    conflict = group.post(f"/api/v1/leave-requests/{body['id']}/reject/", {"comment": "x"}, format="json")
    assert conflict.status_code == 409 and set(conflict.json()) == {"code", "detail"}


def test_an_independent_client_records_a_return_and_cancels(gz):
    cadre = token_client(gz.member.user)
    past = cadre.post("/api/v1/leave-requests/", {"cadre": gz.member.pk, "kind": "sick", "start_date": PAST.isoformat(),
                                                  "end_date": (PAST + timedelta(days=2)).isoformat(),
                                                  "reason": "发烧", "channel": "phone"}, format="json").json()
    token_client(gz.users[Role.TOWNSHIP_SECRETARY]).post(f"/api/v1/leave-requests/{past['id']}/approve/")
    back = cadre.post(f"/api/v1/leave-requests/{past['id']}/return/",
                      {"returned_on": (PAST + timedelta(days=1)).isoformat()}, format="json")
    assert back.status_code == 200 and back.json()["actual_days"] == 1
    pending = cadre.post("/api/v1/leave-requests/", {"cadre": gz.member.pk, "kind": "annual",
                                                     "start_date": START.isoformat(), "end_date": START.isoformat(),
                                                     "reason": "休假"}, format="json").json()
    assert cadre.post(f"/api/v1/leave-requests/{pending['id']}/cancel/").json()["status"] == "cancelled"
    assert APIClient().get("/api/v1/leave-requests/").status_code in (401, 403)
