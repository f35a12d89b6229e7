// pg_extension/pg_value.hpp
//
// Datums ↔ vigil::Value.  Values are read in their native form (int8, float8, bool, bytea,
// text); timestamps, timestamptz and dates are formatted here in ISO form from their native
// value (independent of DateStyle and TimeZone; timestamptz in UTC); other types without a
// native mapping go through their output function (numeric, json and jsonb do not depend on
// any setting).
#pragma once

#include <string_view>

#include "pg_extension/pg_headers.hpp"
#include "vigil/value.hpp"

namespace vigil::pg {

Value datum_to_value(Datum datum, bool isnull, Oid type);

// The same value in place (Cursor::get_ref): numbers by value, plain text and bytea as a view
// into the datum; anything else is converted into `storage`, which the result then points into.
ValueRef datum_to_ref(Datum datum, bool isnull, Oid type, Value& storage);

// The same with the type's reading decided once per column (scans): datum_reader(type).
enum class DatumReader : unsigned char {
  kInt2,
  kInt4,
  kInt8,
  kFloat4,
  kFloat8,
  kBool,
  kText,
  kBytea,
  kConvert  // through datum_to_value
};
DatumReader datum_reader(Oid type);
ValueRef datum_to_ref(Datum datum, bool isnull, DatumReader reader, Oid type, Value& storage);

// The hot part of datum_to_ref, inline for scans: a non-NULL datum read in place into `out`
// (integers, float8, bool, text and bytea stored plain); false when it needs datum_to_ref.
inline bool datum_in_place(Datum datum, DatumReader reader, ValueRef& out) {
  switch (reader) {
    case DatumReader::kInt2:
      out.kind = ValueKind::kInteger;
      out.integer = DatumGetInt16(datum);
      return true;
    case DatumReader::kInt4:
      out.kind = ValueKind::kInteger;
      out.integer = DatumGetInt32(datum);
      return true;
    case DatumReader::kInt8:
      out.kind = ValueKind::kInteger;
      out.integer = DatumGetInt64(datum);
      return true;
    case DatumReader::kFloat8:
      out.kind = ValueKind::kReal;
      out.real = DatumGetFloat8(datum);
      return true;
    case DatumReader::kBool:
      out.kind = ValueKind::kBoolean;
      out.integer = DatumGetBool(datum) ? 1 : 0;
      return true;
    case DatumReader::kText:
    case DatumReader::kBytea: {
      auto* raw = reinterpret_cast<struct varlena*>(DatumGetPointer(datum));
      if (!VARATT_IS_EXTENDED(raw)) {
        out.bytes = std::string_view(VARDATA(raw), VARSIZE(raw) - VARHDRSZ);
      } else if (VARATT_IS_SHORT(raw) && !VARATT_IS_EXTERNAL(raw)) {
        out.bytes = std::string_view(VARDATA_SHORT(raw), VARSIZE_SHORT(raw) - VARHDRSZ_SHORT);
      } else {
        return false;  // compressed or out of line
      }
      out.kind = reader == DatumReader::kBytea ? ValueKind::kBlob : ValueKind::kText;
      return true;
    }
    default:
      return false;  // float4 (converted), everything else
  }
}

// Converts `value` to a Datum of `type`, allocated in CurrentMemoryContext.
Datum value_to_datum(const Value& value, Oid type, bool* isnull);

}  // namespace vigil::pg
