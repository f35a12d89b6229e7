-- sql/messages.sql: SQL that vigil's findings show runs as written, names quoted: the
-- unvalidated_constraint finding's ALTER TABLE ... VALIDATE CONSTRAINT, for a hostile name.
CREATE TABLE "x""; DROP TABLE t;--" (id int PRIMARY KEY, n int);
CREATE TABLE t (id int);
INSERT INTO "x""; DROP TABLE t;--" VALUES (1, 5);
ALTER TABLE "x""; DROP TABLE t;--" ADD CHECK (n >= 0) NOT VALID;
SELECT detail FROM vigil_check('x"; DROP TABLE t;--') WHERE check_name = 'unvalidated_constraint';
DO $$ DECLARE s text; BEGIN
  SELECT substring(detail from 'ALTER TABLE .* VALIDATE CONSTRAINT .*(?= once the data is clean)')
  INTO s FROM vigil_check('x"; DROP TABLE t;--') WHERE check_name = 'unvalidated_constraint';
  EXECUTE s;
END $$;
SELECT count(*) AS unvalidated_left FROM vigil_check('x"; DROP TABLE t;--')
WHERE check_name = 'unvalidated_constraint';
SELECT count(*) AS t_survives FROM t;
DROP TABLE "x""; DROP TABLE t;--", t;
