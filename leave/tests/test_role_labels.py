"""Approver and filing offices are named after the jurisdiction's level: 曲江 is a 区 (its route text says
报区委组织部…备案), 新丰 and 丰都 are 县, and in a city (赣州, 临汾) the county-level offices are 县（市、区）…"""


import pytest
from django.test import Client

from jurisdictions.models import Role
from leave import rules

from .helpers import submit


@pytest.mark.parametrize(("level", "expected"), [
    ("district", "区委组织部"), ("county", "县委组织部"), ("city", "县（市、区）委组织部"), (None, "县委组织部"),
])
def test_the_county_org_dept_is_named_after_the_jurisdiction_level(level, expected):
    assert rules.role_label("county_org_dept", level) == expected


def test_every_county_level_office_follows_the_level_and_other_roles_keep_their_name():
    assert rules.role_label("county_rr_bureau", "district") == "区乡村振兴局"
    assert rules.role_label("county_office", "city") == "县（市、区）驻村工作领导小组办公室"
    assert rules.role_label("county_group", "county") == "县驻村工作领导小组"
    assert rules.role_label("township_secretary", "district") == "乡镇党委书记"
    assert rules.role_label("city_org_dept", "city") == "市委组织部"
    assert rules.role_label("no_such_role", "county") == "no_such_role"


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_qujiang_art_14_a_leaders_leave_is_filed_with_the_district_org_dept_in_the_api_and_the_page(api, lw):
    """qujiang art.14: 队长请假…报区委组织部和乡村振兴部门备案 — the filings say 区…, never 县…"""
    x = lw("qujiang")
    body = submit(api, x.leader.user, x.leader, 3).json()
    assert [(fl["role"], fl["role_label"]) for fl in body["filings"]] == [
        ("county_org_dept", "区委组织部"), ("county_rr_bureau", "区乡村振兴局")]
    assert [(a["role"], a["role_label"]) for a in body["approvals"]] == [("township_secretary", "乡镇党委书记")]
    page = login(x.leader.user).get(f"/leave/{body['id']}/").content.decode()
    assert "报区委组织部备案" in page and "报区乡村振兴局备案" in page and "县委组织部" not in page
    assert "韶关市曲江区文件第14条" in page


@pytest.mark.django_db
def test_xinfeng_default_files_with_the_county_org_dept_and_shows_the_rule_as_a_system_default(api, lw):
    """xinfeng default (the regulation is silent on leave; same routes as 曲江): 新丰 is a 县."""
    x = lw("xinfeng")
    body = submit(api, x.leader.user, x.leader, 3).json()
    assert [fl["role_label"] for fl in body["filings"]] == ["县委组织部", "县乡村振兴局"]
    assert "区委组织部" not in body["route_label"]
    page = login(x.users[Role.TOWNSHIP_SECRETARY]).get("/leave/inbox/").content.decode()
    assert "新丰县：文件未规定，系统默认" in page and "报县委组织部备案" in page and "区委组织部" not in page


@pytest.mark.django_db
def test_ganzhou_art_17_county_level_approvers_read_as_the_offices_of_the_county_city_or_district(api, gz):
    """ganzhou art.17: a city; its county-level approvers are those of the cadre's 县（市、区）."""
    body = submit(api, gz.member.user, gz.member, 8).json()
    labels = {a["role"]: a["role_label"] for a in body["approvals"]}
    county_roles = {r: label for r, label in labels.items() if r.startswith("county_")}
    assert county_roles and all(label.startswith("县（市、区）") for label in county_roles.values())
    page = login(gz.member.user).get(f"/leave/{body['id']}/").content.decode()
    assert "赣州市文件第17条" in page
    for label in county_roles.values():
        assert label in page
