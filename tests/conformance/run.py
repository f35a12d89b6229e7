#!/usr/bin/python3
"""Cross-engine conformance harness: the same SQL must give the same answers in
PostgreSQL (CREATE EXTENSION vigil) and SQLite (build/vigil.so).

    /usr/bin/python3 tests/conformance/run.py [case-name ...]

PostgreSQL is reached through the libpq environment (PGHOST, PGPORT, PGUSER, PGDATABASE for
the maintenance connection).  Every case runs in a fresh SQLite :memory: database and a fresh
PostgreSQL database (conf_<pid>_<n>, created from template0 and dropped afterwards).
See tests/conformance/README.md for the case format and the normalisation rules.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import re
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

try:
    import psycopg
    from psycopg import sql as pgsql
except ImportError:  # pragma: no cover
    sys.exit("run.py needs psycopg 3: run it with /usr/bin/python3 (Debian python3-psycopg)")

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CASES = HERE / "cases"
SQLITE_EXTENSION = REPO / "build" / "vigil.so"

ENGINES = ("sqlite", "postgres")

# ---------------------------------------------------------------------------------------------
# Case files
# ---------------------------------------------------------------------------------------------

HEADER = re.compile(r"^--\s*(setup|query|error|expect)\b[ \t]*(.*?)\s*$", re.IGNORECASE)


@dataclass
class Section:
    kind: str  # setup | query | error | expect
    args: list[str]
    sql: str
    line: int
    expect: "Section | None" = None


@dataclass
class Case:
    name: str
    path: Path
    steps: list[Section] = field(default_factory=list)

    @property
    def compared(self) -> list[Section]:
        return [s for s in self.steps if s.kind in ("query", "error")]


class CaseFormatError(Exception):
    pass


def parse_case(path: Path) -> Case:
    case = Case(path.stem, path)
    current: Section | None = None
    body: list[str] = []

    def finish() -> None:
        if current is None:
            return
        lines = list(body)
        while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith("--")):
            lines.pop()  # trailing comments introduce the next section
        if current.kind == "expect":  # comment lines are not part of an expected answer
            lines = [ln for ln in body if not ln.lstrip().startswith("--")]
        text = "\n".join(lines).strip()
        current.sql = text
        if not text:
            raise CaseFormatError(f"{path.name}:{current.line}: empty '-- {current.kind}' section")
        if current.kind == "expect":
            prev = case.steps[-1] if case.steps else None
            if prev is None or prev.kind not in ("query", "error") or prev.expect is not None:
                raise CaseFormatError(
                    f"{path.name}:{current.line}: '-- expect' must follow a query or an error")
            if prev.kind == "query":
                try:
                    rows = json.loads(text)
                except ValueError as e:
                    raise CaseFormatError(f"{path.name}:{current.line}: expect is not JSON: {e}")
                if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                    raise CaseFormatError(
                        f"{path.name}:{current.line}: expect must be a JSON list of rows (lists)")
            prev.expect = current
        else:
            case.steps.append(current)

    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = HEADER.match(line)
        if m:
            finish()
            kind = m.group(1).lower()
            args = m.group(2).split()
            if kind == "setup" and args not in ([], ["sqlite"], ["postgres"]):
                raise CaseFormatError(f"{path.name}:{lineno}: '-- setup' takes sqlite|postgres")
            if kind == "query" and any(a != "unordered" for a in args):
                raise CaseFormatError(f"{path.name}:{lineno}: '-- query' takes only 'unordered'")
            if kind == "error" and (len(args) > 1 or
                                    (args and not re.fullmatch(r"[0-9A-Z]{5}", args[0]))):
                raise CaseFormatError(f"{path.name}:{lineno}: '-- error' takes one SQLSTATE")
            if kind == "expect" and args:
                raise CaseFormatError(f"{path.name}:{lineno}: '-- expect' takes no arguments")
            current = Section(kind, args, "", lineno)
            body = []
        elif current is None:
            if line.strip() and not line.lstrip().startswith("--"):
                raise CaseFormatError(f"{path.name}:{lineno}: SQL before the first section")
        else:
            body.append(line)
    finish()
    if not case.compared:
        raise CaseFormatError(f"{path.name}: no '-- query' or '-- error' section")
    return case


# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------

TIMESTAMP_TEXT = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?$")


def iso(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}"
    return text + ("Z" if value.tzinfo is not None else "")


def number(value):
    """int, Decimal, float → int when integral (exact), float otherwise."""
    if isinstance(value, int):
        return value
    if isinstance(value, decimal.Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return int(value)
        return float(value)
    if value == value and value not in (float("inf"), float("-inf")) and value.is_integer():
        return int(value)
    return value


def normalise(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float, decimal.Decimal)):
        return number(value)
    if isinstance(value, dt.datetime):
        return iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (dict, list)):  # PostgreSQL json/jsonb, already parsed by psycopg
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, str):
        s = value.strip()
        if s[:1] in ("{", "["):
            try:
                parsed = json.loads(s)
            except ValueError:
                return value
            if isinstance(parsed, (dict, list)):
                return json.dumps(parsed, sort_keys=True, separators=(",", ":"))
        elif TIMESTAMP_TEXT.match(s):
            try:
                return iso(dt.datetime.fromisoformat(s))
            except ValueError:
                return value
    return value


def normalise_rows(rows, unordered: bool):
    out = [tuple(normalise(v) for v in row) for row in rows]
    if unordered:
        out.sort(key=lambda r: json.dumps(r, default=repr))
    return out


def columns_agree(sqlite_cols: list[str], pg_cols: list[str]) -> bool:
    """Result column names agree: equal up to case (PostgreSQL folds unquoted aliases), or the
    column is an unaliased expression, which each engine names its own way (SQLite uses the
    expression's text, "vigil_version()"; PostgreSQL the function or type name, or "?column?")."""
    if len(sqlite_cols) != len(pg_cols):
        return False
    for s, p in zip(sqlite_cols, pg_cols):
        if s.lower() == p.lower() or p == "?column?" or not PLAIN_NAME.match(s):
            continue
        return False
    return True


PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


# ---------------------------------------------------------------------------------------------
# Engines
# ---------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    columns: list[str] | None = None
    rows: list[tuple] | None = None
    error: str | None = None  # message to compare
    sqlstate: str | None = None  # PostgreSQL SQLSTATE or SQLite error name

    def describe(self) -> str:
        if self.error is not None:
            return f"error [{self.sqlstate}] {self.error}"
        return f"{len(self.rows)} row(s)"


class SqliteEngine:
    name = "sqlite"

    def __init__(self) -> None:
        if not SQLITE_EXTENSION.exists():
            raise RuntimeError(f"{SQLITE_EXTENSION} is missing (cd {REPO} && make)")
        self.con = sqlite3.connect(":memory:", isolation_level=None)
        self.con.enable_load_extension(True)
        try:
            self.con.load_extension(str(SQLITE_EXTENSION))
        finally:
            self.con.enable_load_extension(False)

    def setup(self, sql: str) -> None:
        self.con.executescript(sql)

    def run(self, sql: str) -> Outcome:
        try:
            cur = self.con.execute(sql)
            rows = cur.fetchall()
            cols = [d[0] for d in cur.description or []]
            return Outcome(columns=cols, rows=rows)
        except sqlite3.Error as e:
            return Outcome(error=str(e), sqlstate=getattr(e, "sqlite_errorname", type(e).__name__))

    def close(self) -> None:
        self.con.close()


class PostgresEngine:
    name = "postgres"
    counter = 0

    def __init__(self) -> None:
        PostgresEngine.counter += 1
        self.dbname = f"conf_{os.getpid()}_{PostgresEngine.counter}"
        self.admin = psycopg.connect("", autocommit=True)
        self.con = None
        self.admin.execute(pgsql.SQL("CREATE DATABASE {} TEMPLATE template0").format(
            pgsql.Identifier(self.dbname)))
        try:
            self.con = psycopg.connect("", dbname=self.dbname, autocommit=True,
                                       options="-c TimeZone=UTC")
            self.con.execute("CREATE EXTENSION vigil")
        except BaseException:
            self.close()
            raise

    def setup(self, sql: str) -> None:
        self.con.execute(sql)

    def run(self, sql: str) -> Outcome:
        try:
            cur = self.con.execute(sql)
            rows = cur.fetchall() if cur.description else []
            cols = [d.name for d in cur.description or []]
            return Outcome(columns=cols, rows=rows)
        except psycopg.Error as e:
            if e.diag.message_primary is None:  # not a server error (connection lost, ...)
                return Outcome(error=str(e), sqlstate=e.sqlstate or type(e).__name__)
            return Outcome(error=e.diag.message_primary, sqlstate=e.sqlstate)

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
        try:
            self.admin.execute(pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                pgsql.Identifier(self.dbname)))
        finally:
            self.admin.close()


# ---------------------------------------------------------------------------------------------
# Comparison and report
# ---------------------------------------------------------------------------------------------


def one_line(sql: str, limit: int = 110) -> str:
    text = " ".join(" ".join(ln for ln in sql.splitlines()
                             if not ln.lstrip().startswith("--")).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def show(value) -> str:
    return json.dumps(value, default=repr, ensure_ascii=False)


def side_by_side(a: list[tuple], b: list[tuple]) -> list[str]:
    lines = []
    for i in range(max(len(a), len(b))):
        ra = show(list(a[i])) if i < len(a) else "(no row)"
        rb = show(list(b[i])) if i < len(b) else "(no row)"
        if ra == rb:
            lines.append(f"      = {ra}")
        else:
            lines.append(f"      sqlite:   {ra}")
            lines.append(f"      postgres: {rb}")
    return lines or ["      (no rows on either engine)"]


def compare(step: Section, res: dict[str, Outcome]) -> tuple[bool, str, list[str]]:
    """→ (ok, note for the ok line, detail lines for a failure)."""
    s, p = res["sqlite"], res["postgres"]
    if step.kind == "error":
        problems = []
        for eng, r in res.items():
            if r.error is None:
                problems.append(f"{eng} did not fail: {len(r.rows)} row(s) {show(normalise_rows(r.rows, False))}")
        if not problems:
            if s.error != p.error:
                problems.append("messages differ")
            if p.sqlstate == "XX000":
                problems.append("PostgreSQL raised XX000 (internal error)")
            if step.args and p.sqlstate != step.args[0]:
                problems.append(f"PostgreSQL SQLSTATE {p.sqlstate}, expected {step.args[0]}")
            if step.expect is not None and p.error != step.expect.sql:
                problems.append(f"expected message: {step.expect.sql}")
        if problems:
            return False, "", [f"    {x}" for x in problems] + [
                f"    sqlite:   {s.describe()}", f"    postgres: {p.describe()}"]
        return True, f"[{p.sqlstate}] {p.error}", []

    # query
    if s.error is not None or p.error is not None:
        return False, "", ["    query failed", f"    sqlite:   {s.describe()}",
                           f"    postgres: {p.describe()}"]
    unordered = "unordered" in step.args
    rs, rp = normalise_rows(s.rows, unordered), normalise_rows(p.rows, unordered)
    problems = []
    if not columns_agree(s.columns, p.columns):
        problems.append(f"    columns differ: sqlite {s.columns}, postgres {p.columns}")
    if rs != rp:
        problems.append("    rows differ:")
    if step.expect is not None:
        want = normalise_rows([tuple(r) for r in json.loads(step.expect.sql)], unordered)
        if rs == rp and rs != want:
            problems.append("    both engines agree, but not with -- expect " + show(want))
        elif rs != rp:
            problems.append("    (expected " + show(want) + ")")
    if problems:
        return False, "", problems + side_by_side(rs, rp)
    return True, "", []


def run_case(case: Case, out) -> tuple[int, int]:
    passed = failed = 0
    engines: dict[str, object] = {}
    pending = list(case.steps)

    def fail_rest(reason: str) -> int:
        n = 0
        for st in pending:
            if st.kind in ("query", "error"):
                print(f"FAIL {case.name}: {one_line(st.sql)}\n    not run: {reason}", file=out)
                n += 1
        return n

    try:
        try:
            engines["sqlite"] = SqliteEngine()
            engines["postgres"] = PostgresEngine()
        except Exception as e:  # noqa: BLE001 - reported as a failure of every query
            return 0, fail_rest(f"engine setup failed: {type(e).__name__}: {e}")
        while pending:
            step = pending[0]
            if step.kind == "setup":
                targets = step.args or list(ENGINES)
                for eng in targets:
                    try:
                        engines[eng].setup(step.sql)
                    except Exception as e:  # noqa: BLE001
                        msg = getattr(getattr(e, "diag", None), "message_primary", None) or str(e)
                        return passed, failed + fail_rest(
                            f"setup at {case.path.name}:{step.line} failed on {eng}: {msg}")
                pending.pop(0)
                continue
            res = {eng: engines[eng].run(step.sql) for eng in ENGINES}
            ok, note, detail = compare(step, res)
            if ok:
                passed += 1
                print(f"ok {case.name}: {one_line(step.sql)}" + (f"  {note}" if note else ""),
                      file=out)
            else:
                failed += 1
                print(f"FAIL {case.name}: {one_line(step.sql)}", file=out)
                for line in detail:
                    print(line, file=out)
            pending.pop(0)
        return passed, failed
    finally:
        for eng in engines.values():
            try:
                eng.close()
            except Exception as e:  # noqa: BLE001
                print(f"warning {case.name}: closing {eng.name}: {e}", file=sys.stderr)


def main(argv: list[str]) -> int:
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__.strip())
        return 0
    files = sorted(CASES.glob("*.sql"))
    by_name = {f.stem: f for f in files}
    if argv:
        unknown = [a for a in argv if a not in by_name]
        if unknown:
            print(f"unknown case(s): {', '.join(unknown)}; known: {', '.join(by_name)}",
                  file=sys.stderr)
            return 2
        files = [by_name[a] for a in argv]
    passed = failed = 0
    for f in files:
        try:
            case = parse_case(f)
        except CaseFormatError as e:
            print(f"FAIL {f.stem}: bad case file: {e}")
            failed += 1
            continue
        p, q = run_case(case, sys.stdout)
        passed += p
        failed += q
        sys.stdout.flush()
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
