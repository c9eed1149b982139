#include "comparison_print.h"

#include <algorithm>

#include <fmt/format.h>

#include "hwnas/core/files.h"
#include "hwnas/exp/trial_store.h"
#include "hwnas/report/metric_label.h"
#include "table.h"

namespace hwnas::cli {

namespace {

std::string g4(double v) { return fmt::format("{:.4g}", v); }

}  // namespace

void print_comparison(std::FILE* out, const report::Comparison& c) {
  const report::Recommendation& r = c.recommendation;
  std::vector<TextTable::Column> cols = {{"model", Align::Left}};
  for (const auto& m : c.metrics) cols.push_back({m, Align::Right});
  cols.insert(cols.end(), {{"MACs (M)", Align::Right}, {"params (M)", Align::Right}, {"", Align::Left}});
  TextTable t(cols);
  for (size_t i = 0; i < c.rows.size(); ++i) {
    const report::ComparisonRow& row = c.rows[i];
    std::vector<std::string> cells = {row.model};
    for (const auto& m : c.metrics) {
      const auto it = row.figures.find(m);
      cells.push_back(it == row.figures.end() ? "-" : g4(it->second.value));
    }
    cells.push_back(fmt::format("{:.1f}", row.macs_m));
    cells.push_back(fmt::format("{:.2f}", row.params_m));
    const auto at = std::find(c.candidate_rows.begin(), c.candidate_rows.end(), i);
    std::vector<std::string> tags;
    if (at != c.candidate_rows.end()) {
      const size_t k = at - c.candidate_rows.begin();
      if (std::find(r.front.begin(), r.front.end(), k) != r.front.end()) tags.push_back("front");
      if (r.best_within_budget == k) tags.push_back("recommended");
      if (r.knee == k) tags.push_back("knee");
    } else {
      tags.push_back(row.status + (row.error.empty() ? "" : ": " + row.error));
    }
    cells.push_back(fmt::format("{}", fmt::join(tags, ", ")));
    t.add_row(cells);
  }
  fmt::print(out, "\nModels compared ({} by {}):\n{}", report::metric_label(c.accuracy_metric),
             report::metric_label(c.latency_metric), t.str());
  fmt::print(out, "\nWhere each figure came from:\n");
  for (const auto& row : c.rows) {
    fmt::print(out, "  {}\n", row.model);
    for (const auto& m : c.metrics)
      if (const auto it = row.figures.find(m); it != row.figures.end())
        fmt::print(out, "    {}: {}\n", m, it->second.source);
  }
  std::vector<std::string> front;
  for (size_t k : r.front) front.push_back(c.candidates[k].model);
  fmt::print(out, "  MACs, params: computed from the graph\n\nPareto front (fastest first): {}\n{}",
             fmt::join(front, ", "), c.summary);
}

report::Comparison compare_run(const exp::Experiment& e, std::optional<double> budget_ms) {
  const auto trials = exp::TrialStore::open(e.config.output / "trials.db", exp::TrialStore::Mode::ReadOnly).trials();
  report::Comparison c = report::compare_trials(e, trials, budget_ms);
  const auto previous = e.config.output / "recommendation.json";
  std::error_code ec;
  if (std::filesystem::exists(previous, ec)) {
    try {
      report::keep_known_sources(
          c, report::comparison_from_json(nlohmann::json::parse(read_file(previous)), previous.string()), e);
    } catch (const std::exception&) {
      // An unreadable earlier file is rewritten below; its sources were only a nicety.
    }
  }
  report::write_comparison(e.config.output, c);
  print_comparison(stdout, c);
  return c;
}

}  // namespace hwnas::cli
