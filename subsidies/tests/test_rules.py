"""Pure rule functions (no database): proration, days in post, the continuity of a stay (POLICY.md §8)."""

from datetime import date
from decimal import Decimal

from subsidies.rules import Stint, add_months, days_in_post, prorate, service_start

JUNE_1, JUNE_30 = date(2025, 6, 1), date(2025, 6, 30)


def test_a_monthly_allowance_is_prorated_by_calendar_days_and_rounded_to_the_fen():
    assert prorate(Decimal("2000.00"), 20, 30) == Decimal("1333.33")
    assert prorate(Decimal("1000.00"), 1, 31) == Decimal("32.26")
    assert prorate(Decimal("2000.00"), 30, 30) == Decimal("2000.00")


def test_overlapping_memberships_count_each_day_once():
    stints = [Stint(date(2025, 5, 1), date(2025, 6, 10)), Stint(date(2025, 6, 10), None)]
    assert days_in_post(stints, JUNE_1, JUNE_30) == 30
    assert days_in_post([Stint(date(2025, 6, 11), date(2025, 6, 20))], JUNE_1, JUNE_30) == 10
    assert days_in_post([Stint(date(2025, 6, 11), None)], JUNE_1, JUNE_30, not_before=date(2025, 6, 21)) == 10


def test_continuity_joins_a_round_that_starts_the_day_after_the_previous_ended_qujiang_art21():
    joined = [Stint(date(2024, 6, 1), date(2025, 3, 31)), Stint(date(2025, 4, 1))]
    gap = [Stint(date(2024, 6, 1), date(2025, 3, 31)), Stint(date(2025, 4, 2))]
    assert service_start(joined, JUNE_30, continuity=True) == date(2024, 6, 1)
    assert service_start(gap, JUNE_30, continuity=True) == date(2025, 4, 2)
    assert service_start(joined, JUNE_30, continuity=False) == date(2025, 4, 1)


def test_six_months_after_the_31st_ends_on_the_last_day_of_a_short_month():
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert add_months(date(2024, 12, 16), 6) == date(2025, 6, 16)


def test_a_kind_paid_but_no_longer_owed_is_taken_back_under_the_article_it_was_paid_under():
    from datetime import date
    from decimal import Decimal

    from subsidies.rules import adjustment_lines

    lines = adjustment_lines(month_for=date(2026, 6, 1), expected=[], paid_by_kind={"communication": Decimal("100")},
                             paid_refs={"communication": "ganzhou art.27"}, reason="派出单位已发通信补贴")
    assert [(ln.kind, ln.amount, ln.rule_ref) for ln in lines] == [("adjustment", Decimal("-100.00"), "ganzhou art.27")]
    assert "已发100.00" in lines[0].note
