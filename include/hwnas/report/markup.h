#pragma once
// Escaping for text that goes into SVG and HTML (both are written as well-formed XML, so one
// escape serves both): architecture strings, metric names and error messages come from files
// that users write, and must never break the page or inject markup.
//
//   out += "<td>" + report::escape(trial.error) + "</td>";   // "a < b & c" -> "a &lt; b &amp; c"
#include <string>
#include <string_view>

namespace hwnas::report {

// Escapes & < > " ' so the result is safe both as element text and inside a quoted attribute.
std::string escape(std::string_view text);

}  // namespace hwnas::report
