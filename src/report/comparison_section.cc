#include "hwnas/report/comparison_section.h"

#include <algorithm>

#include <fmt/format.h>

#include "hwnas/core/csv.h"
#include "hwnas/report/markup.h"
#include "hwnas/report/metric_label.h"

namespace hwnas::report {
namespace {

std::string g4(double v) { return fmt::format("{:.4g}", v); }

std::string figure_cell(const ComparisonRow& row, const std::string& metric) {
  const auto it = row.figures.find(metric);
  if (it == row.figures.end()) return R"(<td class="n" data-v=""></td><td></td>)";
  return fmt::format(R"(<td class="n" data-v="{}">{}</td><td class="d">{}</td>)", core::format_number(it->second.value),
                     g4(it->second.value), escape(it->second.source));
}

std::string model_of(const Comparison& c, size_t k) {
  const Candidate& x = c.candidates[k];
  return fmt::format("<b>{}</b> ({} {}, {} ms)", escape(x.model), g4(x.accuracy),
                     escape(metric_label(c.accuracy_metric)), g4(x.latency_ms));
}

}  // namespace

std::string comparison_section(const Comparison& c) {
  const Recommendation& r = c.recommendation;
  std::string s = "<section id=\"comparison\"><h2>Models compared</h2>\n";
  s += "<p class=\"sub\">Every figure with where it came from: published (the citation), measured (where, runs, "
       "spread) or predicted (which model). Front: no other model is both at least as accurate and at least as fast."
       "</p>\n<table class=\"sortable\"><thead><tr><th>model</th>";
  s += fmt::format("<th class=\"n\">{0}</th><th>{0}: source</th><th class=\"n\">{1}</th><th>{1}: source</th>",
                   escape(metric_label(c.accuracy_metric)), escape(metric_label(c.latency_metric)));
  s +=
      "<th class=\"n\">MACs (M)</th><th class=\"n\">params (M)</th><th>front</th><th>status</th></tr></thead><tbody>\n";
  for (size_t i = 0; i < c.rows.size(); ++i) {
    const ComparisonRow& row = c.rows[i];
    const auto it = std::find(c.candidate_rows.begin(), c.candidate_rows.end(), i);
    const std::optional<size_t> k =
        it == c.candidate_rows.end() ? std::nullopt : std::optional<size_t>(it - c.candidate_rows.begin());
    const bool front = k && std::find(r.front.begin(), r.front.end(), *k) != r.front.end();
    std::string tags;
    if (front) tags += "<span class=\"badge b-front\">front</span> ";
    if (k && r.best_within_budget == k) tags += "<span class=\"badge b-ok\">recommended</span> ";
    if (k && r.knee == k) tags += "<span class=\"badge b-infeasible\">knee</span>";
    s += fmt::format("<tr{}><td class=\"arch\">{}</td>", front ? " class=\"front\"" : "", escape(row.model));
    s += figure_cell(row, c.accuracy_metric) + figure_cell(row, c.latency_metric);
    s += fmt::format(
        "<td class=\"n\" data-v=\"{}\">{:.1f}</td><td class=\"n\" data-v=\"{}\">{:.2f}</td><td>{}</td><td>{}</td></tr>\n",
        core::format_number(row.macs_m), row.macs_m, core::format_number(row.params_m), row.params_m, tags,
        escape(row.error.empty() ? row.status : row.status + ": " + row.error));
  }
  s += "</tbody></table></section>\n";

  s += "<section id=\"recommendation\"><h2>Recommendation</h2>\n<ul class=\"plain\">\n";
  if (r.best_within_budget)
    s += fmt::format("<li>Most accurate {}: {}</li>\n",
                     r.budget_ms ? fmt::format("within the {} ms budget", g4(*r.budget_ms))
                                 : "(no latency budget given)",
                     model_of(c, *r.best_within_budget));
  else
    s += fmt::format("<li>No model fits the {} ms budget; the fastest is {}.</li>\n", g4(*r.budget_ms),
                     model_of(c, r.front.front()));
  if (r.knee)
    s += fmt::format("<li>Knee of the front (where accuracy starts to cost more per ms): {}</li>\n",
                     model_of(c, *r.knee));
  else
    s += fmt::format("<li>Knee of the front: none ({}).</li>\n",
                     r.front.size() < 3 ? "fewer than three models on the front"
                                        : "the front does not bend: no model lies above the line from the fastest to "
                                          "the most accurate");
  s += "</ul>\n";
  if (!r.steps.empty()) {
    s += "<table><thead><tr><th>step up the front</th><th class=\"n\">+ms</th><th class=\"n\">+points</th>"
         "<th class=\"n\">ms per point</th></tr></thead><tbody>\n";
    for (const Step& x : r.steps)
      s += fmt::format(
          "<tr><td>{} &#8594; {}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
          escape(c.candidates[x.from].model), escape(c.candidates[x.to].model), g4(x.ms), g4(x.points),
          g4(x.ms_per_point));
    s += "</tbody></table>\n";
  }
  return s + "</section>\n";
}

}  // namespace hwnas::report
