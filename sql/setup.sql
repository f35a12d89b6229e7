-- sql/setup.sql: installing the extension
CREATE EXTENSION vigil;
SELECT vigil_version();
-- every function the extension installs, with its volatility and argument/result types
SELECT p.proname, pg_get_function_identity_arguments(p.oid) AS args,
       pg_get_function_result(p.oid) AS result, p.provolatile, p.proparallel
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'vigil'
ORDER BY p.proname;
-- a second CREATE fails cleanly
CREATE EXTENSION vigil;
-- the helper the other tests use to show an error's SQLSTATE with its message
CREATE FUNCTION show_error(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE sql;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
