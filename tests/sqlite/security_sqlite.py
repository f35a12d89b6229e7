#!/usr/bin/python3
"""tests/sqlite/security_sqlite.py -- what a hostile SQLite schema can reach, driven by the
registry (vigil_functions()), so a new function is covered when it is registered:

  - every function that writes is SQLITE_DIRECTONLY: refused ("unsafe use of ...") when a view
    or a trigger calls it, with trusted_schema ON and OFF, and nothing was changed;
  - every other function is INNOCUOUS, except the ones that reach outside the database
    (vigil_backup: files), which are DIRECTONLY too: with trusted_schema OFF a view and a
    trigger may call the innocuous ones;
  - load_extension(): vigil never enables it for SQL.  After the usual recipe
    (enable_load_extension(True), load vigil, enable_load_extension(False)), SQL's
    load_extension() is still refused, after calling every function too; and no source file
    of the extension calls sqlite3_enable_load_extension, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION
    or sqlite3_load_extension.

Run by tests/sqlite/run.sh from build/sqlite-tests; the output is compared with
tests/sqlite/expected/security_sqlite.out and names no function, so that it stays the same when
functions are added (a problem prints the function's name, and fails).
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys

EXTENSION = "build/vigil"
SOURCES = "../../sqlite_extension"
DIRECT_ONLY_READERS = {"vigil_backup", "vigil_backup_verify", "vigil_restore"}

problems: list[str] = []


def connect(path: str) -> sqlite3.Connection:
    if os.path.exists(path):
        os.remove(path)
    con = sqlite3.connect(path, isolation_level=None)
    con.enable_load_extension(True)
    con.load_extension(EXTENSION)
    con.enable_load_extension(False)
    return con


def call_sql(name: str, kind: str, nargs: int) -> str:
    args = ", ".join("NULL" for _ in range(nargs))
    return f"SELECT * FROM {name}({args})" if kind == "table" else f"SELECT {name}({args})"


def required_args(arguments: str) -> int:
    return sum(1 for a in arguments.split(",") if a.strip() and not a.strip().startswith("["))


def error_of(con: sqlite3.Connection, sql: str) -> str:
    try:
        con.execute(sql).fetchall()
        return ""
    except sqlite3.Error as e:
        return str(e)


con = connect("security_sqlite.db")
con.executescript("""
    CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
    INSERT INTO t VALUES (1, 'one'), (2, 'two');
    CREATE TABLE log (id INTEGER PRIMARY KEY, x TEXT);
""")
functions = con.execute("SELECT name, kind, arguments, writes FROM vigil_functions()").fetchall()
writers = [f for f in functions if f[3]]
print(f"functions in the registry: {'yes' if len(functions) > 20 else 'NO'}; "
      f"some write: {'yes' if writers else 'NO'}")


def state() -> list:
    return con.execute(
        "SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'vw_%' AND name NOT LIKE 'tr_%' ORDER BY 1, 2").fetchall() + \
        con.execute("SELECT * FROM t ORDER BY id").fetchall()


for trusted in ("ON", "OFF"):
    con.execute(f"PRAGMA trusted_schema = {trusted}")
    before = state()
    refused_writers = 0
    innocuous_ok = 0
    for name, kind, arguments, writes in functions:
        sql = call_sql(name, kind, required_args(arguments))
        con.execute(f"DROP VIEW IF EXISTS vw_{name}")
        con.execute(f"DROP TRIGGER IF EXISTS tr_{name}")
        # a view: the error comes when the view is used
        con.execute(f"CREATE VIEW vw_{name} AS {sql}")
        from_view = error_of(con, f"SELECT * FROM vw_{name}")
        # a trigger: the error comes when the trigger fires
        con.execute(f"CREATE TRIGGER tr_{name} AFTER INSERT ON log BEGIN {sql}; END")
        from_trigger = error_of(con, "INSERT INTO log (x) VALUES ('fire')")
        con.execute(f"DROP TRIGGER tr_{name}")
        con.execute(f"DROP VIEW vw_{name}")
        refused = ["unsafe use of" in e for e in (from_view, from_trigger)]
        if writes or name in DIRECT_ONLY_READERS:
            if all(refused):
                refused_writers += writes
            else:
                problems.append(f"{name} (trusted_schema {trusted}) ran from a view or trigger: "
                                f"view={from_view!r} trigger={from_trigger!r}")
        elif any(refused):
            problems.append(f"{name} (read-only) refused from a view or trigger with "
                            f"trusted_schema {trusted}: view={from_view!r} "
                            f"trigger={from_trigger!r}")
        else:
            innocuous_ok += 1
    if state() != before:
        problems.append(f"trusted_schema {trusted}: the schema or t changed")
    print(f"trusted_schema {trusted}: every writing function refused from a view and a "
          f"trigger: {'yes' if refused_writers == len(writers) else 'NO'}; every read-only "
          f"function callable from both: "
          f"{'yes' if innocuous_ok == len(functions) - len(writers) - sum(1 for f in functions if f[0] in DIRECT_ONLY_READERS and not f[3]) else 'NO'}")
    con.execute("DELETE FROM log")

# load_extension() stays disabled for SQL, also after every function ran once.
print("load_extension() after loading vigil:", error_of(con, "SELECT load_extension('nope')"))
for name, kind, arguments, writes in functions:
    error_of(con, call_sql(name, kind, required_args(arguments)))
print("load_extension() after calling every function:",
      error_of(con, "SELECT load_extension('nope')"))
con.close()

pattern = re.compile(r"sqlite3_enable_load_extension|SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION|"
                     r"sqlite3_load_extension\b")
offenders = []
for root, _, files in os.walk(SOURCES):
    for f in files:
        path = os.path.join(root, f)
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                code = line.split("//", 1)[0]
                if pattern.search(code):
                    offenders.append(f)
print("extension sources that enable or call load_extension:", offenders or "none")

for p in problems:
    print("PROBLEM:", p)
sys.exit(1 if problems else 0)
