"""The attendance pages read Django forms: a bad field answers the form's Chinese error, keeps what the user typed
and saves nothing (the rules themselves stay in the services and are tested there)."""

import pytest

from tests import factories as f

from ..models import AttendanceSheet, DailyRecord, DiaryEntry, Inspection
from .conftest import place

pytestmark = pytest.mark.django_db


def test_a_check_in_with_a_latitude_beyond_90_degrees_is_refused_by_the_form_and_records_nothing(client, world):
    user = f.UserFactory(username="gps_cadre", jurisdiction=world.jurisdiction)
    cadre = place(world.team_a, user=user)
    client.force_login(user)
    r = client.post("/attendance/check-in/", {"latitude": "95.5", "longitude": "114.93"}, follow=True)
    assert r.status_code == 200 and "纬度：纬度超出范围。" in r.content.decode()
    assert not DailyRecord.objects.filter(cadre=cadre).exists()


def test_a_grid_cell_for_a_cadre_of_another_jurisdiction_is_refused_by_the_form_and_saves_nothing(
        client, clerk, other_world):
    stranger = f.CadreFactory(jurisdiction=other_world.jurisdiction, name="外地干部")
    client.force_login(clerk)
    r = client.post("/attendance/sheet/cell/", {"cadre": stranger.id, "date": "2026-10-10", "status": "on_duty"})
    assert r.status_code == 400 and "干部不存在或不在您的管理范围内" in r.content.decode()
    assert not DailyRecord.objects.exists()


def test_a_grid_cell_with_an_unknown_status_shows_the_forms_error_in_the_cell_and_saves_nothing(client, clerk, member):
    client.force_login(clerk)
    r = client.post("/attendance/sheet/cell/", {"cadre": member.id, "date": "2026-10-10", "status": "holiday"})
    assert r.status_code == 200 and "未知的考勤状态" in r.content.decode() and "cell-error" in r.content.decode()
    assert not DailyRecord.objects.exists()


def test_a_confirmation_with_a_shortfall_reason_over_500_characters_is_refused_and_locks_nothing(
        client, clerk, member, world):
    client.force_login(clerk)
    r = client.post("/attendance/sheet/confirm/", {"township": world.township_a.id, "month": "2026-10",
                                                   "acknowledge_shortfall": "true", f"reason_{member.id}": "因" * 501},
                    follow=True)
    assert r.status_code == 200 and "理由不超过500字" in r.content.decode()
    assert not AttendanceSheet.objects.exists()


def test_confirming_the_sheet_of_a_township_out_of_scope_is_not_found(client, clerk, world):
    client.force_login(clerk)
    r = client.post("/attendance/sheet/confirm/", {"township": world.township_b.id, "month": "2026-10",
                                                   "acknowledge_shortfall": "true"})
    assert r.status_code == 404 and not AttendanceSheet.objects.exists()


def test_a_diary_with_a_date_that_is_not_a_date_gives_the_forms_error_and_keeps_the_text(client, world):
    user = f.UserFactory(username="diary_cadre", jurisdiction=world.jurisdiction)
    place(world.team_a, user=user)
    client.force_login(user)
    r = client.post("/diaries/", {"date": "2026-13-45", "content": "走访了三户脱贫户", "duty_area": "household_visit",
                                  "kind": "entry"})
    html = r.content.decode()
    assert r.status_code == 200 and "日期格式应为 年-月-日" in html
    assert "走访了三户脱贫户" in html and 'value="household_visit" selected' in html
    assert not DiaryEntry.objects.exists()


def test_an_inspection_of_a_cadre_of_another_jurisdiction_gives_the_forms_error_and_keeps_the_input(
        client, city_office, other_world):
    stranger = f.CadreFactory(jurisdiction=other_world.jurisdiction, name="外地干部")
    client.force_login(city_office)
    r = client.post("/inspections/", {"cadre": stranger.id, "date": "2026-10-12", "level": "city",
                                      "result": "absent_unexcused", "note": "电话不通"})
    html = r.content.decode()
    assert r.status_code == 200 and "干部不存在或不在您的管理范围内" in html
    assert 'value="电话不通"' in html and 'value="2026-10-12"' in html and "外地干部" not in html
    assert not Inspection.objects.exists()


def test_an_inspection_result_out_of_the_list_gives_the_forms_error_and_saves_nothing(client, city_office, member):
    client.force_login(city_office)
    r = client.post("/inspections/", {"cadre": member.id, "date": "2026-10-12", "level": "city", "result": "asleep"})
    html = r.content.decode()
    assert r.status_code == 200 and "结果：请选择有效的选项" in html
    assert f'value="{member.id}" selected' in html
    assert not Inspection.objects.exists()
