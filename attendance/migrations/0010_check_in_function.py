"""The check-in as one PostgreSQL function (issue 15): the tap's placement with its township month's shared lock, then
the write and its audit row, in one round trip and, outside a transaction, one statement that commits itself.

Two statements inside the function, as before in two round trips: in READ COMMITTED each statement of a volatile
function takes a new snapshot, so the write sees a month confirmed while the lock was awaited (the midnight race).
When the write writes nothing, a third statement (a new snapshot again) reads why: the day's record as ON CONFLICT
judged it (locked by then, even when its WHERE was false) and whether the month is confirmed.
Every code (statuses, sources, the village kind, the note) comes in as a parameter from `attendance.services`, so the
function holds no rule of its own beyond the statements themselves. SQLite (the demo of `make run`) gets nothing:
`services.check_in` takes its ORM path there.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION attendance_check_in(
    p_user_id bigint, p_day date, p_month date, p_lock_base bigint, p_village text, p_on_duty text, p_leave text,
    p_check_in text, p_note text, p_latitude numeric, p_longitude numeric, p_now timestamptz, p_summary_tail text,
    p_data jsonb)
RETURNS TABLE (written boolean, confirmed boolean, placed_cadre_id bigint, placed_township_id bigint,
               id bigint, jurisdiction_id bigint, cadre_id bigint, township_id bigint, date date, status varchar,
               note varchar, source varchar, leave_request_id bigint, latitude numeric, longitude numeric,
               recorded_by_id bigint, recorded_at timestamptz)
LANGUAGE plpgsql VOLATILE AS $fn$
#variable_conflict use_column
DECLARE
  pl record;
BEGIN
  -- the cadre's membership on the day and its team's township (a village team's host is the village: the township
  -- is its parent), and the shared lock of that township's month, taken once the LIMIT 1 row is known
  SELECT p.*, pg_advisory_xact_lock_shared(p_lock_base | (p.township_id::bigint << 16)) AS locked INTO pl
  FROM (SELECT c.id AS cadre_id, c.name, c.jurisdiction_id,
               CASE WHEN h.kind = p_village AND h.parent_id IS NOT NULL THEN h.parent_id ELSE h.id END AS township_id
        FROM teams_cadre c
        JOIN teams_membership m ON m.cadre_id = c.id AND m.start_date <= p_day
                                   AND (m.end_date IS NULL OR m.end_date >= p_day)
        JOIN teams_team t ON t.id = m.team_id
        JOIN jurisdictions_orgunit h ON h.id = t.host_unit_id
        WHERE c.user_id = p_user_id
        ORDER BY m.start_date DESC, m.id DESC
        LIMIT 1) p;
  IF NOT FOUND THEN
    RETURN;  -- no row: no placement on the day
  END IF;
  -- a new statement, so a new snapshot: it sees a confirmation committed while the lock was awaited
  RETURN QUERY
  WITH up AS (
    INSERT INTO attendance_dailyrecord AS r (jurisdiction_id, cadre_id, township_id, date, status, note, source,
                                             latitude, longitude, recorded_by_id, recorded_at)
    SELECT pl.jurisdiction_id, pl.cadre_id, pl.township_id, p_day, p_on_duty, p_note, p_check_in,
           p_latitude, p_longitude, p_user_id, p_now
    WHERE NOT EXISTS (SELECT 1 FROM attendance_attendancesheet s
                      WHERE s.township_id = pl.township_id AND s.month = p_month)
    ON CONFLICT (cadre_id, date) DO UPDATE SET
      jurisdiction_id = EXCLUDED.jurisdiction_id, township_id = EXCLUDED.township_id, status = EXCLUDED.status,
      source = EXCLUDED.source, note = EXCLUDED.note, latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude,
      recorded_by_id = EXCLUDED.recorded_by_id, recorded_at = EXCLUDED.recorded_at
    WHERE r.status <> p_leave AND (r.source = p_check_in OR r.status = p_on_duty)
      AND NOT (r.source = p_check_in AND r.status = p_on_duty AND r.township_id = EXCLUDED.township_id
               AND (EXCLUDED.latitude IS NULL
                    OR (r.latitude, r.longitude) IS NOT DISTINCT FROM (EXCLUDED.latitude, EXCLUDED.longitude)))
    RETURNING r.id, r.jurisdiction_id, r.cadre_id, r.township_id, r.date, r.status, r.note, r.source,
              r.leave_request_id, r.latitude, r.longitude, r.recorded_by_id, r.recorded_at
  ), audit AS (
    INSERT INTO jurisdictions_auditevent (jurisdiction_id, actor_id, action, object_type, object_id, summary, data,
                                          created_at)
    SELECT pl.jurisdiction_id, p_user_id, 'attendance.check_in', 'attendance.dailyrecord', up.id,
           pl.name || p_summary_tail, p_data, p_now FROM up
  )
  SELECT true, false, pl.cadre_id::bigint, pl.township_id::bigint, up.* FROM up;
  IF FOUND THEN
    RETURN;
  END IF;
  -- nothing written: a new statement, so a new snapshot. It sees the version of the day's record that ON CONFLICT
  -- judged (that row stays locked by this transaction even though its WHERE was false) and, under the month's shared
  -- lock, the month's confirmation as the write saw it.
  RETURN QUERY
  SELECT false, EXISTS (SELECT 1 FROM attendance_attendancesheet s
                        WHERE s.township_id = pl.township_id AND s.month = p_month),
         pl.cadre_id::bigint, pl.township_id::bigint, d.id, d.jurisdiction_id, d.cadre_id, d.township_id, d.date,
         d.status, d.note, d.source, d.leave_request_id, d.latitude, d.longitude, d.recorded_by_id, d.recorded_at
  FROM (SELECT 1) one LEFT JOIN attendance_dailyrecord d ON d.cadre_id = pl.cadre_id AND d.date = p_day;
END
$fn$;
"""

DROP = ("DROP FUNCTION IF EXISTS attendance_check_in(bigint, date, date, bigint, text, text, text, text, text, "
        "numeric, numeric, timestamptz, text, jsonb);")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("attendance", "0009_whereabouts_board_link"),
    ]

    operations = [migrations.RunPython(create, drop)]
