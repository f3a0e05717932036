"""Issue 15 item 4: the large tables keep `jurisdiction` (Citus distribution column, docs/SCALING.md) and `date`-like
columns (monthly partitions), and the hot queries have their indexes."""

import pytest
from django.db import connection

from attendance.models import DailyRecord, DiaryEntry, DutyRecord
from jurisdictions.models import AuditEvent
from subsidies.models import Line, Statement

# table → the column it is partitioned by month on (docs/SCALING.md)
BIG_TABLES = {DailyRecord: "date", DiaryEntry: "date", DutyRecord: "date", AuditEvent: "created_at",
              Statement: "month", Line: "for_month"}


@pytest.mark.parametrize("model", list(BIG_TABLES), ids=lambda m: m.__name__)
def test_every_large_table_keeps_its_jurisdiction_so_that_it_can_be_distributed_by_jurisdiction(model):
    field = model._meta.get_field("jurisdiction")
    assert field.column == "jurisdiction_id"
    assert field.related_model._meta.label == "jurisdictions.Jurisdiction"


@pytest.mark.parametrize("model", [m for m in BIG_TABLES if m is not AuditEvent], ids=lambda m: m.__name__)
def test_every_large_table_except_the_audit_log_states_its_jurisdiction_on_every_row(model):
    """A row without a jurisdiction could not be placed on a shard (the audit log keeps system events: NULL)."""
    assert model._meta.get_field("jurisdiction").null is False


@pytest.mark.parametrize("model,column", list(BIG_TABLES.items()), ids=lambda m: getattr(m, "__name__", m))
def test_every_large_table_has_the_column_it_is_partitioned_by_month_on(model, column):
    assert any(f.column == column and not f.null for f in model._meta.concrete_fields)


@pytest.mark.django_db
@pytest.mark.parametrize("table,columns", [
    ("jurisdictions_auditevent", ["jurisdiction_id", "created_at", "id"]),  # the audit log of one jurisdiction
    ("attendance_dutyrecord", ["jurisdiction_id", "date"]),  # the overdue list
    ("attendance_dailyrecord", ["jurisdiction_id", "date"]),  # the allowance run's month
    ("attendance_dailyrecord", ["cadre_id", "date"]),  # a cadre's month (figures_for, check-in)
    ("attendance_diaryentry", ["jurisdiction_id", "date"]),
])
def test_the_hot_queries_of_the_large_tables_have_an_index_leading_with_their_columns(table, columns):
    with connection.cursor() as c:
        indexes = connection.introspection.get_constraints(c, table)
    assert any((i["index"] or i["unique"]) and i["columns"][:len(columns)] == columns for i in indexes.values()), indexes


@pytest.mark.django_db
def test_the_scaling_scripts_partition_attendance_and_the_audit_log_by_month_without_a_model_change(world, alice):
    """docs/SCALING.md: the commands turn the tables into monthly partitions in place; the portal's own code keeps
    working on them unchanged (rows land in their month's partition; the one-record-per-day rule still holds)."""
    from datetime import date
    from pathlib import Path

    from django.db import IntegrityError, transaction

    from jurisdictions.audit import audit_record
    from tests import factories as f

    cadre = f.CadreFactory(jurisdiction=world.jurisdiction)
    script = (Path(__file__).resolve().parents[1] / "docs" / "scaling" / "partition_by_month.sql").read_text()
    with connection.cursor() as c:
        c.execute(script)
        c.execute("SELECT zt_partition_by_month('attendance_dailyrecord', 'date', 'jurisdiction_id', DATE '2027-01-01')")
        c.execute("SELECT zt_month_partitions('attendance_dailyrecord', 'date', DATE '2025-01-01', DATE '2027-01-01')")
        c.execute("SELECT zt_partition_by_month('jurisdictions_auditevent', 'created_at', NULL, DATE '2027-01-01')")
    DailyRecord.objects.create(jurisdiction=world.jurisdiction, cadre=cadre, township=world.township_a,
                               date=date(2025, 6, 3), status="on_duty")
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM attendance_dailyrecord_y2025m06")
        assert c.fetchone()[0] == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        DailyRecord.objects.create(jurisdiction=world.jurisdiction, cadre=cadre, township=world.township_a,
                                   date=date(2025, 6, 3), status="leave")
    assert DailyRecord.objects.get(cadre=cadre).status == "on_duty"
    audit_record(actor=alice, action="test.partitioned", obj=cadre, jurisdiction=None)  # a system event: no shard
    assert AuditEvent.objects.filter(action="test.partitioned").count() == 1
