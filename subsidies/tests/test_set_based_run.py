"""The set-based run (rules once per distinct set of figures, statements and lines written with COPY) issues exactly
what the per-cadre run before it issued on the same data: every line, total and paid trip, in all five jurisdictions."""

from datetime import date
from decimal import Decimal

import pytest

from jurisdictions.errors import InvalidInput, RuleViolation
from jurisdictions.models import DispatchUnit
from subsidies import rules, services
from subsidies.models import CadreAllowanceProfile, Line, Statement, SubsidyRun, Trip
from tests import factories as f

from .conftest import JULY, JUNE, cadre_in_post, days, finance_of


def _per_cadre_lines(self, policy, cid, status_days, month, missing):
    """The run before the change: the rules called for every cadre, nothing shared."""
    return rules.statement_lines(policy, self.facts(cid, status_days, month), month, missing)


def _orm_write(run, statements, line_sets):
    """The run before the change: bulk_create through the ORM, then the paid trips."""
    objs = Statement.objects.bulk_create([
        Statement(run=run, jurisdiction_id=run.jurisdiction_id, cadre_id=cid, month=run.month, township_id=town,
                  dispatch_unit_id=unit, paid_days=d, total=amount) for cid, town, unit, d, amount in statements])
    rows, trips = [], []
    for st, lines in zip(objs, line_sets, strict=True):
        for pos, ln in enumerate(lines):
            rows.append(Line(statement=st, jurisdiction_id=st.jurisdiction_id, kind=ln.kind, quantity=ln.quantity,
                             rate=ln.rate, amount=ln.amount,
                             rule_ref=ln.rule_ref, note=ln.note[:255], for_month=ln.for_month or run.month,
                             base_kind=ln.base_kind or ln.kind, position=pos))
            trips += [Trip(id=tid, statement=st) for tid in ln.trip_ids]
    Line.objects.bulk_create(rows)
    if trips:
        Trip.objects.bulk_update(trips, ["statement"])


def _issued(month):
    statements = {s.cadre_id: (s.paid_days, s.total, s.township_id, s.dispatch_unit_id)
                  for s in Statement.objects.filter(month=month)}
    lines = sorted(Line.objects.filter(statement__month=month).values_list(
        "statement__cadre_id", "position", "kind", "quantity", "rate", "amount", "rule_ref", "note", "for_month",
        "base_kind"))
    trips = sorted(Trip.objects.filter(statement__month=month).values_list("id", "statement__cadre_id"))
    run = SubsidyRun.objects.get(month=month)
    return statements, lines, trips, (run.total, run.statement_count, run.cadre_count)


def _forget(month):
    Trip.objects.filter(statement__month=month).update(statement=None)
    Line.objects.filter(statement__month=month).delete()
    Statement.objects.filter(month=month).delete()
    SubsidyRun.objects.filter(month=month).delete()


def _run(w, month, fin):
    run = services.subsidy_run_create(actor=fin, jurisdiction=w.jurisdiction, month=month)
    return services.subsidy_run_execute(run_id=run.id, chunk=3)  # several chunks


@pytest.mark.parametrize("code", ["qujiang", "ganzhou", "linfen", "xinfeng", "fengdu"])
def test_the_set_based_run_issues_the_same_lines_and_totals_as_the_per_cadre_run_did(code, make_world, confirmer,
                                                                                    monkeypatch):
    """Same data, both runs: July (with adjustments for June, trips, part months, both dispatch levels,
    a unit paying the communication allowance) is issued identically, line by line (ganzhou art.27 and the
    allowance articles of each regulation)."""
    w = make_world(code)
    fin = finance_of(w)
    cadres = []
    for i in range(8):
        level = DispatchUnit.Level.CITY if i % 2 else DispatchUnit.Level.COUNTY
        start = date(2024, 11, 1) if i < 4 else date(2025, 6, 1 + 3 * i)
        c = cadre_in_post(w, level=level, start=start, self_driving=True, commute_km=Decimal("20.0"))
        if i == 3:
            CadreAllowanceProfile.objects.create(cadre=c, communication_paid_by_unit=True)
        cadres.append(c)
        for m in (JUNE, JULY):
            f.attendance_days(c, w.township_a, days(m, 18 + i % 3))
            f.attendance_days(c, w.township_a, days(m, 2, start_day=25), status="leave")
    for m in (JUNE, JULY):
        f.confirm_sheet(w.township_a, m, confirmer)
    _run(w, JUNE, fin)
    # after June was issued: a late June day for one cadre and trips in July (where the regulation provides them)
    f.attendance_days(cadres[0], w.township_a, [date(2025, 6, 28)])
    for c in cadres[:3]:
        try:
            services.trip_create(actor=fin, cadre=c, day=date(2025, 7, 5), amount=Decimal("36.00"))
        except (RuleViolation, InvalidInput):
            pass
    _run(w, JULY, fin)
    now = _issued(JULY)
    assert now[0] and now[3][0] > 0
    # the COPY writer fills each line's jurisdiction (the distribution column, docs/SCALING.md)
    assert set(Line.objects.filter(statement__month=JULY).values_list("jurisdiction_id", flat=True)) == {
        w.jurisdiction.id}

    _forget(JULY)
    monkeypatch.setattr(services._MonthFacts, "statement_lines", _per_cadre_lines)
    monkeypatch.setattr(services, "_write_statements", _orm_write)
    _run(w, JULY, fin)
    assert _issued(JULY) == now


def test_a_line_whose_note_holds_tabs_newlines_and_backslashes_is_written_intact_by_copy(world):
    """COPY's text format escapes what would otherwise split a row or a field."""
    c = cadre_in_post(world)
    run = SubsidyRun.objects.create(jurisdiction=world.jurisdiction, month=JUNE)
    note = "说明\t含制表符\n换行\\反斜杠\\N"
    line = rules.LineOut("meal", 1, Decimal("1.00"), Decimal("1.00"), "ganzhou art.27", note)
    services._write_statements(run, [(c.id, None, c.dispatch_unit_id, 1, Decimal("1.00"))], [[line]])
    st = Statement.objects.get(run=run)
    assert (st.cadre_id, st.township_id, st.total) == (c.id, None, Decimal("1.00"))
    assert Line.objects.get(statement=st).note == note


def test_a_run_in_chunks_of_any_size_issues_the_same_month_and_each_chunk_reads_only_its_own_cadres(
        make_world, confirmer, monkeypatch):
    """Issue 15, memory flat in the number of cadres: the run reads and writes one chunk of cadres at a time, so
    what it holds is bounded by the chunk. July (June adjustments after a late day, trips, part months, both levels,
    cadres of another jurisdiction with ids in between) comes out identical in chunks of 1, 3 or all cadres."""
    w = make_world("qujiang")
    other = make_world("fengdu")
    fin = finance_of(w)
    cadres = []
    for i in range(7):
        level = DispatchUnit.Level.CITY if i % 2 else DispatchUnit.Level.COUNTY
        start = date(2024, 11, 1) if i < 4 else date(2025, 6, 1 + 3 * i)
        c = cadre_in_post(w, level=level, start=start, self_driving=True, commute_km=Decimal("20.0"))
        cadres.append(c)
        cadre_in_post(other)  # an id of another jurisdiction between this one's
        for m in (JUNE, JULY):
            f.attendance_days(c, w.township_a, days(m, 18 + i % 3))
            f.attendance_days(c, w.township_b if i == 2 else w.township_a, days(m, 2, start_day=25), status="leave")
    for m in (JUNE, JULY):
        f.confirm_sheet(w.township_a, m, confirmer)
        f.confirm_sheet(w.township_b, m, confirmer)
    _run(w, JUNE, fin)
    f.attendance_days(cadres[0], w.township_a, [date(2025, 6, 28)])  # a late June day: an adjustment in July
    for c in cadres[:3]:
        services.trip_create(actor=fin, cadre=c, day=date(2025, 7, 5), amount=Decimal("36.00"))

    held = []
    load = services._MonthFacts._load

    def counting_load(self, chunk_cadres):
        load(self, chunk_cadres)
        held.append(max(len(chunk_cadres), len(self.counts), len(self.stints), len(self.candidates),
                        len({cid for cid, _ in self.paid}), len(self.trips)))

    monkeypatch.setattr(services._MonthFacts, "_load", counting_load)
    issued = {}
    for chunk in (1, 3, 5000):
        held.clear()
        run = services.subsidy_run_create(actor=fin, jurisdiction=w.jurisdiction, month=JULY)
        run = services.subsidy_run_execute(run_id=run.id, chunk=chunk)
        assert (run.status, run.progress) == ("done", 100)
        assert max(held) <= chunk  # no chunk holds another chunk's cadres
        issued[chunk] = _issued(JULY)
        _forget(JULY)
    assert issued[1][0] and any(ln[2] == "adjustment" for ln in issued[1][1]) and issued[1][2]  # lines, trips paid
    assert issued[1] == issued[3] == issued[5000]
