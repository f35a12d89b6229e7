// pg_extension/pg_value.cpp
#include "pg_extension/pg_value.hpp"

#include <string>

#include "pg_extension/pg_guard.hpp"

namespace vigil::pg {
namespace {

struct Bytes {
  const char* data;
  std::size_t size;
};

Bytes varlena_bytes(Datum datum) {
  return pg_call([datum] {
    struct varlena* v =
        pg_detoast_datum_packed(reinterpret_cast<struct varlena*>(DatumGetPointer(datum)));
    return Bytes{VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v)};
  });
}

const char* output_text(Datum datum, Oid type) {
  return pg_call([datum, type] {
    Oid output;
    bool varlena;
    getTypeOutputInfo(type, &output, &varlena);
    return static_cast<const char*>(OidOutputFunctionCall(output, datum));
  });
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
      return Value::real(static_cast<double>(DatumGetFloat4(datum)));
    case FLOAT8OID:
      return Value::real(DatumGetFloat8(datum));
    case BOOLOID:
      return Value::boolean(DatumGetBool(datum));
    case NAMEOID:
      return Value::text(NameStr(*DatumGetName(datum)));
    case TEXTOID:
    case VARCHAROID:
    case BPCHAROID: {
      const Bytes b = varlena_bytes(datum);
      return Value::text(std::string(b.data, b.size));
    }
    case BYTEAOID: {
      const Bytes b = varlena_bytes(datum);
      return Value::blob(std::string(b.data, b.size));
    }
    case NUMERICOID:
      return Value::numeric(output_text(datum, type));
    case JSONOID:
    case JSONBOID:
      return Value::json(output_text(datum, type));
    case TIMESTAMPOID:
    case TIMESTAMPTZOID:
      return Value::timestamp(output_text(datum, type));
    default:
      return Value::text(output_text(datum, type));
  }
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
