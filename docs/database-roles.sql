-- Database roles for production (README.md, "Operations", "Database roles";
-- docs/decisions/0007-case-integrity.md).
--
--   casework_owner  owns the schema and every table; used only by `python manage.py migrate`
--                   (DATABASE_MIGRATION_URL). Never configured in the running app.
--   casework_app    what gunicorn and Celery connect as (DATABASE_URL): reads and writes rows,
--                   owns nothing, so it cannot ALTER or DROP a table, disable the audit
--                   trigger, TRUNCATE, or UPDATE/DELETE audit events.
--
-- Run once, as a superuser, connected to the (empty or existing) casework database:
--   createdb casework
--   psql -v ON_ERROR_STOP=1 -d casework -f docs/database-roles.sql
--   psql -d casework -c '\password casework_owner'   # then the same for casework_app
-- After that, `migrate` (as casework_owner) grants casework_app its rights on every table it
-- creates and revokes UPDATE, DELETE and TRUNCATE on the audit table again, so the grants below
-- only need to exist once.

CREATE ROLE casework_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
CREATE ROLE casework_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;

-- The database and its schema belong to the owner role; nobody else may create objects.
DO $$ BEGIN
    EXECUTE format('ALTER DATABASE %I OWNER TO casework_owner', current_database());
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO casework_app', current_database());
END $$;
ALTER SCHEMA public OWNER TO casework_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO casework_app;

-- Tables that already exist (a database migrated before the roles were split): hand them to
-- the owner role.
DO $$
DECLARE item record;
BEGIN
    FOR item IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))
    LOOP
        EXECUTE format('ALTER %s public.%I OWNER TO casework_owner',
                       CASE item.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                                         WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, item.relname);
    END LOOP;
    FOR item IN SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'public' AND p.proname = 'audit_event_append_only'
    LOOP
        EXECUTE 'ALTER FUNCTION public.audit_event_append_only() OWNER TO casework_owner';
    END LOOP;
END $$;

-- Rows only: what the application does. New tables created by migrate get the same.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO casework_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO casework_app;
ALTER DEFAULT PRIVILEGES FOR ROLE casework_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO casework_app;
ALTER DEFAULT PRIVILEGES FOR ROLE casework_owner IN SCHEMA public
    GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO casework_app;

-- The audit log is append-only for the application (the trigger refuses the same, and only
-- the table's owner could disable it).
DO $$ BEGIN
    IF to_regclass('public.audit_auditevent') IS NOT NULL THEN
        REVOKE UPDATE, DELETE, TRUNCATE ON public.audit_auditevent FROM casework_app;
    END IF;
END $$;
