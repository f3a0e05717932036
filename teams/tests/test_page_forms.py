"""The team and cadre pages read Django forms: a bad field answers the form's Chinese error, keeps what the user
typed and saves nothing (the selection and term rules stay in the services and are tested there)."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile

from teams.models import Cadre, Membership, Team
from tests import factories as f


def test_a_team_hosted_in_another_jurisdiction_is_refused_by_the_form_and_the_name_is_kept(
        client, world, other_world, admin_user):
    client.force_login(admin_user)
    r = client.post("/teams/new/", {"name": "外地驻村工作队", "kind": "village", "host_unit": other_world.village_a.id,
                                    "dispatch_level": "city", "term_start": "2026-03-01"})
    html = r.content.decode()
    assert r.status_code == 200 and "驻点不存在或不在您的管理范围内" in html and 'value="外地驻村工作队"' in html
    assert not Team.objects.filter(name="外地驻村工作队").exists()


def test_a_team_with_a_term_start_that_is_not_a_date_gives_the_forms_error(client, world, admin_user):
    client.force_login(admin_user)
    r = client.post("/teams/new/", {"name": "乙村驻村工作队", "kind": "village", "host_unit": world.village_b.id,
                                    "dispatch_level": "city", "term_start": "三月一日"})
    assert r.status_code == 200 and "日期格式应为 年-月-日" in r.content.decode()
    assert not Team.objects.filter(name="乙村驻村工作队").exists()


def test_adding_a_cadre_of_another_jurisdiction_to_a_team_gives_the_forms_error_and_keeps_the_reason(
        client, world, other_world, admin_user):
    stranger = f.CadreFactory(jurisdiction=other_world.jurisdiction, name="外地干部")
    client.force_login(admin_user)
    r = client.post(f"/teams/{world.team_a.id}/members/new/", {
        "cadre": stranger.id, "role": "member", "start_date": "2026-03-02", "override_reason": "熟悉产业"})
    html = r.content.decode()
    assert r.status_code == 200 and "该干部不可选派" in html and "熟悉产业</textarea>" in html
    assert not Membership.objects.filter(cadre=stranger).exists()


def test_ending_a_membership_with_a_way_out_of_the_list_gives_the_forms_error_and_keeps_the_member(
        client, world, admin_user):
    m = f.MembershipFactory(team=world.team_a, cadre__name="周建国")
    client.force_login(admin_user)
    r = client.post(f"/memberships/{m.id}/end/", {"kind": "vanished", "ground": "x", "end_date": "2026-03-02",
                                                  "note": "擅自离开"})
    html = r.content.decode()
    assert r.status_code == 200 and "请选择有效的选项" in html and 'value="擅自离开"' in html
    m.refresh_from_db()
    assert m.end_date is None


def test_registering_a_cadre_with_a_rank_out_of_the_list_gives_the_forms_error_and_keeps_the_name(
        client, world, admin_user):
    client.force_login(admin_user)
    r = client.post("/cadres/new/", {"name": "钱二", "gender": "male", "birth_date": "1985-06-15",
                                     "party_status": "member", "rank": "emperor", "category": "civil_servant",
                                     "dispatch_unit": world.dispatch_unit.id})
    html = r.content.decode()
    assert r.status_code == 200 and "请选择有效的选项" in html and 'value="钱二"' in html
    assert not Cadre.objects.filter(name="钱二").exists()


def test_registering_a_cadre_with_a_unit_of_another_jurisdiction_gives_the_forms_error(
        client, world, other_world, admin_user):
    client.force_login(admin_user)
    r = client.post("/cadres/new/", {"name": "钱三", "gender": "male", "birth_date": "1985-06-15",
                                     "party_status": "member", "rank": "section", "category": "civil_servant",
                                     "dispatch_unit": other_world.dispatch_unit.id})
    assert r.status_code == 200 and "派出单位不存在或不在您的管理范围内" in r.content.decode()
    assert not Cadre.objects.filter(name="钱三").exists()


def test_importing_a_roster_into_another_jurisdiction_gives_the_forms_error_and_imports_nothing(
        client, world, other_world, admin_user):
    client.force_login(admin_user)
    before = Cadre.objects.count()
    upload = SimpleUploadedFile("roster.xlsx", BytesIO(b"not really").getvalue())
    r = client.post("/cadres/import/", {"jurisdiction": other_world.jurisdiction.code, "file": upload})
    assert r.status_code == 200 and "辖区不存在或不在您的管理范围内" in r.content.decode()
    assert Cadre.objects.count() == before
