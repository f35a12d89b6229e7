#!/usr/bin/python3
"""tests/checksum/reference_test.py -- the independent reference implementation
(reference.py) against the spec and against vigil's SQLite extension.

    /usr/bin/python3 tests/checksum/reference_test.py [path/to/vigil.so]

1. Every test vector of tests/checksum/vectors.json is reproduced by reference.py, and every
   expected payload and digest appears in docs/checksum-spec.md (the published vectors).
2. vigil_table_checksum() of the SQLite extension equals reference.py's checksum for each value
   vector stored in a one-column table, for the table vectors, and for 2,000 random rows of
   every type class.
Run by ctest (CMakeLists.txt).  The last line is "N passed, N failed".
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import random
import sqlite3
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
import reference as ref  # noqa: E402

EXTENSION = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "build" / "vigil.so"
DECLARED = {"integer": "INTEGER", "real": "REAL", "numeric": "NUMERIC", "boolean": "BOOLEAN",
            "text": "TEXT", "blob": "BLOB", "timestamp": "TIMESTAMP", "date": "DATE",
            "json": "JSON"}

passed = 0
failed = 0


def check(ok: bool, what: str, detail: str = "") -> None:
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {what}{': ' + detail if detail else ''}")


def value_of(inp):
    kind, v = inp
    return {"int": lambda: v, "real": lambda: float(v), "bool": lambda: v,
            "numeric": lambda: decimal.Decimal(v), "text": lambda: v,
            "blob": lambda: bytes.fromhex(v), "null": lambda: None,
            "timestamp": lambda: v, "json": lambda: v}[kind]()


def reference_value(cls: str, inp) -> tuple[int, bytes | None]:
    """(tag, payload) by reference.py; 'timestamp' and 'json' inputs are PostgreSQL values
    handed over as text (vigil::Value kTimestamp / kJson)."""
    kind, v = inp
    if kind == "timestamp":
        t = ref.timestamp_text(v)
        return (ref.TAG_TIMESTAMP, t.encode()) if t else (ref.TAG_TEXT, v.encode())
    if kind == "json":
        t = ref.json_text(v)
        return (ref.TAG_JSON, t.encode()) if t else (ref.TAG_TEXT, v.encode())
    return ref.canonical(cls, value_of(inp))


def connect() -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    con.enable_load_extension(True)
    con.load_extension(str(EXTENSION))
    con.enable_load_extension(False)
    return con


def main() -> int:
    vectors = json.loads((HERE / "vectors.json").read_text())
    spec = (REPO / "docs" / "checksum-spec.md").read_text()

    # 1. The vectors, by the reference implementation, and as published.
    for v in vectors["values"]:
        tag, payload = reference_value(v["class"], v["input"])
        shown = None if payload is None else (payload.hex() if tag == ref.TAG_BLOB
                                              else payload.decode())
        check(tag == v["tag"] and shown == v["payload"], f"value vector {v['class']} {v['input']}",
              f"reference gives tag {tag} payload {shown!r}")
        if shown is not None and len(shown) < 100:
            check(f"`{shown}`" in spec or (shown == "" and "(empty)" in spec),
                  f"docs/checksum-spec.md shows the payload {shown!r}")
    for r in vectors["rows"]:
        values = [value_of(x) for x in r["row"]]
        check(ref.encode_row(r["classes"], values).hex() == r["encoding"], f"row encoding {r['row']}")
        check(ref.hex128(ref.row_hash(r["classes"], values)) == r["hash"], f"row hash {r['row']}")
        check(r["hash"] in spec, f"docs/checksum-spec.md shows the row hash {r['hash']}")
        check(r["encoding"] in spec.replace(" ", "").replace("\n", "").replace("`", ""),
              f"docs/checksum-spec.md shows the row encoding {r['encoding']}")
    for t in vectors["tables"]:
        rows = [[value_of(x) for x in row] for row in t["rows"]]
        check(ref.table_checksum(t["classes"], rows) == t["checksum"], f"table vector {t['name']}")
        check(t["checksum"] in spec, f"docs/checksum-spec.md shows the table digest {t['checksum']}")
    db = vectors["database"]
    check(ref.database_checksum([tuple(x) for x in db["tables"]]) == db["checksum"],
          "database vector")
    check(db["checksum"] in spec, "docs/checksum-spec.md shows the database checksum")

    # 2. The SQLite extension against the reference.
    con = connect()
    for i, v in enumerate(vectors["values"]):
        kind, raw = v["input"]
        if kind not in ("int", "real", "text", "blob", "null"):
            continue  # PostgreSQL-only kinds: tests/unit and pg_regress cover them
        cls = v["class"]
        value = value_of(v["input"])
        con.execute(f'CREATE TABLE v{i}(x {DECLARED[cls]})')
        con.execute(f"INSERT INTO v{i} VALUES (?)", (value,))
        got = con.execute(f"SELECT vigil_table_checksum('v{i}')").fetchone()[0]
        # SQLite cannot store NaN: it stores NULL, and the checksum says so.
        expected_value = None if isinstance(value, float) and value != value else value
        check(got == ref.table_checksum([cls], [(expected_value,)]),
              f"SQLite one-value table {cls} {v['input']}")
    for n, t in enumerate(vectors["tables"]):
        cols = ", ".join(f"c{k} {DECLARED[c]}" for k, c in enumerate(t["classes"]))
        con.execute(f"CREATE TABLE tv{n}({cols})")
        for row in t["rows"]:
            con.execute(f"INSERT INTO tv{n} VALUES ({', '.join('?' * len(row))})",
                        [value_of(x) for x in row])
        got = con.execute(f"SELECT vigil_table_checksum('tv{n}')").fetchone()[0]
        check(got == t["checksum"], f"SQLite table vector {t['name']}", got)

    # Random rows of every type class, stored the way an application would.
    rng = random.Random(20240105)
    classes = ["integer", "real", "numeric", "boolean", "text", "blob", "timestamp", "date", "json"]
    con.execute("CREATE TABLE r(" + ", ".join(f"c_{c} {DECLARED[c]}" for c in classes) + ")")
    rows = []

    def maybe(v):
        return None if rng.random() < 0.1 else v

    alphabet = "aZ 09é€😀\n\t\"\\'" + "".join(chr(c) for c in range(0x20, 0x7f))
    for _ in range(2000):
        bits = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
        real = bits if bits == bits and abs(bits) != float("inf") else rng.uniform(-1e9, 1e9)
        moment = dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=rng.randrange(-10**16, 10**17))
        offset = rng.choice(["", "Z", "+02:00", "-0530", "+01"])
        text_ts = moment.strftime(rng.choice(["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f",
                                             "%Y-%m-%d %H:%M", "%Y-%m-%d"]))
        if len(text_ts) > 10:
            text_ts += offset
        doc = {"".join(rng.choice(alphabet) for _ in range(rng.randrange(4))):
               rng.choice([1, 1.5, "x", None, True, [1, {"b": 2, "a": 1}], 1e20])
               for _ in range(rng.randrange(4))}
        rows.append((
            maybe(rng.randrange(-2**63, 2**63)),
            maybe(real),
            maybe(rng.choice([rng.randrange(-10**6, 10**6) / 100, rng.randrange(10**12)])),
            maybe(rng.choice([0, 1])),
            maybe("".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))),
            maybe(rng.randbytes(rng.randrange(10))),
            maybe(rng.choice([text_ts, "not a time"])),
            maybe(moment.date().isoformat()),
            maybe(rng.choice([json.dumps(doc, indent=rng.choice([None, 2])), "{bad json"])),
        ))
    con.executemany(f"INSERT INTO r VALUES ({', '.join('?' * len(classes))})", rows)
    stored = con.execute("SELECT * FROM r").fetchall()  # after SQLite's affinity conversions
    got = con.execute("SELECT vigil_table_checksum('r')").fetchone()[0]
    check(got == ref.table_checksum(classes, stored), "SQLite 2,000 random rows", got)
    check(got == ref.table_checksum(classes, list(reversed(stored))), "row order does not matter")
    for k, c in enumerate(classes):
        got = con.execute(f"SELECT vigil_table_checksum('r', 'c_{c}')").fetchone()[0]
        check(got == ref.table_checksum([c], [(row[k],) for row in stored]),
              f"SQLite random column of class {c}", got)

    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
