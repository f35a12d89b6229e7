-- bench/corpus/queries.sql: real-world query shapes for the normaliser benchmark, one per
-- statement (terminated by a semicolon at the end of a line): pgbench's scripts, TPC-H
-- queries, what Django, Rails and SQLAlchemy generate, the validation platform's queries,
-- bulk inserts and long IN lists.
SELECT abalance FROM pgbench_accounts WHERE aid = $1;
UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;
UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2;
UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2;
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP);
select
	l_returnflag,
	l_linestatus,
	sum(l_quantity) as sum_qty,
	sum(l_extendedprice) as sum_base_price,
	sum(l_extendedprice * (1 - l_discount)) as sum_disc_price,
	sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as sum_charge,
	avg(l_quantity) as avg_qty,
	avg(l_extendedprice) as avg_price,
	avg(l_discount) as avg_disc,
	count(*) as count_order
from
	lineitem
where
	l_shipdate <= date '1998-12-01' - interval '90' day
group by
	l_returnflag,
	l_linestatus
order by
	l_returnflag,
	l_linestatus;
select
	l_orderkey,
	sum(l_extendedprice * (1 - l_discount)) as revenue,
	o_orderdate,
	o_shippriority
from
	customer,
	orders,
	lineitem
where
	c_mktsegment = 'BUILDING'
	and c_custkey = o_custkey
	and l_orderkey = o_orderkey
	and o_orderdate < date '1995-03-15'
	and l_shipdate > date '1995-03-15'
group by
	l_orderkey,
	o_orderdate,
	o_shippriority
order by
	revenue desc,
	o_orderdate
limit 10;
select
	n_name,
	sum(l_extendedprice * (1 - l_discount)) as revenue
from
	customer,
	orders,
	lineitem,
	supplier,
	nation,
	region
where
	c_custkey = o_custkey
	and l_orderkey = o_orderkey
	and l_suppkey = s_suppkey
	and c_nationkey = s_nationkey
	and s_nationkey = n_nationkey
	and n_regionkey = r_regionkey
	and r_name = 'ASIA'
	and o_orderdate >= date '1994-01-01'
	and o_orderdate < date '1994-01-01' + interval '1' year
group by
	n_name
order by
	revenue desc;
select
	sum(l_extendedprice * l_discount) as revenue
from
	lineitem
where
	l_shipdate >= date '1994-01-01'
	and l_shipdate < date '1994-01-01' + interval '1' year
	and l_discount between 0.06 - 0.01 and 0.06 + 0.01
	and l_quantity < 24;
select
	c_custkey,
	c_name,
	sum(l_extendedprice * (1 - l_discount)) as revenue,
	c_acctbal,
	n_name,
	c_address,
	c_phone,
	c_comment
from
	customer,
	orders,
	lineitem,
	nation
where
	c_custkey = o_custkey
	and l_orderkey = o_orderkey
	and o_orderdate >= date '1993-10-01'
	and o_orderdate < date '1993-10-01' + interval '3' month
	and l_returnflag = 'R'
	and c_nationkey = n_nationkey
group by
	c_custkey,
	c_name,
	c_acctbal,
	c_phone,
	n_name,
	c_address,
	c_comment
order by
	revenue desc
limit 20;
select
	s_name,
	count(*) as numwait
from
	supplier,
	lineitem l1,
	orders,
	nation
where
	s_suppkey = l1.l_suppkey
	and o_orderkey = l1.l_orderkey
	and o_orderstatus = 'F'
	and l1.l_receiptdate > l1.l_commitdate
	and exists (
		select * from lineitem l2
		where l2.l_orderkey = l1.l_orderkey and l2.l_suppkey <> l1.l_suppkey
	)
	and not exists (
		select * from lineitem l3
		where l3.l_orderkey = l1.l_orderkey and l3.l_suppkey <> l1.l_suppkey
			and l3.l_receiptdate > l3.l_commitdate
	)
	and s_nationkey = n_nationkey
	and n_name = 'SAUDI ARABIA'
group by
	s_name
order by
	numwait desc,
	s_name
limit 100;
SELECT "auth_user"."id", "auth_user"."password", "auth_user"."last_login", "auth_user"."is_superuser", "auth_user"."username", "auth_user"."first_name", "auth_user"."last_name", "auth_user"."email", "auth_user"."is_staff", "auth_user"."is_active", "auth_user"."date_joined" FROM "auth_user" WHERE "auth_user"."username" = 'alice' LIMIT 21;
SELECT "django_session"."session_key", "django_session"."session_data", "django_session"."expire_date" FROM "django_session" WHERE ("django_session"."expire_date" > '2024-05-01T10:00:00+00:00'::timestamptz AND "django_session"."session_key" = 'q3x9z2kq0f5y8w1v') LIMIT 21;
SELECT "blog_post"."id", "blog_post"."title", "blog_post"."author_id" FROM "blog_post" INNER JOIN "auth_user" ON ("blog_post"."author_id" = "auth_user"."id") WHERE ("auth_user"."is_active" AND "blog_post"."id" IN (1, 2, 3, 5, 8, 13, 21, 34, 55, 89)) ORDER BY "blog_post"."created" DESC;
UPDATE "auth_user" SET "last_login" = '2024-05-01T10:00:00.123456+00:00'::timestamptz WHERE "auth_user"."id" = 42;
INSERT INTO "blog_comment" ("post_id", "author_id", "body", "created") VALUES (7, 42, 'Nice post, thanks! It''s exactly what I needed.', '2024-05-01T10:00:00+00:00'::timestamptz) RETURNING "blog_comment"."id";
SELECT COUNT(*) AS "__count" FROM "blog_post" WHERE "blog_post"."published" = true;
SELECT "users".* FROM "users" WHERE "users"."email" = $1 LIMIT $2;
SELECT "articles".* FROM "articles" WHERE "articles"."user_id" = $1 AND "articles"."status" = $2 ORDER BY "articles"."created_at" DESC LIMIT $3 OFFSET $4;
SELECT "tags".* FROM "tags" INNER JOIN "taggings" ON "tags"."id" = "taggings"."tag_id" WHERE "taggings"."taggable_id" = $1 AND "taggings"."taggable_type" = $2;
INSERT INTO "articles" ("title", "body", "user_id", "created_at", "updated_at") VALUES ($1, $2, $3, $4, $5) RETURNING "id";
UPDATE "users" SET "sign_in_count" = COALESCE("sign_in_count", 0) + 1, "updated_at" = $1 WHERE "users"."id" = $2;
SELECT users.id AS users_id, users.name AS users_name, users.fullname AS users_fullname, users.nickname AS users_nickname FROM users WHERE users.name = %(name_1)s;
SELECT addresses.id AS addresses_id, addresses.email_address AS addresses_email_address, addresses.user_id AS addresses_user_id FROM addresses WHERE ? = addresses.user_id;
SELECT users.id, users.name FROM users WHERE users.id IN (__[POSTCOMPILE_id_1]);
SELECT v.id, v.path, p.name AS project FROM videos v JOIN projects p ON p.id = v.project_id WHERE v.status = 'processed' AND v.fps >= 29.97 ORDER BY v.created_at DESC LIMIT 50;
SELECT d.video_id, count(*) AS detections, avg(d.confidence) AS mean_confidence FROM detection_events d WHERE d.confidence BETWEEN 0.5 AND 1.0 AND d.frame_number > 100 GROUP BY d.video_id HAVING count(*) > 10;
INSERT INTO detection_events (video_id, frame_number, label, confidence, bbox) VALUES (17, 1042, 'person', 0.93, '{"x": 10, "y": 20, "w": 64, "h": 128}');
UPDATE test_sessions SET status = 'completed', finished_at = now(), metrics = metrics || '{"precision": 0.91, "recall": 0.87}'::jsonb WHERE id = 3;
SELECT g.label, count(*) FILTER (WHERE d.id IS NOT NULL) AS matched, count(*) AS total FROM ground_truth_objects g LEFT JOIN detection_events d ON d.video_id = g.video_id AND d.frame_number = g.frame_number AND d.label = g.label WHERE g.video_id = ANY(ARRAY[1, 2, 3, 4]) GROUP BY g.label;
INSERT INTO readings (sensor_id, taken_at, value) VALUES (1, '2024-05-01 10:00:00', 20.5), (2, '2024-05-01 10:00:00', 21.0), (3, '2024-05-01 10:00:00', 19.75), (4, '2024-05-01 10:00:00', 22.25), (5, '2024-05-01 10:00:00', 18.5), (6, '2024-05-01 10:00:00', 20.0), (7, '2024-05-01 10:00:00', 21.5), (8, '2024-05-01 10:00:00', 19.0);
SELECT * FROM orders WHERE customer_id IN (101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132) AND status <> 'cancelled';
WITH RECURSIVE subordinates AS (SELECT employee_id, manager_id, full_name FROM employees WHERE employee_id = 2 UNION SELECT e.employee_id, e.manager_id, e.full_name FROM employees e INNER JOIN subordinates s ON s.employee_id = e.manager_id) SELECT * FROM subordinates;
SELECT data->>'name' AS name, data #>> '{address,city}' AS city FROM documents WHERE data @> '{"active": true}' AND (data->'tags') ? 'vip';
SELECT id, title, ts_rank(search_vector, plainto_tsquery('english', 'database monitoring')) AS rank FROM articles WHERE search_vector @@ plainto_tsquery('english', 'database monitoring') ORDER BY rank DESC LIMIT 10;
CREATE OR REPLACE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
SELECT date_trunc('hour', created_at) AS hour, count(*) FROM events WHERE created_at >= now() - interval '1 day' /* last day */ GROUP BY 1 ORDER BY 1;
INSERT INTO kv (k, v) VALUES ('feature.flags', E'{\n  "beta": true\n}') ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v;
SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name;
SELECT `id`, `name` FROM [users] WHERE [users].[active] = 1 AND `email` LIKE :pattern ESCAPE '\';
DELETE FROM sessions WHERE expires_at < ?1 AND user_id = ?2;
SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) FROM request_log WHERE route = '/api/v1/videos/:id' AND status_code BETWEEN 200 AND 299;
