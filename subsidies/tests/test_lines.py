"""Every line kind of POLICY.md §8, computed by a run from confirmed attendance, with its article."""

from datetime import date
from decimal import Decimal

from jurisdictions.models import DispatchUnit
from subsidies.models import CadreAllowanceProfile, Statement
from tests import factories as f

from .conftest import JULY, JUNE, cadre_in_post, days, policy_row, run_month

D = Decimal


def lines_of(cadre, month=JUNE):
    st = Statement.objects.get(cadre=cadre, month=month)
    return {ln.kind: ln for ln in st.lines.all()}, st


def test_qujiang_pays_40_yuan_meal_per_on_duty_day_only_art21(make_world, confirmer):
    w = make_world("qujiang")
    c = cadre_in_post(w, start=date(2025, 5, 1))
    f.attendance_days(c, w.township_a, days(JUNE, 20))
    f.attendance_days(c, w.township_a, days(JUNE, 3, 21), status="official_business")
    f.attendance_days(c, w.township_a, days(JUNE, 2, 24), status="leave")
    f.confirm_sheet(w.township_a, JUNE, confirmer)
    run_month(w, JUNE)
    lines, st = lines_of(c)
    assert set(lines) == {"meal"}  # second month in post: no township allowance yet
    meal = lines["meal"]
    assert (meal.quantity, meal.rate, meal.amount, meal.rule_ref) == (20, D("40.00"), D("800.00"), "qujiang art.21")
    assert st.total == D("800.00") and st.paid_days == 20


def test_qujiang_township_allowance_starts_in_the_seventh_month_prorated_art21(make_world, confirmer):
    """Start 2024-12-16: six months are complete on 2025-06-16, so June pays 15/30 and July the full month."""
    w = make_world("qujiang")
    c = cadre_in_post(w, start=date(2024, 12, 16))
    f.attendance_days(c, w.township_a, days(JUNE, 22))
    f.attendance_days(c, w.township_a, days(JULY, 22))
    f.confirm_sheet(w.township_a, JUNE, confirmer)
    f.confirm_sheet(w.township_a, JULY, confirmer)
    run_month(w, JUNE)
    run_month(w, JULY)
    june, _ = lines_of(c, JUNE)
    july, _ = lines_of(c, JULY)
    t = june["township_allowance"]
    # one prorated month: 1 × 500.00, the note saying 15 of 30 days of the 1000.00 monthly rate
    assert (t.quantity, t.rate, t.amount, t.rule_ref) == (1, D("500.00"), D("500.00"), "qujiang art.21")
    assert "在岗15/30天" in t.note and "1000.00" in t.note
    assert july["township_allowance"].amount == D("1000.00")


def test_qujiang_township_allowance_continues_without_a_new_wait_when_the_rounds_join_art21(make_world, confirmer):
    """Continuity: the previous round ended the day before the new one started, so months count from 2024-06-01."""
    w = make_world("qujiang")
    c = cadre_in_post(w, start=date(2024, 6, 1), end=date(2025, 3, 31))
    team_b = f.TeamFactory(jurisdiction=w.jurisdiction, host_unit=w.village_b)
    f.MembershipFactory(team=team_b, cadre=c, start_date=date(2025, 4, 1))
    f.attendance_days(c, w.township_b, days(JUNE, 22))
    f.confirm_sheet(w.township_b, JUNE, confirmer)
    run_month(w, JUNE)
    lines, _ = lines_of(c)
    assert lines["township_allowance"].amount == D("1000.00")
    assert "2024-06-01" in lines["township_allowance"].note


def test_qujiang_a_gap_between_rounds_restarts_the_six_month_wait_art21(make_world, confirmer):
    w = make_world("qujiang")
    c = cadre_in_post(w, start=date(2024, 6, 1), end=date(2025, 3, 31))
    team_b = f.TeamFactory(jurisdiction=w.jurisdiction, host_unit=w.village_b)
    f.MembershipFactory(team=team_b, cadre=c, start_date=date(2025, 4, 10))
    f.attendance_days(c, w.township_b, days(JUNE, 22))
    f.confirm_sheet(w.township_b, JUNE, confirmer)
    run_month(w, JUNE)
    lines, _ = lines_of(c)
    assert "township_allowance" not in lines


def test_xinfeng_work_allowance_2000_a_month_prorated_on_arrival_sec6(make_world, confirmer):
    """Arrival on 11 June: 20 of 30 calendar days in post → 2000 × 20/30 = 1333.33."""
    w = make_world("xinfeng")
    c = cadre_in_post(w, start=date(2025, 6, 11), level=DispatchUnit.Level.COUNTY)
    f.attendance_days(c, w.township_a, days(JUNE, 14, 11))
    f.confirm_sheet(w.township_a, JUNE, confirmer)
    run_month(w, JUNE)
    lines, st = lines_of(c)
    wa = lines["work_allowance"]
    assert (wa.quantity, wa.rate, wa.amount, wa.rule_ref) == (1, D("1333.33"), D("1333.33"), "xinfeng sec.六")
    assert "在岗20/30天" in wa.note and "2000.00" in wa.note
    assert set(lines) == {"work_allowance"}


def test_xinfeng_work_allowance_prorated_on_departure_sec6(make_world, confirmer):
    """Departure on 20 June (last day in post): 20 of 30 days."""
    w = make_world("xinfeng")
    c = cadre_in_post(w, start=date(2025, 3, 1), end=date(2025, 6, 20), level=DispatchUnit.Level.COUNTY)
    f.attendance_days(c, w.township_a, days(JUNE, 14))
    f.confirm_sheet(w.township_a, JUNE, confirmer)
    run_month(w, JUNE)
    lines, _ = lines_of(c)
    assert lines["work_allowance"].amount == D("1333.33")


def test_xinfeng_work_allowance_is_only_for_county_dispatched_cadres_sec6(make_world, confirmer):
    w = make_world("xinfeng")
    c = cadre_in_post(w, start=date(2025, 3, 1), level=DispatchUnit.Level.CITY)
    f.attendance_days(c, w.township_a, days(JUNE, 14))
    f.confirm_sheet(w.township_a, JUNE, confirmer)
    run_month(w, JUNE)
    lines, st = lines_of(c)
    assert lines == {} and st.total == D("0.00")


def test_xinfeng_township_allowance_after_six_months_sec6(make_world, confirmer):
    w = make_world("xinfeng")
    c = cadre_in_post(w, start=date(2024, 11, 1), level=DispatchUnit.Level.COUNTY)
    f.attendance_days(c, w.township_a, days(JUNE, 20))
    f.confirm_sheet(w.township_a, JUNE, confirmer)
    run_month(w, JUNE)
    lines, st = lines_of(c)
    t = lines["township_allowance"]
    assert (t.amount, t.rule_ref) == (D("1000.00"), "xinfeng sec.六")
    assert st.total == D("3000.00")


def test_xinfeng_sec6_1_a_city_dispatched_cadre_gets_neither_the_2000_nor_the_township_allowance_a_county_one_both(
        make_world, confirmer):
    """Xinfeng sec.六(一) "对县直单位派出的驻镇工作人员给予每月2000元的工作补助……驻镇帮扶6个月以上的，应享受乡镇
    工作补贴": both are for staff of county units; a city-dispatched cadre in post as long gets neither line."""
    w = make_world("xinfeng")
    city = cadre_in_post(w, start=date(2024, 11, 1), level=DispatchUnit.Level.CITY)
    county = cadre_in_post(w, start=date(2024, 11, 1), level=DispatchUnit.Level.COUNTY)
    for c in (city, county):
        f.attendance_days(c, w.township_a, days(JUNE, 20))
    f.confirm_sheet(w.township_a, JUNE, confirmer)
    run_month(w, JUNE)
    city_lines, city_st = lines_of(city)
    county_lines, county_st = lines_of(county)
    assert city_lines == {} and city_st.total == D("0.00")
    assert set(county_lines) == {"work_allowance", "township_allowance"}
    assert {ln.rule_ref for ln in county_lines.values()} == {"xinfeng sec.六"} and county_st.total == D("3000.00")


def test_xinfeng_has_no_continuity_so_a_new_membership_waits_again_sec6(make_world, confirmer):
    w = make_world("xinfeng")
    c = cadre_in_post(w, start=date(2024, 6, 1), end=date(2025, 3, 31), level=DispatchUnit.Level.COUNTY)
    team_b = f.TeamFactory(jurisdiction=w.jurisdiction, host_unit=w.village_b)
    f.MembershipFactory(team=team_b, cadre=c, start_date=date(2025, 4, 1))
    f.attendance_days(c, w.township_b, days(JUNE, 20))
    f.confirm_sheet(w.township_b, JUNE, confirmer)
    run_month(w, JUNE)
    lines, _ = lines_of(c)
    assert "township_allowance" not in lines and lines["work_allowance"].amount == D("2000.00")


def test_ganzhou_living_at_city_rate_for_city_and_higher_units_and_county_rate_otherwise_art27(make_world, confirmer):
    w = make_world("ganzhou")
    policy_row(w, "subsidy.living_per_day", {"city": "100.00", "county": "80.00"}, date(2025, 1, 1), "ganzhou art.27")
    province = cadre_in_post(w, level=DispatchUnit.Level.PROVINCE)
    county = cadre_in_post(w, level=DispatchUnit.Level.COUNTY)
    for c in (province, county):
        f.attendance_days(c, w.township_a, days(JUNE, 21))
    f.confirm_sheet(w.township_a, JUNE, confirmer)
    run_month(w, JUNE)
    p, _ = lines_of(province)
    k, _ = lines_of(county)
    assert (p["living"].rate, p["living"].amount, p["living"].rule_ref) == (D("100.00"), D("2100.00"), "ganzhou art.27")
    assert (k["living"].rate, k["living"].amount) == (D("80.00"), D("1680.00"))


def test_ganzhou_communication_monthly_unless_the_dispatch_unit_already_pays_it_art27(make_world, confirmer):
    w = make_world("ganzhou")
    paid_here = cadre_in_post(w, start=date(2025, 6, 16))
    paid_by_unit = cadre_in_post(w)
    CadreAllowanceProfile.objects.create(cadre=paid_by_unit, communication_paid_by_unit=True)
    for c in (paid_here, paid_by_unit):
        f.attendance_days(c, w.township_a, days(JUNE, 10, 16))
    f.confirm_sheet(w.township_a, JUNE, confirmer)
    run_month(w, JUNE)
    a, _ = lines_of(paid_here)
    b, _ = lines_of(paid_by_unit)
    comm = a["communication"]
    assert (comm.quantity, comm.rate, comm.amount, comm.rule_ref) == (1, D("50.00"), D("50.00"), "ganzhou art.27")
    assert "在岗15/30天" in comm.note
    assert "communication" not in b


def test_linfen_pays_per_day_rates_and_transport_or_communication_only_where_configured_art17(make_world, confirmer):
    w = make_world("linfen")
    c = cadre_in_post(w)
    f.attendance_days(c, w.township_a, days(JUNE, 18))
    f.confirm_sheet(w.township_a, JUNE, confirmer)
    run_month(w, JUNE)
    lines, _ = lines_of(c)
    assert set(lines) == {"living"}  # the admin entered transport and communication as 0 (enter_open_rates)
    assert (lines["living"].amount, lines["living"].rule_ref) == (D("1080.00"), "linfen art.17")
    policy_row(w, "subsidy.transport_per_day", {"amount": "10.00"}, JULY, "linfen art.17")
    policy_row(w, "subsidy.communication_per_day", {"amount": "5.00"}, JULY, "linfen art.17")
    f.attendance_days(c, w.township_a, days(JULY, 18))
    f.confirm_sheet(w.township_a, JULY, confirmer)
    run_month(w, JULY)
    july, st = lines_of(c, JULY)
    assert (july["transport"].amount, july["communication"].amount) == (D("180.00"), D("90.00"))
    assert st.total == D("1350.00")


def test_fengdu_pays_100_a_day_and_nothing_else_art20(make_world, confirmer):
    w = make_world("fengdu")
    c = cadre_in_post(w, start=date(2023, 1, 1))
    CadreAllowanceProfile.objects.create(cadre=c)
    f.attendance_days(c, w.township_a, days(JUNE, 21))
    f.attendance_days(c, w.township_a, days(JUNE, 2, 22), status="absent")
    f.confirm_sheet(w.township_a, JUNE, confirmer)
    run_month(w, JUNE)
    lines, st = lines_of(c)
    assert set(lines) == {"living"}
    assert (lines["living"].quantity, lines["living"].amount, lines["living"].rule_ref) == (21, D("2100.00"),
                                                                                            "fengdu art.20")


def test_a_rate_change_mid_year_applies_from_the_month_it_takes_effect_ganzhou_art27(make_world, confirmer):
    """The month's rates are those in force on its first day; the run keeps a snapshot of them."""
    w = make_world("ganzhou")
    policy_row(w, "subsidy.living_per_day", {"city": "120.00", "county": "120.00"}, JULY, "ganzhou art.27")
    c = cadre_in_post(w)
    for m in (JUNE, JULY):
        f.attendance_days(c, w.township_a, days(m, 20))
        f.confirm_sheet(w.township_a, m, confirmer)
    june_run = run_month(w, JUNE)
    july_run = run_month(w, JULY)
    assert lines_of(c, JUNE)[0]["living"].amount == D("2000.00")
    assert lines_of(c, JULY)[0]["living"].amount == D("2400.00")
    assert june_run.policy_snapshot["subsidy.living_per_day"]["value"]["city"] == "100.00"
    assert july_run.policy_snapshot["subsidy.living_per_day"]["value"]["city"] == "120.00"
    assert july_run.policy_on == JULY


def test_townships_without_a_confirmed_sheet_are_not_paid_and_are_listed_as_missing(make_world, confirmer):
    w = make_world("ganzhou")
    a = cadre_in_post(w)
    team_b = f.TeamFactory(jurisdiction=w.jurisdiction, host_unit=w.village_b)
    b = cadre_in_post(w, team=team_b)
    f.attendance_days(a, w.township_a, days(JUNE, 20))
    f.attendance_days(b, w.township_b, days(JUNE, 20))
    f.confirm_sheet(w.township_a, JUNE, confirmer)
    run = run_month(w, JUNE)
    assert run.status == "done"
    assert run.missing_sheets == [{"township": w.township_b.id, "name": "乙镇", "reason": "unconfirmed"}]
    assert Statement.objects.filter(cadre=a, month=JUNE).exists()
    assert not Statement.objects.filter(cadre=b, month=JUNE).exists()
