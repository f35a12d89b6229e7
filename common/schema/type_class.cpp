// common/schema/type_class.cpp
//
// Declared type → TypeClass.  The rules, in order:
//  1. exact names (after lower-casing and dropping a "(n,m)" modifier) that both engines'
//     users write: PostgreSQL's format_type() spellings and the usual SQLite spellings;
//  2. SQLite's affinity rules (https://sqlite.org/datatype3.html §3.1) on the rest:
//     "int" → integer; "char"/"clob"/"text" → text; "blob" or empty → blob;
//     "real"/"floa"/"doub" → real; anything else → numeric affinity, which we class as
//     `numeric` only for names that say so and `other` for the rest.
#include <string>
#include <unordered_map>

#include "schema/model.hpp"
#include "sql/lexer.hpp"

namespace vigil {

const char* type_class_name(TypeClass type_class) {
  switch (type_class) {
    case TypeClass::kInteger:
      return "integer";
    case TypeClass::kReal:
      return "real";
    case TypeClass::kNumeric:
      return "numeric";
    case TypeClass::kText:
      return "text";
    case TypeClass::kBlob:
      return "blob";
    case TypeClass::kBoolean:
      return "boolean";
    case TypeClass::kTimestamp:
      return "timestamp";
    case TypeClass::kDate:
      return "date";
    case TypeClass::kJson:
      return "json";
    case TypeClass::kOther:
      return "other";
  }
  return "other";
}

TypeClass classify_type(const std::string& declared_type) {
  std::string t = sql::ascii_lower(declared_type);
  if (auto paren = t.find('('); paren != std::string::npos) {
    auto close = t.find(')', paren);
    t.erase(paren, close == std::string::npos ? std::string::npos : close - paren + 1);
  }
  // Collapse runs of spaces and trim.
  std::string norm;
  for (char c : t) {
    if (c == ' ' || c == '\t' || c == '\n') {
      if (!norm.empty() && norm.back() != ' ') norm.push_back(' ');
    } else {
      norm.push_back(c);
    }
  }
  while (!norm.empty() && norm.back() == ' ') norm.pop_back();
  if (norm.size() > 2 && norm.compare(norm.size() - 2, 2, "[]") == 0) return TypeClass::kOther;

  static const std::unordered_map<std::string, TypeClass> kExact = {
      {"boolean", TypeClass::kBoolean},
      {"bool", TypeClass::kBoolean},
      {"timestamp", TypeClass::kTimestamp},
      {"timestamp without time zone", TypeClass::kTimestamp},
      {"timestamp with time zone", TypeClass::kTimestamp},
      {"timestamptz", TypeClass::kTimestamp},
      {"datetime", TypeClass::kTimestamp},
      {"date", TypeClass::kDate},
      {"json", TypeClass::kJson},
      {"jsonb", TypeClass::kJson},
      {"bytea", TypeClass::kBlob},
      {"uuid", TypeClass::kText},
      {"string", TypeClass::kText},
      {"citext", TypeClass::kText},
      {"name", TypeClass::kText},
      {"numeric", TypeClass::kNumeric},
      {"decimal", TypeClass::kNumeric},
      {"money", TypeClass::kOther},
      {"interval", TypeClass::kOther},
      {"int4range", TypeClass::kOther},
      {"int8range", TypeClass::kOther},
      {"int4multirange", TypeClass::kOther},
      {"int8multirange", TypeClass::kOther},
      {"point", TypeClass::kOther},
      {"time", TypeClass::kOther},
      {"time without time zone", TypeClass::kOther},
      {"time with time zone", TypeClass::kOther},
      {"timetz", TypeClass::kOther},
      {"inet", TypeClass::kOther},
      {"cidr", TypeClass::kOther},
      {"xml", TypeClass::kOther},
      {"tsvector", TypeClass::kOther},
      {"oid", TypeClass::kInteger},
  };
  if (auto it = kExact.find(norm); it != kExact.end()) return it->second;
  // format_type() of an interval with fields ("interval day to second") contains "int" too.
  if (norm.compare(0, 9, "interval ") == 0) return TypeClass::kOther;

  if (norm.find("int") != std::string::npos) return TypeClass::kInteger;
  if (norm.find("char") != std::string::npos || norm.find("clob") != std::string::npos ||
      norm.find("text") != std::string::npos) {
    return TypeClass::kText;
  }
  if (norm.empty() || norm.find("blob") != std::string::npos) return TypeClass::kBlob;
  if (norm.find("real") != std::string::npos || norm.find("floa") != std::string::npos ||
      norm.find("doub") != std::string::npos) {
    return TypeClass::kReal;
  }
  if (norm.find("bool") != std::string::npos) return TypeClass::kBoolean;
  if (norm.find("timestamp") != std::string::npos) return TypeClass::kTimestamp;
  if (norm.find("numeric") != std::string::npos || norm.find("decimal") != std::string::npos) {
    return TypeClass::kNumeric;
  }
  return TypeClass::kOther;
}

const Column* Table::find_column(const std::string& name) const {
  for (const auto& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
