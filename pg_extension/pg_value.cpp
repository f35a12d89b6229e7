// pg_extension/pg_value.cpp
#include "pg_extension/pg_value.hpp"

#include <charconv>
#include <cstdio>
#include <string>

#include "pg_extension/pg_guard.hpp"

namespace vigil::pg {
namespace {

// The bytes of any varlena.  A compressed or out-of-line one is detoasted (which may raise)
// into a copy that is freed at once, so that a scan over many such values stays bounded.
std::string varlena_string(Datum datum) {
  ValueRef plain;
  if (datum_in_place(datum, DatumReader::kText, plain)) return std::string(plain.bytes);
  struct varlena* v = pg_call([datum] {
    return pg_detoast_datum_packed(reinterpret_cast<struct varlena*>(DatumGetPointer(datum)));
  });
  std::string out(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
  if (v != reinterpret_cast<struct varlena*>(DatumGetPointer(datum))) pg_call([v] { pfree(v); });
  return out;
}

// The output function's text of `datum`; the palloc'd result is freed once copied.
std::string output_text(Datum datum, Oid type) {
  char* text = pg_call([datum, type] {
    Oid output;
    bool varlena;
    getTypeOutputInfo(type, &output, &varlena);
    return OidOutputFunctionCall(output, datum);
  });
  std::string out(text);
  pg_call([text] { pfree(text); });
  return out;
}

// "YYYY-MM-DD" of PostgreSQL's day number (days since 2000-01-01), " BC" after the date for
// years before 1 AD, as DateStyle ISO prints it; plain arithmetic, no call that can raise.
std::string iso_date(int64 days, bool* bc) {
  int year = 0;
  int month = 0;
  int day = 0;
  j2date(static_cast<int>(days + POSTGRES_EPOCH_JDATE), &year, &month, &day);
  *bc = year <= 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", *bc ? 1 - year : year, month, day);
  return buf;
}

// A timestamp in ISO form without depending on DateStyle or TimeZone: "YYYY-MM-DD
// HH:MM:SS[.ffffff]" (trailing fraction zeros dropped), then "+00" for timestamptz (the value
// is shown in UTC), then " BC" when needed; "infinity" / "-infinity".
std::string iso_timestamp(Timestamp ts, bool utc) {
  if (TIMESTAMP_IS_NOBEGIN(ts)) return "-infinity";
  if (TIMESTAMP_IS_NOEND(ts)) return "infinity";
  int64 days = ts / USECS_PER_DAY;
  int64 micros = ts % USECS_PER_DAY;
  if (micros < 0) {
    micros += USECS_PER_DAY;
    --days;
  }
  bool bc = false;
  std::string out = iso_date(days, &bc);
  const int64 seconds = micros / USECS_PER_SEC;
  const int64 fraction = micros % USECS_PER_SEC;
  char buf[48];
  std::snprintf(buf, sizeof buf, " %02d:%02d:%02d", static_cast<int>(seconds / 3600),
                static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60));
  out += buf;
  if (fraction != 0) {
    std::snprintf(buf, sizeof buf, ".%06d", static_cast<int>(fraction));
    std::string f(buf);
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  if (utc) out += "+00";
  if (bc) out += " BC";
  return out;
}

// float4 as the double nearest to its shortest decimal (0.1f reads as 0.1, as PostgreSQL shows
// it), not as its exact binary value widened (0.100000001490116...).
double float4_value(float4 f) {
  char buf[32];
  const auto written = std::to_chars(buf, buf + sizeof buf, f);
  double d = static_cast<double>(f);
  std::from_chars(buf, written.ptr, d);
  return d;
}

}  // namespace

Value datum_to_value(Datum datum, bool isnull, Oid type) {
  if (isnull) return Value::null();
  switch (type) {
    case INT2OID:
      return Value::integer(DatumGetInt16(datum));
    case INT4OID:
      return Value::integer(DatumGetInt32(datum));
    case INT8OID:
      return Value::integer(DatumGetInt64(datum));
    case OIDOID:
      return Value::integer(static_cast<std::int64_t>(DatumGetObjectId(datum)));
    case FLOAT4OID:
      return Value::real(float4_value(DatumGetFloat4(datum)));
    case FLOAT8OID:
      return Value::real(DatumGetFloat8(datum));
    case BOOLOID:
      return Value::boolean(DatumGetBool(datum));
    case NAMEOID:
      return Value::text(NameStr(*DatumGetName(datum)));
    case TEXTOID:
    case VARCHAROID:
    case BPCHAROID:
      return Value::text(varlena_string(datum));
    case BYTEAOID:
      return Value::blob(varlena_string(datum));
    case NUMERICOID:
      return Value::numeric(output_text(datum, type));
    case JSONOID:
    case JSONBOID:
      return Value::json(output_text(datum, type));
    case TIMESTAMPOID:
      return Value::timestamp(iso_timestamp(DatumGetTimestamp(datum), false));
    case TIMESTAMPTZOID:
      return Value::timestamp(iso_timestamp(DatumGetTimestampTz(datum), true));
    case DATEOID: {
      const DateADT date = DatumGetDateADT(datum);
      if (DATE_IS_NOBEGIN(date)) return Value::text("-infinity");
      if (DATE_IS_NOEND(date)) return Value::text("infinity");
      bool bc = false;
      std::string text = iso_date(date, &bc);
      if (bc) text += " BC";
      return Value::text(std::move(text));
    }
    default:
      return Value::text(output_text(datum, type));
  }
}

DatumReader datum_reader(Oid type) {
  switch (type) {
    case INT2OID:
      return DatumReader::kInt2;
    case INT4OID:
      return DatumReader::kInt4;
    case INT8OID:
      return DatumReader::kInt8;
    case FLOAT4OID:
      return DatumReader::kFloat4;
    case FLOAT8OID:
      return DatumReader::kFloat8;
    case BOOLOID:
      return DatumReader::kBool;
    case TEXTOID:
    case VARCHAROID:
    case BPCHAROID:
      return DatumReader::kText;
    case BYTEAOID:
      return DatumReader::kBytea;
    default:
      return DatumReader::kConvert;
  }
}

ValueRef datum_to_ref(Datum datum, bool isnull, DatumReader reader, Oid type, Value& storage) {
  ValueRef r;
  if (isnull || datum_in_place(datum, reader, r)) return r;
  if (reader == DatumReader::kFloat4) {
    r.kind = ValueKind::kReal;
    r.real = float4_value(DatumGetFloat4(datum));
    return r;
  }
  storage = datum_to_value(datum, false, type);
  return ValueRef::of(storage);
}

ValueRef datum_to_ref(Datum datum, bool isnull, Oid type, Value& storage) {
  return datum_to_ref(datum, isnull, datum_reader(type), type, storage);
}

Datum value_to_datum(const Value& value, Oid type, bool* isnull) {
  *isnull = value.is_null();
  if (value.is_null()) return static_cast<Datum>(0);
  switch (type) {
    case INT8OID:
      return Int64GetDatum(value.kind() == ValueKind::kReal
                               ? static_cast<std::int64_t>(value.as_real())
                               : value.to_integer());
    case INT4OID:
      return Int32GetDatum(static_cast<int32>(value.to_integer()));
    case FLOAT8OID:
      return Float8GetDatum(value.kind() == ValueKind::kReal
                                ? value.as_real()
                                : static_cast<double>(value.to_integer()));
    case BOOLOID:
      return BoolGetDatum(value.to_bool());
    case TEXTOID: {
      const std::string& s = value.kind() == ValueKind::kInteger ||
                                     value.kind() == ValueKind::kReal ||
                                     value.kind() == ValueKind::kBoolean
                                 ? value.to_text()
                                 : value.bytes();
      const char* data = s.data();
      const int size = static_cast<int>(s.size());
      return pg_call(
          [data, size] { return PointerGetDatum(cstring_to_text_with_len(data, size)); });
    }
    case BYTEAOID: {
      const char* data = value.bytes().data();
      const std::size_t size = value.bytes().size();
      return pg_call([data, size] {
        auto* result = static_cast<bytea*>(palloc(size + VARHDRSZ));
        SET_VARSIZE(result, size + VARHDRSZ);
        memcpy(VARDATA(result), data, size);
        return PointerGetDatum(result);
      });
    }
    default: {
      const std::string text = value.to_text();
      const char* cstr = text.c_str();
      return pg_call([cstr, type] {
        Oid input;
        Oid ioparam;
        getTypeInputInfo(type, &input, &ioparam);
        return OidInputFunctionCall(input, const_cast<char*>(cstr), ioparam, -1);
      });
    }
  }
}

}  // namespace vigil::pg
