// common/stats/text_format.hpp
//
// Escaping for the two text formats the monitoring functions produce: JSON (the NOTIFY payload
// of vigil_snapshot()) and Prometheus' text exposition (vigil_metrics()).
#pragma once

#include <string>
#include <string_view>

#include "vigil/json.hpp"  // json_string

namespace vigil {

// A Prometheus label value, without quotes: \ " and newline escaped as the exposition format
// says; the text is cut at `max_bytes` on a UTF-8 character boundary.
std::string prometheus_label(std::string_view s, std::size_t max_bytes = 4096);

// A sample value: integers without a fraction, NaN and infinities as Prometheus spells them.
std::string prometheus_number(double value);

}  // namespace vigil
