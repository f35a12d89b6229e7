#!/usr/bin/python3
"""tests/checksum/reference.py -- an independent implementation of vigil's content checksum,
written from docs/checksum-spec.md alone, in Python with the standard library and Debian's
libxxhash (through ctypes).  reference_test.py checks that it agrees with the spec's test
vectors and with vigil_table_checksum() of the SQLite extension, which shows that another tool
can reproduce vigil's digests.

    from reference import table_checksum
    table_checksum(["integer", "text"], [(1, "a"), (2, None)])  -> 32 hex digits

Values are Python values: None, bool, int, float, decimal.Decimal (PostgreSQL numeric),
str, bytes, datetime.datetime (naive, or aware: converted to UTC), datetime.date.  The type
classes are those of vigil_schema(): integer, real, numeric, boolean, text, blob, timestamp,
date, json, other.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import decimal
import json
import math
import re

TAG_NULL, TAG_NUMBER, TAG_TEXT, TAG_BLOB, TAG_TIMESTAMP, TAG_DATE, TAG_JSON = range(7)
MAX_DECIMAL = 200000


class _Hash(ctypes.Structure):
    _fields_ = [("low64", ctypes.c_uint64), ("high64", ctypes.c_uint64)]


_lib = ctypes.CDLL("libxxhash.so.0")
_lib.XXH3_128bits.restype = _Hash
_lib.XXH3_128bits.argtypes = [ctypes.c_char_p, ctypes.c_size_t]


def xxh3_128(data: bytes) -> int:
    h = _lib.XXH3_128bits(data, len(data))
    return (h.high64 << 64) | h.low64


def hex128(v: int) -> str:
    return f"{v:032x}"


# ---- numbers ---------------------------------------------------------------------------------

def decimal_text(d: decimal.Decimal) -> str | None:
    if d.is_nan():
        return "NaN"
    if d.is_infinite():
        return "-Infinity" if d < 0 else "Infinity"
    sign, digits, exp = d.as_tuple()
    ds = "".join(map(str, digits)).lstrip("0")
    if not ds:
        return "0"
    stripped = ds.rstrip("0")
    exp += len(ds) - len(stripped)
    ds = stripped
    size = (len(ds) + exp if exp >= 0 else max(len(ds) + 1, 2 - exp)) + (1 if sign else 0)
    if size > MAX_DECIMAL:
        return None
    if exp >= 0:
        s = ds + "0" * exp
    else:
        point = len(ds) + exp
        s = ds[:point] + "." + ds[point:] if point > 0 else "0." + "0" * -point + ds
    return ("-" if sign else "") + s


DECIMAL_LITERAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,9})?")


def number_text(s: str) -> str | None:
    if DECIMAL_LITERAL.fullmatch(s):
        return decimal_text(decimal.Decimal(s))
    low = s.lower()
    if low == "nan":
        return "NaN"
    if low in ("infinity", "+infinity", "inf", "+inf"):
        return "Infinity"
    if low in ("-infinity", "-inf"):
        return "-Infinity"
    return None


def float_text(f: float) -> str:
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "-Infinity" if f < 0 else "Infinity"
    return decimal_text(decimal.Decimal(repr(f)))  # repr: the shortest round-trip digits


# ---- timestamps --------------------------------------------------------------------------------

TS = re.compile(
    r"([0-9]{4,7})-([0-9][0-9])-([0-9][0-9])"
    r"(?:[Tt ]([0-9][0-9]):([0-9][0-9])(?::([0-9][0-9])(?:\.([0-9]+))?)?"
    r"(?:([Zz])|([+-])([0-9][0-9])(?::([0-9][0-9])(?::([0-9][0-9]))?|([0-9][0-9]))?)?)?"
    r"( [Bb][Cc])?")
DATE = re.compile(r"([0-9]{4,7})-([0-9][0-9])-([0-9][0-9])( [Bb][Cc])?")
CYCLE_DAYS = 146097  # the Gregorian calendar repeats every 400 years


def _ordinal(year: int, month: int, day: int) -> int | None:
    """Days from 0001-01-01 (proleptic Gregorian, astronomical years), None if invalid."""
    shift = 0
    while year < 1:
        year += 400
        shift -= 1
    while year > 9999:
        year -= 400
        shift += 1
    try:
        return dt.date(year, month, day).toordinal() + shift * CYCLE_DAYS
    except ValueError:
        return None


def _civil(ordinal: int) -> tuple[int, int, int]:
    shift = 0
    while ordinal < 1:
        ordinal += CYCLE_DAYS
        shift -= 1
    while ordinal > dt.date(9999, 12, 31).toordinal():
        ordinal -= CYCLE_DAYS
        shift += 1
    d = dt.date.fromordinal(ordinal)
    return d.year + 400 * shift, d.month, d.day


def _date_text(year: int, month: int, day: int) -> str:
    shown = 1 - year if year <= 0 else year
    return f"{shown:04d}-{month:02d}-{day:02d}"


def _era(year: int) -> str:
    return " BC" if year <= 0 else ""


def timestamp_text(s: str) -> str | None:
    if s.lower() in ("infinity", "+infinity"):
        return "infinity"
    if s.lower() == "-infinity":
        return "-infinity"
    m = TS.fullmatch(s)
    if not m:
        return None
    (year, month, day, hh, mi, ss, frac, zulu, zsign, zh, zm, zs, zm2, bc) = m.groups()
    year, month, day = int(year), int(month), int(day)
    if bc:
        if year < 1:
            return None
        year = 1 - year
    hh, mi, ss = int(hh or 0), int(mi or 0), int(ss or 0)
    micro = 0
    if frac is not None:
        if frac[6:].strip("0"):
            return None
        micro = int((frac + "000000")[:6])
    if hh > 23 or mi > 59 or ss > 59:
        return None
    offset = 0
    if zsign:
        oh, om, osec = int(zh), int(zm or zm2 or 0), int(zs or 0)
        if oh > 23 or om > 59 or osec > 59:
            return None
        offset = (oh * 3600 + om * 60 + osec) * (-1 if zsign == "-" else 1)
    ordinal = _ordinal(year, month, day)
    if ordinal is None:
        return None
    seconds = ordinal * 86400 + hh * 3600 + mi * 60 + ss - offset
    ordinal, rest = divmod(seconds, 86400)
    year, month, day = _civil(ordinal)
    out = _date_text(year, month, day) + f" {rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}"
    if micro:
        out += "." + f"{micro:06d}".rstrip("0")
    return out + _era(year)


def date_text(s: str) -> str | None:
    if s.lower() in ("infinity", "+infinity"):
        return "infinity"
    if s.lower() == "-infinity":
        return "-infinity"
    m = DATE.fullmatch(s)
    if not m:
        return None
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if m.group(4):
        if year < 1:
            return None
        year = 1 - year
    if _ordinal(year, month, day) is None:
        return None
    return _date_text(year, month, day) + _era(year)


def datetime_text(v: dt.datetime) -> str:
    if v.tzinfo is not None:
        v = v.astimezone(dt.timezone.utc).replace(tzinfo=None)
    out = v.strftime("%Y-%m-%d %H:%M:%S")
    if v.microsecond:
        out += "." + f"{v.microsecond:06d}".rstrip("0")
    return out


# ---- JSON --------------------------------------------------------------------------------------

class _Number(str):
    pass


def _reject_constant(name: str):
    raise ValueError(name)


def _dump_string(s: str) -> str:
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in "\b\f\n\r\t":
            out.append({"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _dump(v) -> str:
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, _Number):  # kept as written when too long to expand
        return (DECIMAL_LITERAL.fullmatch(v) and decimal_text(decimal.Decimal(v))) or str(v)
    if isinstance(v, str):
        return _dump_string(v)
    if isinstance(v, list):
        return "[" + ",".join(_dump(x) for x in v) + "]"
    keys = sorted(v, key=lambda k: k.encode("utf-8"))
    return "{" + ",".join(_dump_string(k) + ":" + _dump(v[k]) for k in keys) + "}"


def json_text(s: str) -> str | None:
    try:
        value = json.loads(s, parse_int=_Number, parse_float=_Number,
                           parse_constant=_reject_constant)
        out = _dump(value)
        out.encode("utf-8")  # a lone surrogate is not JSON text vigil accepts
        return out
    except (ValueError, UnicodeEncodeError, RecursionError):
        return None


# ---- the encoding ------------------------------------------------------------------------------

def canonical(type_class: str, v) -> tuple[int, bytes | None]:
    """(tag, payload) of value v read from a column of class type_class."""
    as_json = type_class == "json"
    if v is None:
        return TAG_NULL, None
    if isinstance(v, bool):
        return TAG_NUMBER, b"1" if v else b"0"
    if isinstance(v, int):
        return (TAG_JSON if as_json else TAG_NUMBER), str(v).encode()
    if isinstance(v, float):
        return (TAG_JSON if as_json else TAG_NUMBER), float_text(v).encode()
    if isinstance(v, decimal.Decimal):
        return TAG_NUMBER, decimal_text(v).encode()
    if isinstance(v, (bytes, bytearray, memoryview)):
        return TAG_BLOB, bytes(v)
    if isinstance(v, dt.datetime):
        return TAG_TIMESTAMP, datetime_text(v).encode()
    if isinstance(v, dt.date):
        return TAG_DATE, v.isoformat().encode()
    if not isinstance(v, str):
        raise TypeError(f"no canonical form for {type(v).__name__}")
    parsed = None
    tag = TAG_TEXT
    if type_class in ("integer", "real", "numeric"):
        tag, parsed = TAG_NUMBER, number_text(v)
    elif type_class == "boolean":
        tag = TAG_NUMBER
        parsed = {"true": "1", "false": "0"}.get(v.lower()) or number_text(v)
    elif type_class == "timestamp":
        tag, parsed = TAG_TIMESTAMP, timestamp_text(v)
    elif type_class == "date":
        tag, parsed = TAG_DATE, date_text(v)
    elif type_class == "json":
        tag, parsed = TAG_JSON, json_text(v)
    if parsed is None:
        return TAG_TEXT, v.encode("utf-8", "surrogatepass")
    return tag, parsed.encode("utf-8")


def encode_value(type_class: str, v) -> bytes:
    tag, payload = canonical(type_class, v)
    if payload is None:
        return bytes([tag])
    return bytes([tag]) + len(payload).to_bytes(8, "little") + payload


def encode_row(classes: list[str], row) -> bytes:
    return b"".join(encode_value(c, v) for c, v in zip(classes, row, strict=True))


def row_hash(classes: list[str], row) -> int:
    return xxh3_128(encode_row(classes, row))


def digest(total: int, count: int) -> str:
    return hex128(xxh3_128(total.to_bytes(16, "little") + count.to_bytes(8, "little")))


def table_checksum(classes: list[str], rows) -> str:
    total, count = 0, 0
    for row in rows:
        total = (total + row_hash(classes, row)) % (1 << 128)
        count += 1
    return digest(total, count)


def database_checksum(tables: list[tuple[str, str]]) -> str:
    """tables: (table_name, checksum hex) of every table."""
    data = b""
    for name, checksum in sorted(tables, key=lambda t: t[0].encode("utf-8")):
        for field in (name.encode("utf-8"), checksum.encode("ascii")):
            data += len(field).to_bytes(8, "little") + field
    return hex128(xxh3_128(data))
