"""Issue 16: a new county by data alone — create a jurisdiction, import a policy pack (diff, dry_run, validation),
and the portal's leave routes, attendance months and allowance runs follow the pack's figures."""

import copy
import json
import math
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jurisdictions.models import AuditEvent, Jurisdiction, PolicyRow, Role, User
from jurisdictions.policy import policy_in_force
from jurisdictions.policy_schema import schema_for
from jurisdictions.seed_data import all_rows
from tests import factories as f

pytestmark = pytest.mark.django_db
ON = "2025-03-01"


def superuser():
    return User.objects.filter(username="root16").first() or User.objects.create_superuser("root16", password="x" * 12)


def export(api, user, code, on=ON) -> dict:
    r = api(user).get(f"/api/v1/jurisdictions/{code}/policy/export/?on={on}")
    assert r.status_code == 200, r.content
    return r.json()


def upload(api, user, code, pack, *, effective_from="2025-01-01", dry_run=False, reason="新县首次录入"):
    file = SimpleUploadedFile("pack.json", json.dumps(pack, ensure_ascii=False).encode(), "application/json")
    return api(user).post(f"/api/v1/jurisdictions/{code}/policy/import/",
                          {"file": file, "effective_from": effective_from, "dry_run": dry_run, "reason": reason},
                          format="multipart")


def row(pack, key) -> dict:
    return next(r for r in pack["rows"] if r["key"] == key)


def fengdu_pack(api) -> dict:
    return export(api, superuser(), "fengdu")


def new_county(api, code="wuyuan"):
    root = superuser()
    r = api(root).post("/api/v1/jurisdictions/", {"code": code, "name": "婺源县", "level": "county",
                                                  "effective_from": "2025-01-01", "admin_username": f"{code}_admin",
                                                  "admin_password": "secret-123"}, format="json")
    assert r.status_code == 201, r.content
    return Jurisdiction.objects.get(code=code), User.objects.get(username=f"{code}_admin")


# ---- the whole story ----------------------------------------------------------------------------------------

def test_a_new_county_imports_fengdus_pack_with_a_5_day_threshold_and_120_yuan_and_the_portal_follows_it(api):
    """Done when (issue 16): a new jurisdiction, a pack derived from Fengdu's with the leave threshold moved from
    3 to 5 days (fengdu art.9), the daily rate from 100 to 120 yuan (fengdu art.20) and 3/4 instead of 2/3 of the
    month in the village (fengdu art.9): a leave request, an attendance month and an allowance run follow them."""
    from leave.tests.conftest import build_leave_world
    from leave.tests.helpers import START, stages, submit
    from subsidies.models import CadreAllowanceProfile
    from subsidies.tests.conftest import JUNE, cadre_in_post, days, run_month
    from subsidies.tests.test_lines import lines_of

    j, admin = new_county(api)
    assert admin.grants.get().role == Role.JURISDICTION_ADMIN
    pack = fengdu_pack(api)
    row(pack, "leave.route.01_1_3")["value"]["max_days"] = 5
    row(pack, "leave.route.02_4_plus")["value"]["min_days"] = 6
    row(pack, "subsidy.living_per_day")["value"]["amount"] = "120.00"
    row(pack, "attendance.required_days")["value"]["numerator"] = 3
    row(pack, "attendance.required_days")["value"]["denominator"] = 4
    dry = upload(api, admin, "wuyuan", pack, dry_run=True).json()
    assert dry["saved"] is False and "leave.route.01_1_3" in dry["foreign_refs"]  # still citing fengdu's articles
    r = upload(api, admin, "wuyuan", pack)
    assert r.status_code == 200, r.content
    assert r.json()["saved"] is True and r.json()["added"] == sorted(x["key"] for x in pack["rows"])

    x = build_leave_world("wuyuan")
    assert stages(submit(api, x.member.user, x.member, 5).json()) == [["township_secretary"]]
    later = START + timedelta(days=30)
    assert stages(submit(api, x.member.user, x.member, 6, start=later).json()) == [["county_org_dept",
                                                                                    "dispatch_unit"]]

    clerk = x.users[Role.ATTENDANCE_CLERK]
    month = api(clerk).get("/api/v1/attendance/monthly/", {"cadre": x.member.id, "month": "2026-10"}).json()
    assert month["required_days"] == math.ceil(31 * 3 / 4)  # 24, where Fengdu asks 21

    c = cadre_in_post(x.w, start=date(2023, 1, 1))
    CadreAllowanceProfile.objects.create(cadre=c)
    f.attendance_days(c, x.w.township_a, days(JUNE, 21))
    f.confirm_sheet(x.w.township_a, JUNE, f.UserFactory())
    run_month(x.w, JUNE)
    lines, _ = lines_of(c)
    assert (lines["living"].quantity, lines["living"].amount) == (21, D("2520.00"))


# ---- create a jurisdiction -------------------------------------------------------------------------------------

def test_only_a_superuser_creates_a_jurisdiction_and_a_new_one_has_no_rules_until_its_pack(api, admin_user):
    body = {"code": "wuyuan", "name": "婺源县", "level": "county", "effective_from": "2025-01-01"}
    assert api(admin_user).post("/api/v1/jurisdictions/", body, format="json").status_code == 403
    r = api(superuser()).post("/api/v1/jurisdictions/", body, format="json")
    assert r.status_code == 201 and r.json() == {"code": "wuyuan", "name": "婺源县", "level": "county",
                                                 "effective_from": "2025-01-01"}
    assert api(User.objects.get(username="root16")).post(
        "/api/v1/jurisdictions/", body, format="json").json()["code"] == "duplicate_code"
    from jurisdictions.policy import NoPolicy

    with pytest.raises(NoPolicy):
        policy_in_force(Jurisdiction.objects.get(code="wuyuan"), date(2025, 6, 1))


def test_another_jurisdictions_admin_can_neither_export_nor_import_and_a_township_secretary_may_not_import(
        api, world, charlie, alice):
    pack = export(api, superuser(), "ganzhou")
    assert api(charlie).get(f"/api/v1/jurisdictions/ganzhou/policy/export/?on={ON}").status_code == 404
    assert upload(api, charlie, "ganzhou", pack, dry_run=True).status_code == 404
    assert upload(api, alice, "ganzhou", pack, dry_run=True).status_code == 403


# ---- export, diff, dry_run ---------------------------------------------------------------------------------------

def test_the_export_holds_every_row_in_force_with_its_article_and_chinese_label(api, world, admin_user):
    pack = export(api, admin_user, "ganzhou")
    assert pack["jurisdiction"]["code"] == "ganzhou" and pack["on"] == ON
    assert {r["key"] for r in pack["rows"]} == set(dict(policy_in_force(world.jurisdiction, date(2025, 3, 1)).items()))
    living = row(pack, "subsidy.living_per_day")
    assert living["label"] == "生活补助" and living["rule_ref"] == "ganzhou art.27" and living["is_default"] is True
    assert living["value"]["city"] == "100.00" and living["value"]["county"] is None and living["note"]


def test_a_dry_run_answers_the_exact_diff_and_saves_nothing(api, world, admin_user):
    pack = export(api, admin_user, "ganzhou")
    row(pack, "subsidy.living_per_day")["value"]["county"] = "90.00"
    row(pack, "leave.in_advance")["rule_ref"] = "ganzhou art.18"
    pack["rows"] = [r for r in pack["rows"] if r["key"] != "duties.household_pairing"]
    pack["rows"].append({"key": "duties.research_reports", "value": {"per_year": 2}, "rule_ref": "ganzhou default"})
    before = PolicyRow.objects.count(), AuditEvent.objects.count()
    r = upload(api, admin_user, "ganzhou", pack, effective_from="2026-12-01", dry_run=True)
    body = r.json()
    assert r.status_code == 200 and body["saved"] is False
    assert body["added"] == ["duties.research_reports"] and body["removed"] == ["duties.household_pairing"]
    assert [(c["key"], c["fields"]) for c in body["changed"]] == [
        ("leave.in_advance", ["rule_ref"]), ("subsidy.living_per_day", ["value.county"])]
    living = body["changed"][1]
    assert living["old"]["county"] is None and living["new"]["county"] == "90.00"
    assert (PolicyRow.objects.count(), AuditEvent.objects.count()) == before


def test_a_saved_import_writes_only_the_changed_rows_and_a_removed_key_is_absent_from_that_day(api, world,
                                                                                              admin_user):
    pack = export(api, admin_user, "ganzhou")
    row(pack, "subsidy.living_per_day")["value"]["county"] = "90.00"
    pack["rows"] = [r for r in pack["rows"] if r["key"] != "duties.household_pairing"]
    before = PolicyRow.objects.filter(jurisdiction=world.jurisdiction).count()
    body = upload(api, admin_user, "ganzhou", pack, effective_from="2026-12-01").json()
    assert body["saved"] is True
    assert PolicyRow.objects.filter(jurisdiction=world.jurisdiction).count() == before + 2
    after = policy_in_force(world.jurisdiction, date(2026, 12, 1))
    assert after.value("subsidy.living_per_day")["county"] == "90.00" and "duties.household_pairing" not in after
    earlier = policy_in_force(world.jurisdiction, date(2026, 11, 30))  # history is unchanged
    assert earlier.value("subsidy.living_per_day")["county"] is None and "duties.household_pairing" in earlier
    assert AuditEvent.objects.filter(action="policy_pack.import", actor=admin_user).count() == 1
    # importing the same pack again changes nothing
    assert upload(api, admin_user, "ganzhou", pack, effective_from="2026-12-01", dry_run=True).json()["changed"] == []


def test_a_back_dated_import_needs_a_reason_and_leaves_a_taken_decision_its_snapshot(api, world, admin_user):
    """A version effective in the past needs a reason; a run already made keeps the rates it used."""
    pack = export(api, admin_user, "ganzhou")
    row(pack, "subsidy.living_per_day")["value"]["city"] = "130.00"
    r = upload(api, admin_user, "ganzhou", pack, effective_from="2025-01-01", reason="")
    assert r.status_code == 400 and r.json()["code"] == "reason_required"
    assert not PolicyRow.objects.filter(jurisdiction=world.jurisdiction, effective_from=date(2025, 1, 1)).exists()
    snapshot = policy_in_force(world.jurisdiction, date(2025, 6, 1)).snapshot(["subsidy.living_per_day"])
    assert upload(api, admin_user, "ganzhou", pack, effective_from="2025-01-01",
                  reason="市级标准自年初调整").json()["saved"] is True
    assert snapshot["subsidy.living_per_day"]["value"]["city"] == "100.00"  # what a decision stored stays
    event = AuditEvent.objects.get(action="policy_row.add", data__reason="市级标准自年初调整")
    assert event.actor == admin_user


# ---- validation: each failure is a 400 invalid_policy naming key, field and what is wrong; nothing saved ----

def _refused(api, admin_user, pack, key, field, words):
    before = PolicyRow.objects.count()
    r = upload(api, admin_user, "ganzhou", pack, effective_from="2026-12-01")
    body = r.json()
    assert r.status_code == 400 and body["code"] == "invalid_policy", body
    assert any(e["key"] == key and e["field"] == field and words in e["detail"] for e in body["errors"]), body
    assert PolicyRow.objects.count() == before


def test_an_unknown_key_is_refused(api, world, admin_user):
    pack = export(api, admin_user, "ganzhou")
    pack["rows"].append({"key": "subsidy.bonus", "value": {"amount": "1.00"}, "rule_ref": "ganzhou art.27"})
    _refused(api, admin_user, pack, "subsidy.bonus", None, "未知的规则键")


def test_a_missing_field_is_refused(api, world, admin_user):
    pack = export(api, admin_user, "ganzhou")
    del row(pack, "team.size_min")["value"]["min"]
    _refused(api, admin_user, pack, "team.size_min", "min", "缺少必填字段")


def test_a_role_the_portal_does_not_know_is_refused(api, world, admin_user):
    pack = export(api, admin_user, "ganzhou")
    row(pack, "leave.route.01_1_3")["value"]["stages"] = [["village_chief"]]
    _refused(api, admin_user, pack, "leave.route.01_1_3", "stages", "系统没有角色“village_chief”")


def test_overlapping_leave_routes_are_refused_ganzhou_art_17(api, world, admin_user):
    pack = export(api, admin_user, "ganzhou")
    row(pack, "leave.route.02_4_7")["value"]["min_days"] = 3  # 3 days would have two routes
    _refused(api, admin_user, pack, "leave.route.02_4_7", "min_days", "重叠")


def test_gapped_leave_routes_are_refused_ganzhou_art_17(api, world, admin_user):
    pack = export(api, admin_user, "ganzhou")
    row(pack, "leave.route.02_4_7")["value"]["max_days"] = 6  # 7 days would have none
    _refused(api, admin_user, pack, "leave.route.03_8_plus", "min_days", "7–7天没有审批路径")


def test_a_negative_rate_is_refused_ganzhou_art_27(api, world, admin_user):
    pack = export(api, admin_user, "ganzhou")
    row(pack, "subsidy.living_per_day")["value"]["city"] = "-100.00"
    _refused(api, admin_user, pack, "subsidy.living_per_day", "city", "不能为负数")


def test_an_excellent_quota_over_100_percent_is_refused_qujiang_art_25(api, admin_of):
    from conftest import build_world

    w = build_world("qujiang")
    admin = admin_of(w)
    pack = export(api, admin, "qujiang")
    row(pack, "assessment.excellent_quota")["value"]["max_share"] = "1.35"
    before = PolicyRow.objects.count()
    r = upload(api, admin, "qujiang", pack, effective_from="2026-12-01")
    assert r.status_code == 400 and r.json()["errors"] == [
        {"key": "assessment.excellent_quota", "field": "max_share", "detail": "比例不能超过100%（1）"}]
    assert PolicyRow.objects.count() == before


def test_a_file_that_is_not_json_is_refused_as_invalid_policy(api, world, admin_user):
    file = SimpleUploadedFile("pack.json", b"{not json", "application/json")
    r = api(admin_user).post("/api/v1/jurisdictions/ganzhou/policy/import/",
                             {"file": file, "effective_from": "2026-12-01"}, format="multipart")
    assert r.status_code == 400 and r.json()["code"] == "invalid_policy"


def test_a_single_version_is_checked_by_the_same_schema_ganzhou_art_17(api, world, admin_user):
    url = "/api/v1/jurisdictions/ganzhou/policy/"
    r = api(admin_user).post(url, {"key": "leave.route.01_1_3", "value": {"max_days": 2},
                                   "effective_from": "2026-12-01"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_policy"
    assert r.json()["errors"][0]["key"] == "leave.route.02_4_7"  # 3 days would have no route
    r = api(admin_user).post(url, {"key": "funds.signers", "value": {"roles": ["mayor"]},
                                   "effective_from": "2026-12-01"}, format="json")
    assert r.json()["errors"] == [{"key": "funds.signers", "field": "roles", "detail": "系统没有角色“mayor”"}]
    assert not PolicyRow.objects.filter(effective_from=date(2026, 12, 1)).exists()


# ---- a pack lacking a feature's key ---------------------------------------------------------------------------

def test_a_pack_without_leave_routes_is_accepted_with_leave_marked_unavailable_and_the_page_says_so(
        api, client, world, admin_user):
    pack = export(api, admin_user, "ganzhou")
    pack["rows"] = [r for r in pack["rows"] if not r["key"].startswith("leave.route.")]
    body = upload(api, admin_user, "ganzhou", pack, effective_from="2026-12-01").json()
    assert body["saved"] is True
    assert body["unavailable"] == [{"feature": "leave", "label": "请销假审批", "missing": ["leave.route.*"]}]
    client.force_login(admin_user)
    page = client.get("/policy/ganzhou/?on=2026-12-01").content.decode()
    assert "请销假审批功能不可用" in page
    assert "功能不可用" not in client.get("/policy/ganzhou/?on=2026-11-30").content.decode()


# ---- versions between two dates -----------------------------------------------------------------------------

def test_the_policy_page_shows_what_changed_between_two_dates_and_who_entered_it(api, client, world, admin_user):
    pack = export(api, admin_user, "ganzhou")
    row(pack, "subsidy.living_per_day")["value"]["county"] = "90.00"
    upload(api, admin_user, "ganzhou", pack, effective_from="2026-12-01")
    client.force_login(admin_user)
    page = client.get("/policy/ganzhou/?on=2026-12-01&from=2026-11-01&to=2026-12-31").content.decode()
    assert "2026年11月1日至2026年12月31日的变化" in page and "value.county" in page
    assert "县派：90.00元/天" in page and "县派：文件未定标准" in page
    assert 'class="entered-by">admin_gz<' in page and "新县首次录入" in page


def test_changes_between_two_dates_take_three_queries(world, admin_user, django_assert_num_queries):
    from jurisdictions.packs import versions_between

    with django_assert_num_queries(3):
        # 1 rows in force on the first date, 2 rows in force on the second, 3 the versions in between with their
        # enterers; (their audit events are a 4th query, skipped when there are no versions in between)
        versions_between(world.jurisdiction, date(2025, 1, 1), date(2025, 6, 1))


# ---- the seeded jurisdictions go through the same schemas ---------------------------------------------------

def test_every_seeded_key_has_a_schema_and_every_seeded_row_passes_it():
    from jurisdictions.policy_schema import validate_value

    for code, r in all_rows():
        assert schema_for(r.key) is not None, f"{code} {r.key}: add its schema to jurisdictions/policy_schema.py"
        assert validate_value(r.key, r.value) == [], (code, r.key)


def test_seed_policies_refuses_a_seed_row_that_breaks_its_schema(db):
    from jurisdictions.policy_schema import InvalidPolicy
    from jurisdictions.seed_data import packs
    from jurisdictions.services import pack_load

    rows = copy.deepcopy(packs()["fengdu"])
    next(r for r in rows if r["key"] == "subsidy.living_per_day")["value"]["amount"] = "-1.00"
    with pytest.raises(InvalidPolicy):
        pack_load(jurisdiction=Jurisdiction.objects.get(code="fengdu"), rows=rows)


# ---- pages ------------------------------------------------------------------------------------------------------

def _file(pack):
    return SimpleUploadedFile("pack.json", json.dumps(pack, ensure_ascii=False).encode(), "application/json")


def test_the_import_page_shows_the_diff_saves_nothing_until_confirmed_then_saves(api, client, world, admin_user):
    pack = export(api, admin_user, "ganzhou")
    row(pack, "subsidy.living_per_day")["value"]["county"] = "90.00"
    client.force_login(admin_user)
    assert "上传并查看差异" in client.get("/policy/ganzhou/import/").content.decode()
    r = client.post("/policy/ganzhou/import/", {"file": _file(pack), "effective_from": "2026-12-01"})
    page = r.content.decode()
    assert r.status_code == 200 and "新增 0 条，变更 1 条，停用 0 条" in page and "县派：90.00元/天" in page
    assert not PolicyRow.objects.filter(effective_from=date(2026, 12, 1)).exists()
    r = client.post("/policy/ganzhou/import/", {"pack": json.dumps(pack), "effective_from": "2026-12-01",
                                                "reason": "县级标准", "confirm": "1"})
    assert r.status_code == 302 and r["Location"] == "/policy/ganzhou/?on=2026-12-01"
    assert PolicyRow.objects.get(effective_from=date(2026, 12, 1)).value["county"] == "90.00"


def test_the_import_page_lists_every_error_of_an_invalid_pack_and_saves_nothing(api, client, world, admin_user):
    pack = export(api, admin_user, "ganzhou")
    row(pack, "subsidy.living_per_day")["value"]["city"] = "-1.00"
    del row(pack, "team.size_min")["value"]["min"]
    client.force_login(admin_user)
    r = client.post("/policy/ganzhou/import/", {"file": _file(pack), "effective_from": "2026-12-01"})
    page = r.content.decode()
    assert r.status_code == 400 and "未保存任何内容" in page
    assert "金额不能为负数" in page and "缺少必填字段" in page


def test_the_import_page_is_403_for_a_township_secretary_and_404_for_another_jurisdiction(client, world, alice,
                                                                                        charlie):
    client.force_login(alice)
    assert client.get("/policy/ganzhou/import/").status_code == 403
    client.force_login(charlie)
    assert client.get("/policy/ganzhou/import/").status_code == 404
    assert client.get("/policy/ganzhou/export/?on=2025-03-01").status_code == 404


def test_the_new_jurisdiction_page_is_for_superusers_and_creates_the_county_and_its_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/jurisdictions/new/").status_code == 403
    client.force_login(superuser())
    r = client.post("/jurisdictions/new/", {"code": "wuyuan", "name": "婺源县", "level": "county",
                                            "effective_from": "2025-01-01", "admin_username": "wy_admin",
                                            "admin_password": "secret-123"})
    assert r.status_code == 302 and r["Location"] == "/policy/wuyuan/import/"
    admin = User.objects.get(username="wy_admin")
    assert admin.jurisdiction.code == "wuyuan" and admin.grants.get().role == Role.JURISDICTION_ADMIN
    assert "新建辖区" in client.get("/").content.decode()


def test_the_export_page_downloads_the_pack_in_one_policy_query(client, world, alice, django_assert_num_queries):
    from jurisdictions.packs import pack_export

    client.force_login(alice)
    r = client.get("/policy/ganzhou/export/?on=2025-03-01")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    assert json.loads(r.content)["rows"]
    with django_assert_num_queries(1):  # 1: the rows in force on the date (labels come from code)
        pack_export(world.jurisdiction, date(2025, 3, 1))
