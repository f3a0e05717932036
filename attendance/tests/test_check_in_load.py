"""Check-in under load (issue 15): a repeat tap writes nothing, and the check-ins of one township do not queue
behind each other (they lock only what two check-ins really race on), while the month's confirmation still
excludes them."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from jurisdictions.errors import StateConflict
from jurisdictions.models import AuditEvent
from tests import factories as f

from .. import services
from ..models import DailyRecord
from .conftest import place


def start_thread(action, results: list) -> threading.Thread:
    """`action()` in a thread of its own (its own connection, closed after); what it returns, or the exception it
    raises, goes to `results`."""

    def run():
        try:
            results.append(action())
        except Exception as exc:  # noqa: BLE001 - the test reads it
            results.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def lock_waiters() -> int:
    """Check-ins of this test's database waiting on a lock."""
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                  " AND wait_event_type = 'Lock' AND query LIKE '%%attendance_check_in(%%'")
        return c.fetchone()[0]


def wait_for_lock_waiters(n: int) -> None:
    for _ in range(200):
        if lock_waiters() >= n:
            return
        threading.Event().wait(0.05)
    pytest.fail(f"{n} check-in(s) never waited")


def tap_and_hold(user, results: list, **location) -> tuple[threading.Thread, threading.Event]:
    """A check-in of `user` in a thread whose transaction stays open (its record written, not committed) until the
    returned event is set."""
    written, release = threading.Event(), threading.Event()

    def tap():
        with transaction.atomic():
            record = services.check_in(actor=user, **location)
            written.set()
            release.wait(10)
            return record

    thread = start_thread(tap, results)
    assert written.wait(10)
    return thread, release


@pytest.mark.django_db
def test_a_repeat_check_in_that_changes_nothing_writes_no_second_record_or_audit_row(world):
    user = f.UserFactory(jurisdiction=world.jurisdiction)
    cadre = place(world.team_a, user=user)
    first = services.check_in(actor=user, latitude="25.831234", longitude="114.933456")
    stamp = DailyRecord.objects.get(pk=first.pk).recorded_at
    again = services.check_in(actor=user, latitude="25.831234", longitude="114.933456")
    services.check_in(actor=user)  # a tap without a location keeps the one recorded
    assert again.pk == first.pk
    assert AuditEvent.objects.filter(action="attendance.check_in").count() == 1
    rec = DailyRecord.objects.get(cadre=cadre, date=timezone.localdate())
    assert rec.recorded_at == stamp and rec.latitude == Decimal("25.831234")


@pytest.mark.django_db
def test_a_check_in_from_a_new_place_updates_the_location_and_is_audited(world):
    user = f.UserFactory(jurisdiction=world.jurisdiction)
    place(world.team_a, user=user)
    services.check_in(actor=user, latitude="25.831234", longitude="114.933456")
    rec = services.check_in(actor=user, latitude="25.900000", longitude="114.900000")
    assert rec.latitude == Decimal("25.900000")
    assert AuditEvent.objects.filter(action="attendance.check_in").count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_cadres_of_one_township_check_in_at_the_same_time_without_waiting_for_each_other(
        seeded_transactional_db):
    from conftest import build_world

    w = build_world("ganzhou")
    users = [f.UserFactory(jurisdiction=w.jurisdiction) for _ in range(2)]
    for u in users:
        place(w.team_a, user=u)
    held = []
    t, release = tap_and_hold(users[0], held)  # the first check-in's transaction stays open
    try:
        with transaction.atomic():
            with connection.cursor() as c:
                c.execute("SET LOCAL lock_timeout = '2s'")  # before: waited for the township row, then failed
            rec = services.check_in(actor=users[1])
        assert rec.status == "on_duty"
    finally:
        release.set()
        t.join()
    assert not [r for r in held if isinstance(r, Exception)]
    assert DailyRecord.objects.filter(township=w.township_a, date=timezone.localdate()).count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_confirmation_still_waits_for_an_open_check_in_of_its_township(seeded_transactional_db):
    """The month's confirmation takes the township month's lock exclusively: it cannot pass a check-in in flight."""
    from django.db.utils import OperationalError

    from conftest import build_world

    w = build_world("ganzhou")
    user = f.UserFactory(jurisdiction=w.jurisdiction)
    place(w.team_a, user=user)
    t, release = tap_and_hold(user, [])
    try:
        with pytest.raises(OperationalError), transaction.atomic():
            with connection.cursor() as c:
                c.execute("SET LOCAL lock_timeout = '500ms'")
            services._lock_month_exclusively(w.township_a.pk, timezone.localdate().replace(day=1))
    finally:
        release.set()
        t.join()


@pytest.mark.django_db(transaction=True)
def test_a_check_in_that_waited_for_the_months_confirmation_is_refused_once_it_commits(seeded_transactional_db):
    """The midnight race: a tap still in flight when the month's sheet is confirmed must not slip into the
    confirmed month. The tap waits for the confirmation's lock, then sees the sheet and answers 409."""
    from conftest import build_world
    from jurisdictions.errors import StateConflict

    from ..models import AttendanceSheet

    w = build_world("ganzhou")
    user = f.UserFactory(jurisdiction=w.jurisdiction)
    place(w.team_a, user=user)
    locked, outcome = threading.Event(), []

    def tap():
        locked.wait(10)
        try:
            services.check_in(actor=user)
            outcome.append("written")
        except StateConflict as exc:
            outcome.append(exc.code)
        finally:
            connection.close()

    t = threading.Thread(target=tap)
    t.start()
    first = timezone.localdate().replace(day=1)
    with transaction.atomic():  # what sheet_confirm does, for the current month
        services._lock_month_exclusively(w.township_a.pk, first)
        AttendanceSheet.objects.create(jurisdiction=w.jurisdiction, township=w.township_a, month=first,
                                       confirmed_by=user)
        locked.set()
        t.join(0.5)
        assert t.is_alive()  # the tap waits for the confirmation
    t.join(10)
    assert outcome == ["month_confirmed"]
    assert not DailyRecord.objects.filter(cadre__user=user).exists()


@pytest.mark.django_db
def test_check_ins_on_a_kept_connection_use_prepared_statements_and_keep_every_rule(world, monkeypatch):
    """Web processes keep their connection (DB_CONN_MAX_AGE > 0): the check-in's statements are prepared once per
    connection (config/prepared.py); a repeat, a new place and a refusal answer exactly as unprepared."""
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    users = [f.UserFactory(jurisdiction=world.jurisdiction) for _ in range(3)]
    cadres = [place(world.team_a, user=u) for u in users]
    DailyRecord.objects.create(jurisdiction=world.jurisdiction, cadre=cadres[2], township=world.township_a,
                               date=timezone.localdate(), status="leave", source="leave")
    services.check_in(actor=users[0], latitude="25.831234", longitude="114.933456")
    services.check_in(actor=users[0], latitude="25.831234", longitude="114.933456")  # a repeat: nothing written
    moved = services.check_in(actor=users[1], latitude="25.9", longitude="114.9")
    with pytest.raises(StateConflict) as refused:
        services.check_in(actor=users[2])
    with connection.cursor() as c:
        c.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'attendance_check_in%%'")
        assert {r[0] for r in c.fetchall()} == {"attendance_check_in"}
    assert refused.value.code == "on_leave"
    assert moved.latitude == Decimal("25.900000") and moved.township_id == world.township_a.pk
    assert AuditEvent.objects.filter(action="attendance.check_in").count() == 2
    assert DailyRecord.objects.get(cadre=cadres[2], date=timezone.localdate()).status == "leave"


@pytest.mark.django_db(transaction=True)
def test_the_clerk_recording_a_day_a_tap_is_writing_waits_for_it_and_then_corrects_it(seeded_transactional_db):
    """The clerk's entry takes the township month's lock exclusively (check-ins take no row lock of the township):
    entering 缺勤 for a day whose tap is still in flight waits for the tap, then overwrites it; never a 500 on the
    one-record-per-day constraint."""
    from conftest import build_world
    from jurisdictions.models import Role

    w = build_world("ganzhou")
    user = f.UserFactory(jurisdiction=w.jurisdiction)
    cadre = place(w.team_a, user=user)
    clerk = f.user_with_role(Role.ATTENDANCE_CLERK, org_unit=w.township_a)
    outcome = []
    first, release = tap_and_hold(user, [])
    second = start_thread(lambda: services.record_upsert(actor=clerk, cadre=cadre, day=timezone.localdate(),
                                                         status="absent").status, outcome)
    second.join(0.5)
    assert second.is_alive()  # the clerk's entry waits for the tap in flight
    release.set()
    first.join(10)
    second.join(10)
    assert outcome == ["absent"]
    assert DailyRecord.objects.get(cadre=cadre, date=timezone.localdate()).status == "absent"


@pytest.mark.django_db
def test_a_repeat_tap_and_a_refused_tap_are_answered_by_the_write_statement_itself(world, django_assert_num_queries):
    """The check-in's one call also says why it wrote nothing (the day's record as the write judged it), so a repeat or
    a refusal costs no round trip more than a tap that writes."""
    users = [f.UserFactory(jurisdiction=world.jurisdiction) for _ in range(2)]
    cadres = [place(world.team_a, user=u) for u in users]
    DailyRecord.objects.create(jurisdiction=world.jurisdiction, cadre=cadres[1], township=world.township_a,
                               date=timezone.localdate(), status="leave", source="leave")
    first = services.check_in(actor=users[0], latitude="25.831234", longitude="114.933456")
    # 1 attendance_check_in(): the placement with the month's shared lock, then the write, which writes nothing and
    # answers with the day's record from its snapshot
    with django_assert_num_queries(1):
        again = services.check_in(actor=users[0], latitude="25.831234", longitude="114.933456")
    # 1 the same statement: its snapshot's record is a day on leave
    with django_assert_num_queries(1), pytest.raises(StateConflict) as refused:
        services.check_in(actor=users[1])
    assert (again.pk, again.latitude, again.recorded_at) == (first.pk, first.latitude, first.recorded_at)
    assert again.source == "check_in" and again.cadre_id == cadres[0].pk
    assert refused.value.code == "on_leave"  # attendance: a day on leave is not overwritten by a tap


@pytest.mark.django_db(transaction=True)
def test_two_phones_of_one_cadre_tapping_the_same_place_at_once_both_answer_with_the_one_record(
        seeded_transactional_db):
    """The second tap's write statement starts before the first's record commits; its ON CONFLICT then finds that
    record unchanged, and the answer is read after it (a new snapshot), not from before it."""
    from conftest import build_world

    w = build_world("ganzhou")
    user = f.UserFactory(jurisdiction=w.jurisdiction)
    place(w.team_a, user=user)
    results = []
    t1, release = tap_and_hold(user, results, latitude="25.5", longitude="114.5")
    t2 = start_thread(lambda: services.check_in(actor=user, latitude="25.5", longitude="114.5"), results)
    try:
        wait_for_lock_waiters(1)  # the second tap waits on the first's row (its INSERT's ON CONFLICT)
    finally:
        release.set()
        t1.join()
        t2.join()
    assert not [r for r in results if isinstance(r, Exception)]
    assert len({r.pk for r in results}) == 1 and all(r.latitude == Decimal("25.500000") for r in results)
    assert AuditEvent.objects.filter(action="attendance.check_in").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_tap_without_a_location_while_another_tap_moves_it_answers_the_record_as_stored(seeded_transactional_db):
    """Nothing written (no location: a repeat), but the answer is the record the write judged, with the place the
    other tap just recorded, not the one from before it (review of issue 15)."""
    from conftest import build_world

    w = build_world("ganzhou")
    user = f.UserFactory(jurisdiction=w.jurisdiction)
    place(w.team_a, user=user)
    services.check_in(actor=user, latitude="25.1", longitude="114.1")
    moved, plain = [], []
    t1, release = tap_and_hold(user, moved, latitude="25.2", longitude="114.2")
    t2 = start_thread(lambda: services.check_in(actor=user), plain)
    try:
        wait_for_lock_waiters(1)
    finally:
        release.set()
        t1.join()
        t2.join()
    stored = DailyRecord.objects.get(cadre__user=user, date=timezone.localdate())
    assert stored.latitude == Decimal("25.200000")
    assert (plain[0].latitude, plain[0].recorded_at) == (stored.latitude, stored.recorded_at)


@pytest.mark.django_db(transaction=True)
def test_taps_waiting_while_a_leave_is_released_are_not_refused_as_on_leave(seeded_transactional_db):
    """A day on leave is released (the cadre came back) while two taps of the cadre wait: the day ends on duty and
    neither tap is told it is on leave (review of issue 15; attendance: only an approved leave blocks a tap)."""
    from conftest import build_world

    w = build_world("ganzhou")
    user = f.UserFactory(jurisdiction=w.jurisdiction)
    cadre = place(w.team_a, user=user)
    today = timezone.localdate()
    DailyRecord.objects.create(jurisdiction=w.jurisdiction, cadre=cadre, township=w.township_a, date=today,
                               status="leave", source="leave", leave_request_id=77)
    released, release, out = threading.Event(), threading.Event(), []

    def release_leave():
        with transaction.atomic():
            n = services.records_release_leave(actor=None, cadre=cadre, start=today, end=today, leave_request_id=77)
            released.set()
            release.wait(10)
            return n

    holder = start_thread(release_leave, out)
    assert released.wait(10)
    results = []
    taps = [start_thread(lambda: services.check_in(actor=user, latitude="25.5", longitude="114.5"), results)
            for _ in range(2)]
    try:
        wait_for_lock_waiters(2)
    finally:
        release.set()
        holder.join()
        for t in taps:
            t.join()
    assert [type(r).__name__ for r in results] == ["DailyRecord", "DailyRecord"], results
    rec = DailyRecord.objects.get(cadre=cadre, date=today)
    assert (rec.status, rec.source) == ("on_duty", "check_in")


@pytest.mark.django_db(transaction=True)
def test_a_township_write_to_last_month_does_not_stall_todays_check_ins(seeded_transactional_db):
    """Writers of a township month (confirmation, clerk, leave) lock the township row FOR NO KEY UPDATE: a check-in's
    foreign-key check at commit (KEY SHARE on that row) goes through while another month's write is open (review of
    issue 15). Here a leave approved for last month holds its locks."""
    from datetime import timedelta

    from conftest import build_world

    w = build_world("ganzhou")
    user = f.UserFactory(jurisdiction=w.jurisdiction)
    cadre = place(w.team_a, user=user)
    last_month_day = timezone.localdate().replace(day=1) - timedelta(days=1)
    held, release, out = threading.Event(), threading.Event(), []

    def leave_for_last_month():
        with transaction.atomic():
            services.records_mark_leave(actor=None, cadre=cadre, township=w.township_a, start=last_month_day,
                                        end=last_month_day, leave_request_id=1)
            held.set()
            release.wait(10)  # its month lock and township row lock stay held

    holder = start_thread(leave_for_last_month, out)
    assert held.wait(10)
    try:
        with transaction.atomic():
            with connection.cursor() as c:
                c.execute("SET LOCAL lock_timeout = '2s'")  # under FOR UPDATE: LockNotAvailable at the FK check
            record = services.check_in(actor=user)
        assert record.status == "on_duty"
    finally:
        release.set()
        holder.join()
    assert out == [None] or not [r for r in out if isinstance(r, Exception)]
