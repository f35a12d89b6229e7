// common/stats/integrity_hook.cpp
#include "stats/integrity_hook.hpp"

#include "vigil/dialect.hpp"

namespace vigil {

std::int64_t count_integrity_findings(Session& session) {
  return session.scalar(session.dialect().integrity_findings_sql()).to_integer();
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
