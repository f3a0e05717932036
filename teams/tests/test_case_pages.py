"""Personnel-case pages (issue 11): the county's queue, a case opened from a flag, decisions, the notice."""

from attendance.models import Flag
from conftest import build_world
from jurisdictions.models import Role
from teams.models import PersonnelCase
from tests import factories as f


def _setup(code="ganzhou"):
    w = build_world(code)
    m = f.MembershipFactory(team=w.team_a, cadre__dispatch_unit=w.dispatch_unit, cadre__dispatch_level="county",
                            cadre__name="周建国")
    return w, m


def test_a_recall_flag_opens_a_prefilled_case_and_the_county_group_decides_it_ganzhou_art_22(client, db):
    w, m = _setup()
    office = f.user_with_role(Role.COUNTY_OFFICE, org_unit=w.county)
    group = f.user_with_role(Role.COUNTY_GROUP, org_unit=w.county)
    flag = Flag.objects.create(jurisdiction=w.jurisdiction, cadre=m.cadre, kind="recall_candidate",
                               rule_ref="ganzhou art.21", source="inspection", key="k", detail="两次无故脱岗")
    client.force_login(office)
    queue = client.get("/personnel-cases/").content.decode()
    assert "周建国" in queue and f"flag={flag.id}" in queue
    form = client.get(f"/personnel-cases/new/?cadre={m.cadre_id}&kind=recall&flag={flag.id}").content.decode()
    assert 'value="4" selected' in form and "两次无故脱岗" in form  # ground 4 (无故脱岗且未改正) from flag_grounds
    r = client.post(f"/personnel-cases/new/?cadre={m.cadre_id}&kind=recall&flag={flag.id}",
                    {"ground": "4", "note": "两次无故脱岗"})
    case = PersonnelCase.objects.get()
    assert r.status_code == 302 and case.flag == flag
    assert "周建国" not in client.get("/personnel-cases/").content.decode().split("待我审批")[0]
    # the county group sees it in its inbox (leave and personnel cases together) and decides on the page
    client.force_login(group)
    assert "周建国" in client.get("/leave/inbox/").content.decode()
    client.post(f"/personnel-cases/{case.pk}/", {"decision": "approve", "comment": "同意召回"})
    case.refresh_from_db()
    assert case.status == "approved"
    notice = client.get(f"/personnel-cases/{case.pk}/notice/").content.decode()
    assert "关于周建国同志召回的通知" in notice and "无故脱岗且未改正" in notice
    # cited as an office writes it: 《document》（number）第二十二条, without the portal's remark on the missing date
    assert "《驻村第一书记和工作队选派管理办法（试行）》（赣市办字〔2021〕19号）第二十二条" in notice
    assert "文件未载印发日期" not in notice
    assert "<script>" not in notice and "onclick" not in notice


def test_the_neighbouring_township_gets_404_on_a_case_page_and_its_notice(client, db):
    w, m = _setup()
    township = f.user_with_role(Role.TOWNSHIP_SECRETARY, org_unit=w.township_a)
    bob = f.user_with_role(Role.TOWNSHIP_SECRETARY, org_unit=w.township_b)
    client.force_login(township)
    client.post(f"/personnel-cases/new/?cadre={m.cadre_id}&kind=recall", {"ground": "4", "note": "x"})
    case = PersonnelCase.objects.get()
    client.force_login(bob)
    assert client.get(f"/personnel-cases/{case.pk}/").status_code == 404
    assert client.get(f"/personnel-cases/{case.pk}/notice/").status_code == 404
    assert client.post(f"/personnel-cases/{case.pk}/", {"decision": "approve"}).status_code == 404


def test_a_recalled_linfen_cadres_page_shows_the_consequences_and_the_team_page_the_gap_art_9(client, db):
    w, m = _setup("linfen")
    f.MembershipFactory(team=w.team_a)
    office = f.user_with_role(Role.COUNTY_OFFICE, org_unit=w.county)
    client.force_login(office)
    client.post(f"/personnel-cases/new/?cadre={m.cadre_id}&kind=recall", {"ground": "1", "note": "年度考核不称职"})
    case = PersonnelCase.objects.get()
    client.post(f"/personnel-cases/{case.pk}/", {"decision": "approve"})
    team_page = client.get(f"/teams/{w.team_a.id}/").content.decode()
    assert "空缺待补" in team_page and "周建国" in team_page
    # the recalled cadre is no longer stationed: the dispatch unit still sees the cadre's page
    client.force_login(f.user_with_role(Role.DISPATCH_UNIT, dispatch_unit=w.dispatch_unit))
    cadre_page = client.get(f"/cadres/{m.cadre_id}/").content.decode()
    assert "不得评先评优" in cadre_page and "不得提拔使用" in cadre_page and "记入本人档案" in cadre_page
