"""The reference stamp (issue 15): one row whose `version` changes in the same transaction as every write to the
policy table, the statutory calendar and the jurisdictions, whoever writes (services, the admin, `seed_policies`, a bulk insert, a
flush), so that a web process may keep those tables in memory and know with one cheap read that they are still true
(jurisdictions/reference_cache.py). Set by database triggers, not by Python: no write path can forget it.

PostgreSQL draws each version from a sequence, so a version is never reused, not even after a rolled-back write
(a test's transaction): a process can never mistake other rows for the ones it cached. SQLite (`make run`) has no
sequences nor statement triggers: a random version per written row.

The table is not a model: Django's test flush (TRUNCATE of the models' tables) must not empty it."""

from django.db import migrations

TABLES = ("jurisdictions_policyrow", "jurisdictions_calendarday", "jurisdictions_jurisdiction")


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    run = schema_editor.execute
    if vendor == "postgresql":
        run("CREATE SEQUENCE jurisdictions_reference_stamp_seq")
        run("CREATE TABLE jurisdictions_reference_stamp (id smallint PRIMARY KEY CHECK (id = 1), version bigint NOT NULL)")
        run("INSERT INTO jurisdictions_reference_stamp VALUES (1, nextval('jurisdictions_reference_stamp_seq'))")
        run("""CREATE FUNCTION jurisdictions_reference_stamp_bump() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN
                 INSERT INTO jurisdictions_reference_stamp (id, version)
                 VALUES (1, nextval('jurisdictions_reference_stamp_seq'))
                 ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
                 RETURN NULL;
               END $$""")
        for table in TABLES:
            run(f"CREATE TRIGGER {table}_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION jurisdictions_reference_stamp_bump()")
    elif vendor == "sqlite":
        run("CREATE TABLE jurisdictions_reference_stamp (id integer PRIMARY KEY CHECK (id = 1), version bigint NOT NULL)")
        run("INSERT INTO jurisdictions_reference_stamp VALUES (1, random())")
        for table in TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                run(f"CREATE TRIGGER {table}_stamp_{event.lower()} AFTER {event} ON {table} BEGIN "
                    "INSERT OR REPLACE INTO jurisdictions_reference_stamp (id, version) VALUES (1, random()); END")
    # other databases: no stamp table; reference_cache then reads the tables on every use (nothing is cached)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    run = schema_editor.execute
    if vendor == "postgresql":
        for table in TABLES:
            run(f"DROP TRIGGER IF EXISTS {table}_stamp ON {table}")
        run("DROP FUNCTION IF EXISTS jurisdictions_reference_stamp_bump()")
        run("DROP TABLE IF EXISTS jurisdictions_reference_stamp")
        run("DROP SEQUENCE IF EXISTS jurisdictions_reference_stamp_seq")
    elif vendor == "sqlite":
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                run(f"DROP TRIGGER IF EXISTS {table}_stamp_{event}")
        run("DROP TABLE IF EXISTS jurisdictions_reference_stamp")


class Migration(migrations.Migration):

    dependencies = [
        ("jurisdictions", "0004_orgunit_path_well_formed"),
    ]

    operations = [migrations.RunPython(create, drop)]
