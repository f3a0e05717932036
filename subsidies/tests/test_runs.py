"""Issued months never change (POLICY.md §8): re-runs, adjustment lines, trips and query counts."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jurisdictions.errors import InvalidInput, RuleViolation
from jurisdictions.models import DispatchUnit
from subsidies import services
from subsidies.models import CadreAllowanceProfile, Line, Statement, Trip
from tests import factories as f

from .conftest import JULY, JUNE, cadre_in_post, days, finance_of, policy_row, run_month

D = Decimal


def test_a_second_run_of_an_issued_month_changes_no_amount_ganzhou_art27(make_world, confirmer):
    w = make_world("ganzhou")
    c = cadre_in_post(w)
    f.attendance_days(c, w.township_a, days(JUNE, 20))
    f.confirm_sheet(w.township_a, JUNE, confirmer)
    first = run_month(w, JUNE)
    before = list(Line.objects.filter(statement__cadre=c).values_list("id", "kind", "amount"))
    # an admin fixes the rate for June afterwards; the issued month still does not move
    policy_row(w, "subsidy.living_per_day", {"city": "110.00", "county": "110.00"}, JUNE, "ganzhou art.27")
    second = run_month(w, JUNE)
    assert second.status == "done" and second.statement_count == 0 and "不重新计算" in second.note
    assert list(Line.objects.filter(statement__cadre=c).values_list("id", "kind", "amount")) == before
    assert Statement.objects.filter(cadre=c).count() == 1 and first.statement_count == 1


def test_a_rate_fixed_afterwards_becomes_an_adjustment_line_in_the_next_month_with_its_reason(make_world, confirmer):
    w = make_world("ganzhou")
    c = cadre_in_post(w)
    CadreAllowanceProfile.objects.create(cadre=c, communication_paid_by_unit=True)
    for m in (JUNE, JULY):
        f.attendance_days(c, w.township_a, days(m, 20))
        f.confirm_sheet(w.township_a, m, confirmer)
    run_month(w, JUNE)
    policy_row(w, "subsidy.living_per_day", {"city": "110.00", "county": "110.00"}, JUNE, "ganzhou art.27")
    run_month(w, JULY)
    june = Statement.objects.get(cadre=c, month=JUNE)
    assert june.total == D("2000.00")  # unchanged
    adj = Line.objects.get(statement__cadre=c, statement__month=JULY, kind="adjustment")
    assert (adj.amount, adj.for_month, adj.base_kind, adj.rule_ref) == (D("200.00"), JUNE, "living", "ganzhou art.27")
    assert "2025-06" in adj.note and "应发2200.00" in adj.note and "已发2000.00" in adj.note
    assert Statement.objects.get(cadre=c, month=JULY).total == D("2400.00")  # 20 × 110 + 200


def test_a_township_confirmed_late_is_paid_by_adjustment_in_a_later_month_qujiang_art21(make_world, confirmer):
    w = make_world("qujiang")
    c = cadre_in_post(w, start=date(2025, 5, 1))
    f.attendance_days(c, w.township_a, days(JUNE, 20))
    f.confirm_sheet(w.township_b, JUNE, confirmer)  # another township confirmed in time
    first = run_month(w, JUNE)
    assert first.missing_sheets == [{"township": w.township_a.id, "name": w.township_a.name, "reason": "unconfirmed"}]
    assert not Statement.objects.filter(cadre=c).exists()
    f.confirm_sheet(w.township_a, JUNE, confirmer)  # confirmed after June was issued
    f.attendance_days(c, w.township_a, days(JULY, 10))
    f.confirm_sheet(w.township_a, JULY, confirmer)
    run_month(w, JULY)
    july = Statement.objects.get(cadre=c, month=JULY)
    kinds = {(ln.kind, ln.base_kind): ln for ln in july.lines.all()}
    assert kinds[("meal", "meal")].amount == D("400.00")
    late = kinds[("adjustment", "meal")]
    assert (late.amount, late.for_month, late.rule_ref) == (D("800.00"), JUNE, "qujiang art.21")
    # a third run finds nothing more to correct
    f.attendance_days(c, w.township_a, days(date(2025, 8, 1), 5))
    f.confirm_sheet(w.township_a, date(2025, 8, 1), confirmer)
    run_month(w, date(2025, 8, 1))
    assert not Line.objects.filter(statement__month=date(2025, 8, 1), kind="adjustment").exists()


def test_trips_home_in_qujiang_are_paid_by_receipt_at_most_three_a_month_art21(make_world, confirmer):
    w = make_world("qujiang")
    c = cadre_in_post(w, start=date(2025, 5, 1))
    actor = finance_of(w)
    for d, amount in ((date(2025, 6, 6), "85.50"), (date(2025, 6, 13), "85.50"), (date(2025, 6, 20), "90.00")):
        services.trip_create(actor=actor, cadre=c, day=d, amount=D(amount))
    with pytest.raises(RuleViolation) as e:
        services.trip_create(actor=actor, cadre=c, day=date(2025, 6, 27), amount=D("90.00"))
    assert (e.value.code, e.value.rule_ref, e.value.overridable) == ("trip_cap", "qujiang art.21", False)
    with pytest.raises(InvalidInput):
        services.trip_create(actor=actor, cadre=c, day=date(2025, 7, 4), amount=None)
    f.attendance_days(c, w.township_a, days(JUNE, 20))
    f.confirm_sheet(w.township_a, JUNE, confirmer)
    run_month(w, JUNE)
    st = Statement.objects.get(cadre=c, month=JUNE)
    transport = [ln for ln in st.lines.all() if ln.kind == "transport"]
    assert [t.amount for t in transport] == [D("85.50"), D("85.50"), D("90.00")]
    assert {t.rule_ref for t in transport} == {"qujiang art.21"}
    assert st.total == D("1061.00")
    assert Trip.objects.filter(cadre=c, statement=st).count() == 3


def test_linfen_art17_short_public_transport_trips_by_receipt_are_accepted_and_paid_as_recorded(make_world, confirmer):
    """Linfen art.17 "短途公共交通费用，由派出单位据实按票报销": each receipt is paid as recorded, no monthly cap."""
    w = make_world("linfen")
    c = cadre_in_post(w, start=date(2025, 5, 1))
    actor = finance_of(w)
    amounts = ["6.00", "12.50", "4.00", "8.00"]  # more than any other jurisdiction's cap: the text sets none
    for i, amount in enumerate(amounts):
        trip = services.trip_create(actor=actor, cadre=c, day=date(2025, 6, 3 + i), amount=D(amount))
        assert (trip.amount, trip.rule_ref, trip.basis) == (D(amount), "linfen art.17", "receipt")
    with pytest.raises(InvalidInput):
        services.trip_create(actor=actor, cadre=c, day=date(2025, 6, 9), amount=None)  # a receipt has an amount
    f.attendance_days(c, w.township_a, days(JUNE, 18))
    f.confirm_sheet(w.township_a, JUNE, confirmer)
    run_month(w, JUNE)
    st = Statement.objects.get(cadre=c, month=JUNE)
    transport = [ln for ln in st.lines.all() if ln.kind == "transport"]
    assert [t.amount for t in transport] == [D(a) for a in amounts]
    assert all("短途公共交通" in t.note and t.rule_ref == "linfen art.17" for t in transport)
    assert st.total == D("1080.00") + sum(D(a) for a in amounts)


def test_ganzhou_trips_pay_045_per_km_both_ways_at_most_two_a_month_one_car_per_team_art27(make_world, confirmer):
    w = make_world("ganzhou")
    driver = cadre_in_post(w, self_driving=True, commute_km=D("30.0"))
    teammate = cadre_in_post(w, self_driving=True, commute_km=D("40.0"))
    actor = finance_of(w)
    services.trip_create(actor=actor, cadre=driver, day=date(2025, 6, 6))
    services.trip_create(actor=actor, cadre=driver, day=date(2025, 6, 20))
    with pytest.raises(RuleViolation) as cap:
        services.trip_create(actor=actor, cadre=driver, day=date(2025, 6, 27))
    with pytest.raises(RuleViolation) as car:
        services.trip_create(actor=actor, cadre=teammate, day=date(2025, 6, 13))
    assert (cap.value.code, cap.value.rule_ref) == ("trip_cap", "ganzhou art.27")
    assert (car.value.code, car.value.rule_ref) == ("one_car_per_team", "ganzhou art.27")
    f.attendance_days(driver, w.township_a, days(JUNE, 20))
    f.confirm_sheet(w.township_a, JUNE, confirmer)
    run_month(w, JUNE)
    t = Line.objects.get(statement__cadre=driver, kind="transport")
    assert (t.quantity, t.rate, t.amount, t.rule_ref) == (2, D("27.00"), D("54.00"), "ganzhou art.27")


def test_ganzhou_trips_refused_unless_self_driving_city_dispatched_without_a_transport_allowance_art27(make_world):
    w = make_world("ganzhou")
    actor = finance_of(w)
    walker = cadre_in_post(w, self_driving=False, commute_km=D("30.0"))
    county = cadre_in_post(w, level=DispatchUnit.Level.COUNTY, self_driving=True, commute_km=D("30.0"))
    allowance = cadre_in_post(w, self_driving=True, commute_km=D("30.0"))
    CadreAllowanceProfile.objects.create(cadre=allowance, transport_allowance_paid=True)
    codes = []
    for c in (walker, county, allowance):
        with pytest.raises(RuleViolation) as e:
            services.trip_create(actor=actor, cadre=c, day=date(2025, 6, 6))
        codes.append((e.value.code, e.value.rule_ref))
    assert codes == [("trip_not_self_driving", "ganzhou art.27"), ("trip_dispatch_level", "ganzhou art.27"),
                     ("trip_transport_allowance_paid", "ganzhou art.27")]


def test_fengdu_pays_no_trips_art20(make_world):
    w = make_world("fengdu")
    c = cadre_in_post(w)
    with pytest.raises(RuleViolation) as e:
        services.trip_create(actor=finance_of(w), cadre=c, day=date(2025, 6, 6), amount=D("50.00"))
    assert (e.value.code, e.value.rule_ref) == ("trips_not_provided", "fengdu art.20")


def test_a_trip_reported_after_its_month_was_issued_is_an_adjustment_next_month(make_world, confirmer):
    w = make_world("qujiang")
    c = cadre_in_post(w, start=date(2025, 5, 1))
    for m in (JUNE, JULY):
        f.attendance_days(c, w.township_a, days(m, 20))
        f.confirm_sheet(w.township_a, m, confirmer)
    run_month(w, JUNE)
    services.trip_create(actor=finance_of(w), cadre=c, day=date(2025, 6, 28), amount=D("70.00"))
    run_month(w, JULY)
    adj = Line.objects.get(statement__month=JULY, kind="adjustment")
    assert (adj.amount, adj.base_kind, adj.for_month, adj.rule_ref) == (D("70.00"), "transport", JUNE,
                                                                         "qujiang art.21")
    assert Statement.objects.get(cadre=c, month=JUNE).total == D("800.00")


def _run_queries(w, month):
    with CaptureQueriesContext(connection) as ctx:
        run_month(w, month)
    return len(ctx.captured_queries)


def test_computing_a_run_issues_a_constant_number_of_queries_whatever_the_number_of_cadres(make_world, confirmer):
    w = make_world("ganzhou")
    one = cadre_in_post(w)
    f.attendance_days(one, w.township_a, days(JUNE, 20))
    f.confirm_sheet(w.township_a, JUNE, confirmer)
    for m in (JULY,):
        f.attendance_days(one, w.township_a, days(m, 20))
        f.confirm_sheet(w.township_a, m, confirmer)
    small = _run_queries(w, JUNE)
    for _ in range(6):
        c = cadre_in_post(w)
        f.attendance_days(c, w.township_a, days(JULY, 20))
        f.attendance_days(c, w.township_a, days(JUNE, 20))
    big = _run_queries(w, JULY)
    # July re-checks issued June (policy, confirmed sheets, counts: +3) and sums paid lines (+1); at creation the
    # open-rate check reads June's policy too (+1)
    assert big == small + 5
    assert Statement.objects.filter(month=JULY).count() == 7


def test_a_run_that_cannot_be_computed_ends_failed_with_its_error_and_issues_nothing(make_world, confirmer):
    w = make_world("ganzhou")
    c = cadre_in_post(w)
    f.attendance_days(c, w.township_a, days(JUNE, 20))
    f.confirm_sheet(w.township_a, JUNE, confirmer)
    policy_row(w, "subsidy.living_per_day", {"note": "rate forgotten"}, JUNE, "ganzhou art.27")  # a broken row
    run = services.subsidy_run_create(actor=finance_of(w), jurisdiction=w.jurisdiction, month=JUNE)
    with pytest.raises(KeyError):
        services.subsidy_run_execute(run_id=run.id)
    run.refresh_from_db()
    assert run.status == "failed" and "KeyError" in run.error
    assert not Statement.objects.filter(cadre=c).exists()


def test_a_run_resumed_after_failing_mid_way_counts_every_statement_of_the_month_in_its_totals(
        make_world, confirmer, monkeypatch):
    """Issue 14: a failed run resumes where it stopped (cadres with a statement are skipped); its count and total
    are the month's, not only the resumed part's."""
    w = make_world("ganzhou")
    for _ in range(4):
        c = cadre_in_post(w)
        f.attendance_days(c, w.township_a, days(JUNE, 20))
    f.confirm_sheet(w.township_a, JUNE, confirmer)
    run = services.subsidy_run_create(actor=finance_of(w), jurisdiction=w.jurisdiction, month=JUNE)
    write, calls = services._write_statements, []

    def fail_on_the_third_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise ConnectionError("数据库连接中断")
        return write(*args, **kwargs)

    monkeypatch.setattr(services, "_write_statements", fail_on_the_third_chunk)
    with pytest.raises(ConnectionError):
        services.subsidy_run_execute(run_id=run.id, chunk=1)
    assert Statement.objects.filter(month=JUNE).count() == 2
    monkeypatch.setattr(services, "_write_statements", write)

    resumed = services.subsidy_run_execute(run_id=run.id, chunk=1)

    statements = Statement.objects.filter(month=JUNE)
    assert resumed.status == "done" and resumed.attempts == 2 and statements.count() == 4
    assert resumed.statement_count == 4
    assert resumed.total == sum(s.total for s in statements) > Decimal("0.00")
