-- Turn one of the large tables into a table partitioned by month, in place, without changing a column
-- (docs/SCALING.md). PostgreSQL >= 12; on Citus run it on the coordinator *before* create_distributed_table.
--
--   SELECT zt_partition_by_month('attendance_dailyrecord', 'date', 'jurisdiction_id', DATE '2027-01-01');
--   SELECT zt_partition_by_month('jurisdictions_auditevent', 'created_at', NULL, DATE '2027-01-01');  -- not distributed
--
-- What changes physically (the models do not change): the primary key and every unique constraint are
-- re-created with the partition column and the distribution column appended (PostgreSQL requires the partition key
-- in every unique constraint of a partitioned table, Citus the distribution column), keeping their names; the other
-- indexes and the outgoing foreign keys are re-created with their names, so later Django migrations still find them.
-- `id` stays an identity column: values stay unique (one sequence), but uniqueness of `id` alone is no longer a
-- constraint. Rows are copied; the old table is kept as <table>_unpartitioned until you drop it.

CREATE OR REPLACE FUNCTION zt_month_partitions(tbl text, col text, from_month date, to_month date)
RETURNS void LANGUAGE plpgsql AS $$
-- one partition per month [from_month, to_month), named <table>_yYYYYmMM; a timestamptz column is cut at midnight
-- Asia/Shanghai (the portal's day)
DECLARE
    m date := date_trunc('month', from_month)::date;
    is_ts boolean;
    lo text; hi text;
BEGIN
    SELECT atttypid = 'timestamptz'::regtype INTO is_ts FROM pg_attribute
     WHERE attrelid = tbl::regclass AND attname = col;
    WHILE m < to_month LOOP
        IF is_ts THEN
            lo := quote_literal(m::text || ' 00:00:00+08');
            hi := quote_literal((m + interval '1 month')::date::text || ' 00:00:00+08');
        ELSE
            lo := quote_literal(m::text);
            hi := quote_literal((m + interval '1 month')::date::text);
        END IF;
        EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%s) TO (%s)',
                       tbl || '_y' || to_char(m, 'YYYY"m"MM'), tbl, lo, hi);
        m := (m + interval '1 month')::date;
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION zt_partition_by_month(tbl text, col text, dist text, until date)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    old text := tbl || '_unpartitioned';
    r record;
    cols text;
    first_month date;
BEGIN
    EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', tbl);
    EXECUTE format('ALTER TABLE %I RENAME TO %I', tbl, old);
    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING STORAGE '
                   'INCLUDING COMMENTS) PARTITION BY RANGE (%I)', tbl, old, col);
    -- keys: same names, the partition and distribution columns appended where missing
    FOR r IN SELECT c.conname, c.contype,
                    array_agg(a.attname ORDER BY k.ord) AS keycols
               FROM pg_constraint c
               CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
              WHERE c.conrelid = old::regclass AND c.contype IN ('p', 'u')
              GROUP BY c.conname, c.contype LOOP
        EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', old, r.conname, left(r.conname, 50) || '_old');
        cols := (SELECT string_agg(quote_ident(x), ', ') FROM unnest(
                    r.keycols || ARRAY(SELECT y FROM unnest(ARRAY[col, dist]) y
                                       WHERE y IS NOT NULL AND y <> ALL (r.keycols))) x);
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s (%s)', tbl, r.conname,
                       CASE r.contype WHEN 'p' THEN 'PRIMARY KEY' ELSE 'UNIQUE' END, cols);
    END LOOP;
    -- the other indexes, same names and definitions
    FOR r IN SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
               FROM pg_index i WHERE i.indrelid = old::regclass
                AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) LOOP
        EXECUTE format('ALTER INDEX %I RENAME TO %I', r.name, left(r.name, 50) || '_old');
        EXECUTE regexp_replace(r.def, ' ON (ONLY )?(\S+\.)?' || old || ' ', format(' ON %s ', quote_ident(tbl)));
    END LOOP;
    -- outgoing foreign keys (to the reference tables), same names
    FOR r IN SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
              WHERE conrelid = old::regclass AND contype = 'f' LOOP
        EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', old, r.conname, left(r.conname, 50) || '_old');
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s', tbl, r.conname, r.def);
    END LOOP;
    EXECUTE format('SELECT coalesce(min(%I)::date, current_date) FROM %I', col, old) INTO first_month;
    PERFORM zt_month_partitions(tbl, col, first_month, until);
    EXECUTE format('INSERT INTO %I OVERRIDING SYSTEM VALUE SELECT * FROM %I', tbl, old);
    -- the identity sequence of the new table continues after the copied ids
    EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), coalesce((SELECT max(id) FROM %I), 0) + 1, '
                   'false)', tbl, old);
END $$;
