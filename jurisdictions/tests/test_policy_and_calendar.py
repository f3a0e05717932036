"""The policy table (one resolver, versions by date), seeding, the statutory calendar."""

from datetime import date

from django.core.management import call_command

from jurisdictions.calendar import month_calendar
from jurisdictions.models import AuditEvent, CalendarDay, Jurisdiction, PolicyRow
from jurisdictions.policy import policy_in_force
from jurisdictions.seed_data import all_rows
from jurisdictions.services import calendar_day_set, policy_row_add


def test_seeding_twice_changes_nothing(db):
    before = PolicyRow.objects.count()
    call_command("seed_policies", verbosity=0)
    assert PolicyRow.objects.count() == before
    assert Jurisdiction.objects.count() == 5


def test_every_seeded_row_cites_an_article_or_says_it_is_a_default(db):
    import re

    pattern = re.compile(r"^(qujiang|ganzhou|linfen|fengdu) (art\.\d+|default)$|^xinfeng (sec\.\S+|default)$")
    for code, row in all_rows():
        assert pattern.match(row.rule_ref), (code, row.key, row.rule_ref)
        assert row.rule_ref.startswith(code)
        if row.rule_ref.endswith("default"):  # silent regulation → marked default (a default may still cite
            assert row.default, (code, row.key)  # the article that sets up the mechanism, e.g. qujiang art.8)


def test_the_seeded_towns_include_xinfengs_seven_and_fengdus_named_townships(db):
    from jurisdictions.models import OrgUnit

    xinfeng = set(OrgUnit.objects.filter(jurisdiction__code="xinfeng", kind__in=["township", "street"])
                  .values_list("name", flat=True))
    assert {"遥田镇", "回龙镇", "黄磔镇", "马头镇", "梅坑镇", "沙田镇", "丰城街道"} <= xinfeng
    assert OrgUnit.objects.get(jurisdiction__code="xinfeng", name="梅坑镇").town_type == "巩固提升镇"
    fengdu = set(OrgUnit.objects.filter(jurisdiction__code="fengdu").values_list("name", flat=True))
    assert {"栗子乡", "高家镇", "双路镇", "三元镇", "仙女湖镇", "三建乡"} <= fengdu


def test_a_new_rate_applies_from_its_date_and_the_old_one_before(db):
    ganzhou = Jurisdiction.objects.get(code="ganzhou")
    policy_row_add(actor=None, jurisdiction=ganzhou, key="subsidy.living_per_day",
                   value={"city": "120.00", "county": "100.00"}, effective_from=date(2026, 7, 1),
                   rule_ref="ganzhou art.27")
    assert policy_in_force(ganzhou, date(2026, 6, 30)).decimal("subsidy.living_per_day", "city") == 100
    assert policy_in_force(ganzhou, date(2026, 7, 1)).decimal("subsidy.living_per_day", "city") == 120


def test_the_policy_api_answers_the_rows_in_force_on_a_date(api, world, admin_user):
    policy_row_add(actor=admin_user, jurisdiction=world.jurisdiction, key="subsidy.living_per_day",
                   value={"city": "120.00", "county": "100.00"}, effective_from=date(2026, 7, 1),
                   rule_ref="ganzhou art.27")
    old = api(admin_user).get("/api/v1/jurisdictions/ganzhou/policy/?on=2026-06-30").json()
    new = api(admin_user).get("/api/v1/jurisdictions/ganzhou/policy/?on=2026-07-01").json()
    assert old["rules"]["subsidy.living_per_day"]["value"]["city"] == "100.00"
    assert new["rules"]["subsidy.living_per_day"]["rule_ref"] == "ganzhou art.27"
    assert new["rules"]["subsidy.living_per_day"]["value"]["city"] == "120.00"
    assert new["rules"]["leave.route.01_1_3"]["rule_ref"] == "ganzhou art.17"
    assert new["effective_from"] == "2026-07-01"
    assert api(admin_user).get("/api/v1/jurisdictions/ganzhou/policy/?on=2026-13-01").status_code == 400


def test_adding_a_policy_version_is_audited_with_who_and_when(world, admin_user):
    row = policy_row_add(actor=admin_user, jurisdiction=world.jurisdiction, key="team.size_min",
                         value={"min": 4, "severity": "hard"}, effective_from=date(2027, 1, 1),
                         rule_ref="ganzhou art.7")
    event = AuditEvent.objects.get(action="policy_row.add", object_id=row.id)
    assert event.actor == admin_user and event.created_at is not None
    assert row.created_by == admin_user


def test_a_policy_version_needs_an_article(world, admin_user):
    import pytest

    from jurisdictions.errors import InvalidInput

    with pytest.raises(InvalidInput):
        policy_row_add(actor=admin_user, jurisdiction=world.jurisdiction, key="team.size_min", value={"min": 4},
                       effective_from=date(2027, 1, 1), rule_ref=" ")


def test_the_admin_page_adds_a_policy_version_and_refuses_edits(client, world):
    from jurisdictions.models import User

    User.objects.create_superuser("root", "r@example.com", "pass-1234")
    client.login(username="root", password="pass-1234")
    r = client.post("/admin/jurisdictions/policyrow/add/", {
        "jurisdiction": world.jurisdiction.id, "key": "subsidy.communication_monthly",
        "value": '{"amount": "150.00"}', "effective_from": "2027-01-01", "rule_ref": "ganzhou art.27", "note": "新标准"})
    assert r.status_code == 302
    row = PolicyRow.objects.get(key="subsidy.communication_monthly", effective_from=date(2027, 1, 1))
    assert AuditEvent.objects.filter(action="policy_row.add", object_id=row.id).exists()
    page = client.get(f"/admin/jurisdictions/policyrow/{row.id}/change/")
    assert b'name="value"' not in page.content


def test_national_day_month_2026_has_18_working_days_including_the_make_up_saturday(db):
    cal = month_calendar(2026, 10)
    assert cal.working_day_count == 18
    assert date(2026, 10, 10) in cal.working_days  # Saturday, 调休上班
    assert date(2026, 10, 1) not in cal.working_days and date(2026, 10, 7) not in cal.working_days
    assert cal.warnings == []


def test_an_entered_day_wins_over_the_package(world, admin_user):
    import pytest

    from jurisdictions.errors import NotPermitted
    from jurisdictions.models import User

    with pytest.raises(NotPermitted):  # the calendar is national: a jurisdiction admin cannot change it
        calendar_day_set(actor=admin_user, day=date(2026, 10, 9), is_working_day=False, name="地方调整")
    root = User.objects.create_superuser("root2", "r2@example.com", "pass-1234")
    calendar_day_set(actor=root, day=date(2026, 10, 9), is_working_day=False, name="地方调整")
    assert month_calendar(2026, 10).working_day_count == 17


def test_a_year_the_package_does_not_know_falls_back_to_weekdays_with_a_warning(db):
    cal = month_calendar(2027, 2)
    assert cal.working_day_count == 20  # Mon–Fri of February 2027
    assert "2027年的法定节假日安排尚未录入" in cal.warnings[0]


def test_once_the_years_schedule_is_entered_the_entered_days_count(db):
    CalendarDay.objects.create(date=date(2027, 2, 8), is_working_day=False, name="春节")
    cal = month_calendar(2027, 2)
    assert cal.working_day_count == 19
    assert "部分日期未录入" in cal.warnings[0]


def test_the_calendar_api_gives_a_months_working_days(api, world, alice):
    body = api(alice).get("/api/v1/calendar/?month=2026-10").json()
    assert body["working_day_count"] == 18 and "2026-10-10" in body["working_days"]
    assert api(alice).get("/api/v1/calendar/?month=2026-1x").status_code == 400
