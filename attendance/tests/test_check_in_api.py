"""The check-in API (contract: POST /api/v1/attendance/check-in/): its serializers are built once per process
(issue 15), so every answer is checked against a serializer built afresh."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from ..apis import CheckInApi, RecordOut
from ..models import DailyRecord

pytestmark = pytest.mark.django_db
URL = "/api/v1/attendance/check-in/"


def test_the_check_in_answers_the_days_record_as_a_fresh_serializer_shapes_it(api, cadre_user):
    user, cadre = cadre_user
    for body in ({"latitude": "25.8312", "longitude": "114.9334"}, {}, {"latitude": "25.9", "longitude": "114.9"}):
        r = api(user).post(URL, body, format="json")
        record = DailyRecord.objects.get(cadre=cadre, date=timezone.localdate())
        assert r.status_code == 200
        assert r.json() == _fresh(record)
    assert r.json()["latitude"] == "25.900000" and r.json()["cadre"] == cadre.pk


def _fresh(record) -> dict:
    import json

    from rest_framework.renderers import JSONRenderer

    return json.loads(JSONRenderer().render(RecordOut(record).data))


def test_a_malformed_location_is_a_400_naming_the_fields_every_time_and_leaves_no_trace(api, cadre_user):
    user, cadre = cadre_user
    bad = {"latitude": "abc", "longitude": [1, 2]}
    expected = CheckInApi.Input(data=bad)
    assert not expected.is_valid()
    for _ in range(2):  # the same refusal each time (a refusal is re-checked by a fresh serializer)
        r = api(user).post(URL, bad, format="json")
        assert r.status_code == 400
        body = r.json()
        assert body["code"] == "invalid" and body["detail"].startswith("输入有误：")
        assert body["errors"] == {k: [str(m) for m in v] for k, v in expected.errors.items()}
    assert not DailyRecord.objects.filter(cadre=cadre).exists()
    assert api(user).post(URL, {"latitude": "25.8", "longitude": "114.9"}, format="json").status_code == 200


@pytest.mark.parametrize("raw", [b"null", b"[1, 2]", b'"25.8"'])
def test_a_body_that_is_no_object_is_the_same_400_as_a_fresh_serializer_gives(api, cadre_user, raw):
    import json

    user, cadre = cadre_user
    expected = CheckInApi.Input(data=json.loads(raw))
    assert not expected.is_valid()
    r = api(user).post(URL, raw, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid"
    assert r.json()["errors"] == {k: [str(m) for m in v] for k, v in expected.errors.items()}
    assert not DailyRecord.objects.filter(cadre=cadre).exists()


def test_a_phone_set_to_english_still_gets_chinese_messages(cadre_user):
    r = APIClient().post(URL, {}, format="json", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert r.status_code in (401, 403)
    assert r.json()["detail"] == "身份认证信息未提供。"
