"""The team and cadre pages, for a township secretary in the browser."""

from datetime import date

from teams.idcard import with_check_digit
from teams.models import Cadre, Membership
from tests import factories as f


def test_the_team_page_shows_members_checks_and_the_rule_behind_each_check(client, world, alice):
    f.MembershipFactory(team=world.team_a, cadre__name="周建国")
    client.force_login(alice)
    page = client.get(f"/teams/{world.team_a.id}/").content.decode()
    assert "周建国" in page
    assert "工作队应不少于3人" in page and "ganzhou art.7" in page


def test_a_neighbouring_secretary_gets_404_on_the_team_page(client, world, bob):
    client.force_login(bob)
    assert client.get(f"/teams/{world.team_a.id}/").status_code == 404


def test_adding_a_member_on_the_page_without_a_reason_shows_the_soft_rule_and_saves_nothing(client, world, admin_user):
    cadre = f.CadreFactory(rank="deputy_section")
    client.force_login(admin_user)
    r = client.post(f"/teams/{world.team_a.id}/members/new/", {
        "cadre": cadre.id, "role": "member", "first_secretary": "1", "village": world.village_a.id,
        "start_date": "2026-03-02"}, follow=True)
    text = r.content.decode()
    assert "赣州市文件第6条" in text and "例外理由" in text
    assert not Membership.objects.filter(cadre=cadre).exists()
    client.post(f"/teams/{world.team_a.id}/members/new/", {
        "cadre": cadre.id, "role": "member", "first_secretary": "1", "village": world.village_a.id,
        "start_date": "2026-03-02", "override_reason": "乡镇党委推荐"})
    assert Membership.objects.get(cadre=cadre).overrides.get().reason == "乡镇党委推荐"


def test_the_cadre_list_page_lists_only_the_cadres_in_scope(client, world, alice, bob):
    f.MembershipFactory(team=world.team_a, cadre__name="周建国")
    client.force_login(bob)
    assert "周建国" not in client.get("/cadres/").content.decode()
    client.force_login(alice)
    assert "周建国" in client.get("/cadres/").content.decode()


def test_registering_a_cadre_with_a_bad_id_on_the_page_shows_the_reason(client, world, admin_user):
    good = with_check_digit("36070219850615011")
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    client.force_login(admin_user)
    r = client.post("/cadres/new/", {"name": "钱一", "gender": "male", "birth_date": "1985-06-15",
                                     "id_number": bad, "party_status": "member", "rank": "section",
                                     "category": "civil_servant", "dispatch_unit": world.dispatch_unit.id})
    assert "身份证号校验位不正确" in r.content.decode()
    assert not Cadre.objects.filter(name="钱一").exists()


def test_creating_a_team_on_the_page(client, world, admin_user):
    client.force_login(admin_user)
    r = client.post("/teams/new/", {"name": "乙村驻村工作队", "kind": "village", "host_unit": world.village_b.id,
                                    "dispatch_level": "city", "term_start": "2026-03-01"})
    assert r.status_code == 302
    from teams.models import Team

    team = Team.objects.get(name="乙村驻村工作队")
    assert team.term_end == date(2028, 3, 1)


def test_the_login_page_is_in_chinese(client, db):
    assert "登录驻村通" in client.get("/login/").content.decode()


def test_a_cadre_login_sees_no_forms_for_registering_people(client, world):
    me = f.MembershipFactory(team=world.team_a).cadre
    me.user = f.UserFactory()
    me.save()
    client.force_login(me.user)
    assert client.get("/cadres/new/").status_code == 403
    assert client.get("/teams/new/").status_code == 403
    home = client.get("/").content.decode()
    assert "今日打卡" in home and "补贴核算" not in home and "驻村干部<span>" not in home


def test_a_file_that_is_not_excel_gets_one_plain_message_on_the_import_page(client, world, admin_user):
    import io

    client.force_login(admin_user)
    junk = io.BytesIO(b"not excel")
    junk.name = "x.xlsx"
    r = client.post("/cadres/import/", {"jurisdiction": "ganzhou", "file": junk}, follow=True)
    text = r.content.decode()
    assert "无法读取文件" in text and "行存在错误" not in text
