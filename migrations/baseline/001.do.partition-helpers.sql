-- Monthly range partitions, as bo1 migration f3b5a664a3ff (2025-11-30) set them up: partitions
-- named <table>_YYYY_MM, no DEFAULT partition (an insert outside the created months fails).

-- Creates the partition of `parent` holding the month that contains `month_start`.
CREATE OR REPLACE FUNCTION create_month_partition(parent text, month_start date)
RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
  lo date := date_trunc('month', month_start)::date;
  hi date := (date_trunc('month', month_start) + interval '1 month')::date;
  part text := format('%s_%s', parent, to_char(lo, 'YYYY_MM'));
BEGIN
  EXECUTE format(
    'CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
    part, parent, lo, hi
  );
  RETURN part;
END;
$$;

-- Ensures partitions from `months_back` months before to `months_ahead` months after the
-- current month exist for one parent; returns how many partitions the parent then has.
CREATE OR REPLACE FUNCTION ensure_month_partitions(parent text, months_back int, months_ahead int)
RETURNS int
LANGUAGE plpgsql
AS $$
DECLARE
  i int;
  n int;
BEGIN
  FOR i IN -months_back..months_ahead LOOP
    PERFORM create_month_partition(parent, (date_trunc('month', CURRENT_DATE) + make_interval(months => i))::date);
  END LOOP;
  SELECT count(*) INTO n FROM pg_inherits WHERE inhparent = parent::regclass;
  RETURN n;
END;
$$;

-- bo1's maintenance entry point: creates next-but-one month for all three partitioned tables.
CREATE OR REPLACE FUNCTION create_next_month_partitions()
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['api_costs', 'session_events', 'contributions'] LOOP
    PERFORM create_month_partition(t, (date_trunc('month', CURRENT_DATE) + interval '2 months')::date);
  END LOOP;
END;
$$;

CREATE OR REPLACE FUNCTION list_partitions(parent text)
RETURNS TABLE (partition_name text, range_bound text)
LANGUAGE sql
STABLE
AS $$
  SELECT c.relname::text, pg_get_expr(c.relpartbound, c.oid)
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = parent::regclass
  ORDER BY c.relname;
$$;

CREATE OR REPLACE FUNCTION partition_sizes(parent text)
RETURNS TABLE (partition_name text, total_bytes bigint, row_estimate bigint)
LANGUAGE sql
STABLE
AS $$
  SELECT c.relname::text, pg_total_relation_size(c.oid), c.reltuples::bigint
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = parent::regclass
  ORDER BY c.relname;
$$;

CREATE OR REPLACE FUNCTION set_updated_at()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;
