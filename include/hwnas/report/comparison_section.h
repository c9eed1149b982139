#pragma once
// The report's comparison of models (report/comparison.h) as HTML: a table of every model with
// its accuracy and latency and where each came from, MACs and params, then
// <section id="recommendation">: the pick within the latency budget, the knee of the front and
// the price of each step up the front in ms per accuracy point. Part of report.html when the
// run folder has recommendation.json (runs of a list of models, `hwnas compare`).
//
//   std::string html = report::comparison_section(report::load_experiment_output(dir).comparison.value());
#include <string>

#include "hwnas/report/comparison.h"

namespace hwnas::report {

std::string comparison_section(const Comparison& c);

}  // namespace hwnas::report
