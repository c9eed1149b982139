#include "hwnas/report/comparison.h"

#include <algorithm>

#include <fmt/format.h>

#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/ir/stats.h"

namespace hwnas::report {
namespace {

std::string pick_metric(const exp::Experiment& e, const std::string& given, bool maximize, const char* what) {
  if (!given.empty()) return given;
  for (const auto& o : e.config.objectives)
    if (o.maximize == maximize) return o.metric;
  fail(e.config.source.file(),
       "cannot compare models: no {} objective to use as the {} (set compare: {{{}: <metric>}})",
       maximize ? "maximised" : "minimised", what, what);
}

std::optional<double> pick_budget(const exp::Experiment& e, const std::string& latency, std::optional<double> given) {
  if (given) return given;
  if (e.config.compare && e.config.compare->budget_ms) return e.config.compare->budget_ms;
  for (const auto& c : e.config.constraints)
    if (c.metric == latency && c.is_max) return c.limit;
  return std::nullopt;
}

}  // namespace

Comparison compare_trials(const exp::Experiment& e, const std::vector<search::Trial>& trials,
                          std::optional<double> budget_ms) {
  Comparison c;
  const exp::CompareConfig cc = e.config.compare.value_or(exp::CompareConfig{});
  c.accuracy_metric = pick_metric(e, cc.accuracy, true, "accuracy");
  c.latency_metric = pick_metric(e, cc.latency, false, "latency");
  const std::optional<double> budget = pick_budget(e, c.latency_metric, budget_ms);
  if (budget && !(*budget > 0)) fail("--budget-ms", "the latency budget must be > 0 ms, got {}", *budget);
  for (const auto& m : e.metrics) c.metrics.push_back(m->name());

  for (const search::Trial& t : trials) {
    ComparisonRow row;
    // As best.json names it: the reference itself for a list of models, else <space>:<arch>, which
    // every other command reads (hwnas predict|measure|export <model>).
    row.model = e.config.models.empty() && !e.config.space.empty() ? e.config.space + ":" + t.arch_str : t.arch_str;
    row.status = std::string(search::trial_status_name(t.status));
    row.error = t.error;
    for (const auto& m : e.metrics)
      if (const auto it = t.metrics.find(m->name()); it != t.metrics.end())
        row.figures[m->name()] = {it->second, m->source_for(t.arch_str)};
    try {
      const ir::Stats s = ir::compute_stats(e.space->decode(e.space->parse(t.arch_str)));
      row.macs_m = s.macs / 1e6;
      row.params_m = s.params / 1e6;
    } catch (const Error&) {
      // A model that no longer resolves (a moved file) keeps its row; its size is unknown (0).
    }
    const bool usable = t.status == search::TrialStatus::Ok || t.status == search::TrialStatus::Infeasible;
    if (usable && row.figures.count(c.accuracy_metric) && row.figures.count(c.latency_metric)) {
      c.candidates.push_back({row.model, row.figures[c.accuracy_metric].value, row.figures[c.latency_metric].value});
      c.candidate_rows.push_back(c.rows.size());
    }
    c.rows.push_back(std::move(row));
  }
  if (c.candidates.empty())
    fail(e.config.output.string(), "no trial has both {} and {}: nothing to compare{}", c.accuracy_metric,
         c.latency_metric, trials.empty() ? "" : fmt::format(" (first error: {})", trials.front().error));
  c.recommendation = recommend(c.candidates, budget);
  c.summary =
      describe(c.recommendation, c.candidates,
               c.accuracy_metric.find("acc") != std::string::npos || c.accuracy_metric.find("top") != std::string::npos
                   ? "%"
                   : "");
  return c;
}

size_t keep_known_sources(Comparison& c, const Comparison& previous, const exp::Experiment& e) {
  size_t kept = 0;
  for (ComparisonRow& row : c.rows) {
    const auto old = std::find_if(previous.rows.begin(), previous.rows.end(),
                                  [&](const ComparisonRow& r) { return r.model == row.model; });
    if (old == previous.rows.end()) continue;
    for (auto& [metric, figure] : row.figures) {
      const auto f = old->figures.find(metric);
      if (f == old->figures.end() || f->second.value != figure.value) continue;
      if (figure.source == e.metric(metric).source() && f->second.source != figure.source) {
        figure.source = f->second.source;
        ++kept;
      }
    }
  }
  return kept;
}

namespace {

// Per candidate index: is it on the front, the pick, the knee.
struct Marks {
  bool front = false, recommended = false, knee = false;
};

Marks marks_of(const Comparison& c, size_t row) {
  Marks m;
  const auto it = std::find(c.candidate_rows.begin(), c.candidate_rows.end(), row);
  if (it == c.candidate_rows.end()) return m;
  const size_t k = it - c.candidate_rows.begin();
  const Recommendation& r = c.recommendation;
  m.front = std::find(r.front.begin(), r.front.end(), k) != r.front.end();
  m.recommended = r.best_within_budget == k;
  m.knee = r.knee == k;
  return m;
}

std::vector<std::string> other_metrics(const Comparison& c) {
  std::vector<std::string> out;
  for (const auto& m : c.metrics)
    if (m != c.accuracy_metric && m != c.latency_metric) out.push_back(m);
  return out;
}

}  // namespace

std::string comparison_csv(const Comparison& c) {
  const auto others = other_metrics(c);
  std::vector<std::string> head = {
      "model",  c.accuracy_metric, c.accuracy_metric + "_source", c.latency_metric, c.latency_metric + "_source",
      "macs_m", "params_m"};
  for (const auto& m : others) head.insert(head.end(), {m, m + "_source"});
  head.insert(head.end(), {"on_front", "recommended", "knee", "status", "error"});
  std::string out = core::csv_line(head);
  for (size_t i = 0; i < c.rows.size(); ++i) {
    const ComparisonRow& r = c.rows[i];
    std::vector<std::string> f = {r.model};
    const auto add = [&](const std::string& m) {
      const auto it = r.figures.find(m);
      f.push_back(it == r.figures.end() ? "" : core::format_number(it->second.value));
      f.push_back(it == r.figures.end() ? "" : it->second.source);
    };
    add(c.accuracy_metric);
    add(c.latency_metric);
    f.push_back(core::format_number(r.macs_m));
    f.push_back(core::format_number(r.params_m));
    for (const auto& m : others) add(m);
    const Marks mk = marks_of(c, i);
    for (bool b : {mk.front, mk.recommended, mk.knee}) f.push_back(b ? "true" : "false");
    f.push_back(r.status);
    f.push_back(r.error);
    out += core::csv_line(f);
  }
  return out;
}

nlohmann::json comparison_json(const Comparison& c) {
  const Recommendation& r = c.recommendation;
  const auto model = [&](std::optional<size_t> k) -> nlohmann::json {
    if (!k) return nullptr;
    const Candidate& x = c.candidates[*k];
    return {{"model", x.model}, {"accuracy", x.accuracy}, {"latency_ms", x.latency_ms}};
  };
  nlohmann::json j;
  j["accuracy_metric"] = c.accuracy_metric;
  j["latency_metric"] = c.latency_metric;
  j["metrics"] = c.metrics;
  j["budget_ms"] = r.budget_ms ? nlohmann::json(*r.budget_ms) : nlohmann::json(nullptr);
  j["recommended"] = model(r.best_within_budget);
  j["knee"] = model(r.knee);
  j["front"] = nlohmann::json::array();
  for (size_t k : r.front) j["front"].push_back(c.candidates[k].model);
  j["steps"] = nlohmann::json::array();
  for (const Step& s : r.steps)
    j["steps"].push_back({{"from", c.candidates[s.from].model},
                          {"to", c.candidates[s.to].model},
                          {"ms", s.ms},
                          {"points", s.points},
                          {"ms_per_point", s.ms_per_point}});
  j["summary"] = c.summary;
  j["rows"] = nlohmann::json::array();
  for (const ComparisonRow& row : c.rows) {
    nlohmann::json figures = nlohmann::json::object();
    for (const auto& [m, f] : row.figures) figures[m] = {{"value", f.value}, {"source", f.source}};
    j["rows"].push_back({{"model", row.model},
                         {"status", row.status},
                         {"error", row.error},
                         {"macs_m", row.macs_m},
                         {"params_m", row.params_m},
                         {"metrics", figures}});
  }
  return j;
}

Comparison comparison_from_json(const nlohmann::json& j, const std::string& file) {
  try {
    Comparison c;
    c.accuracy_metric = j.at("accuracy_metric").get<std::string>();
    c.latency_metric = j.at("latency_metric").get<std::string>();
    c.metrics = j.at("metrics").get<std::vector<std::string>>();
    for (const auto& rj : j.at("rows")) {
      ComparisonRow row;
      row.model = rj.at("model").get<std::string>();
      row.status = rj.at("status").get<std::string>();
      row.error = rj.at("error").get<std::string>();
      row.macs_m = rj.at("macs_m").get<double>();
      row.params_m = rj.at("params_m").get<double>();
      for (const auto& [m, f] : rj.at("metrics").items())
        row.figures[m] = {f.at("value").get<double>(), f.at("source").get<std::string>()};
      const bool usable = row.status == "ok" || row.status == "infeasible";
      if (usable && row.figures.count(c.accuracy_metric) && row.figures.count(c.latency_metric)) {
        c.candidates.push_back({row.model, row.figures[c.accuracy_metric].value, row.figures[c.latency_metric].value});
        c.candidate_rows.push_back(c.rows.size());
      }
      c.rows.push_back(std::move(row));
    }
    const std::optional<double> budget =
        j.at("budget_ms").is_null() ? std::nullopt : std::optional<double>(j.at("budget_ms").get<double>());
    // Recomputed, not read: the pick follows from the rows, so the page cannot disagree with them.
    c.recommendation = recommend(c.candidates, budget);
    c.summary = j.at("summary").get<std::string>();
    return c;
  } catch (const nlohmann::json::exception& e) {
    fail(file, "not a comparison written by hwnas: {}", e.what());
  }
}

std::vector<std::filesystem::path> write_comparison(const std::filesystem::path& dir, const Comparison& c) {
  const auto csv = dir / "comparison.csv", json = dir / "recommendation.json";
  write_file_atomic(csv, comparison_csv(c));
  write_file_atomic(json, comparison_json(c).dump(2) + "\n");
  return {csv, json};
}

}  // namespace hwnas::report
