"""The audit log is append-only in the database too (issue 14): on PostgreSQL a trigger refuses every UPDATE and
DELETE of jurisdictions_auditevent, whoever sends it (the admin, a shell, raw SQL). TRUNCATE is left to the database
owner (test runs empty tables that way). SQLite (`make run`) has no such trigger; the application never edits rows."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION portal_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计记录只能追加，不能修改或删除 (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS auditevent_append_only ON jurisdictions_auditevent;
CREATE TRIGGER auditevent_append_only BEFORE UPDATE OR DELETE ON jurisdictions_auditevent
    FOR EACH ROW EXECUTE FUNCTION portal_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS auditevent_append_only ON jurisdictions_auditevent;
DROP FUNCTION IF EXISTS portal_audit_append_only();
"""


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no parameters: the % in RAISE are plpgsql's

    return run


class Migration(migrations.Migration):
    dependencies = [("jurisdictions", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
