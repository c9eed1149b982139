#include "hwnas/report/experiment_output.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/search/pareto.h"
#include "json_file.h"

namespace hwnas::report {
namespace fs = std::filesystem;
namespace {

const std::vector<std::string> kFixedColumns = {"id", "arch", "status", "penalty", "seconds", "error"};

// ---- experiment.yaml ----------------------------------------------------------------------

struct YamlReader {
  std::string file;

  std::string where(const YAML::Node& n, const std::string& key) const {
    return n.Mark().is_null() ? fmt::format("{}: {}", file, key)
                              : fmt::format("{}:{}: {}", file, n.Mark().line + 1, key);
  }
  template <typename T>
  T get(const YAML::Node& n, const std::string& key, const char* what) const {
    if (!n || !n.IsScalar()) fail(where(n, key), "expected {}", what);
    try {
      return n.as<T>();
    } catch (const YAML::Exception&) {
      fail(where(n, key), "expected {}, got '{}'", what, n.Scalar());
    }
  }
  void require_list(const YAML::Node& n, const std::string& key) const {
    if (n && !n.IsSequence()) fail(where(n, key), "expected a list");
  }
};

// "k: v, k: v" for the scalar entries of a map, in file order (for descriptions).
std::string describe_scalars(const YAML::Node& map, const std::set<std::string>& skip) {
  std::string out;
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    if (skip.count(key) || !kv.second.IsScalar()) continue;
    out += (out.empty() ? "" : ", ") + key + ": " + kv.second.Scalar();
  }
  return out;
}

void read_config(const fs::path& path, ExperimentOutput& out, std::map<std::string, std::string>& definitions) {
  const YamlReader r{path.string()};
  YAML::Node root;
  try {
    root = YAML::Load(read_file(path));
  } catch (const YAML::Exception& e) {
    fail(fmt::format("{}:{}", r.file, e.mark.line + 1), "not valid YAML: {}", e.msg);
  }
  if (!root.IsMap()) fail(r.file, "expected a mapping with name, space, metrics, objectives, ...");
  out.name = root["name"] ? r.get<std::string>(root["name"], "name", "a string") : out.dir.filename().string();
  if (root["space"] && root["space"].IsMap() && root["space"]["models"] && root["space"]["models"].IsSequence()) {
    std::vector<std::string> models;  // a list of models (target/model_list_space.h)
    for (const auto& m : root["space"]["models"]) models.push_back(r.get<std::string>(m, "space.models", "a model"));
    out.space = fmt::format("models[{}]", fmt::join(models, ", "));
  } else if (root["space"]) {
    out.space = r.get<std::string>(root["space"], "space", "a space name or file");
  }

  const YAML::Node strategy = root["strategy"];
  if (strategy && strategy.IsMap()) {
    const std::string name =
        strategy["name"] ? r.get<std::string>(strategy["name"], "strategy.name", "a name") : "auto";
    const std::string params = describe_scalars(strategy, {"name"});
    out.strategy = params.empty() ? name : name + " (" + params + ")";
  } else {
    out.strategy = strategy ? r.get<std::string>(strategy, "strategy", "a mapping") : "auto";
  }
  if (const YAML::Node b = root["budget"]; b && b.IsMap()) {
    if (b["trials"]) out.budget_trials = r.get<int>(b["trials"], "budget.trials", "an integer");
    if (b["seconds"]) out.budget_seconds = r.get<double>(b["seconds"], "budget.seconds", "a number");
  }
  if (const YAML::Node m = root["metrics"]; m && m.IsMap()) {
    for (const auto& kv : m) {
      const std::string name = kv.first.Scalar();
      if (!kv.second.IsMap()) continue;
      definitions[name] = "defined in experiment.yaml as " + describe_scalars(kv.second, {"cost"});
      if (kv.second["cost"])
        out.cost[name] = r.get<std::string>(kv.second["cost"], "metrics." + name + ".cost", "cheap or expensive");
    }
  }

  const YAML::Node objectives = root["objectives"];
  r.require_list(objectives, "objectives");
  if (!objectives || objectives.size() == 0) fail(r.where(root, "objectives"), "no objectives; a run has at least one");
  for (size_t i = 0; i < objectives.size(); ++i) {
    const YAML::Node o = objectives[i];
    const std::string key = fmt::format("objectives[{}]", i);
    const std::string goal = r.get<std::string>(o["goal"], key + ".goal", "max or min");
    if (goal != "max" && goal != "min") fail(r.where(o["goal"], key + ".goal"), "expected max or min, got '{}'", goal);
    out.objectives.push_back({r.get<std::string>(o["metric"], key + ".metric", "a metric name"), goal == "max"});
  }
  const YAML::Node constraints = root["constraints"];
  r.require_list(constraints, "constraints");
  for (size_t i = 0; constraints && i < constraints.size(); ++i) {
    const YAML::Node c = constraints[i];
    const std::string key = fmt::format("constraints[{}]", i);
    exp::Constraint k;
    k.metric = r.get<std::string>(c["metric"], key + ".metric", "a metric name");
    if (c["max"].IsDefined() == c["min"].IsDefined()) fail(r.where(c, key), "expected exactly one of max: or min:");
    k.is_max = c["max"].IsDefined();
    k.limit = r.get<double>(k.is_max ? c["max"] : c["min"], key + (k.is_max ? ".max" : ".min"), "a number");
    if (c["soft"]) k.soft_weight = r.get<double>(c["soft"], key + ".soft", "a penalty weight");
    out.constraints.push_back(k);
  }
}

// ---- trials.csv / pareto.csv ----------------------------------------------------------------

void check_metric(const ExperimentOutput& out, const std::string& metric, const std::string& key) {
  if (std::find(out.metrics.begin(), out.metrics.end(), metric) != out.metrics.end()) return;
  fail((out.dir / "experiment.yaml").string() + ": " + key, "metric '{}' is not a column of trials.csv (metrics: {})",
       metric, fmt::join(out.metrics, ", "));
}

search::TrialStatus parse_status(const core::CsvTable& t, size_t row, int col) {
  const std::string& s = t.rows[row][col];
  for (auto st : {search::TrialStatus::Ok, search::TrialStatus::Failed, search::TrialStatus::Infeasible,
                  search::TrialStatus::Pruned})
    if (s == search::trial_status_name(st)) return st;
  fail(fmt::format("{}:{}", t.source, t.line_of(row)), "status '{}' is not ok, failed, infeasible or pruned", s);
}

int64_t parse_id(const core::CsvTable& t, size_t row, int col) {
  const double v = t.number(row, col);
  if (v != std::floor(v))
    fail(fmt::format("{}:{}", t.source, t.line_of(row)), "trial id '{}' is not an integer", t.rows[row][col]);
  return static_cast<int64_t>(v);
}

void read_trials(const fs::path& path, ExperimentOutput& out) {
  const core::CsvTable t = core::read_csv(path);
  std::vector<int> fixed;
  for (const auto& c : kFixedColumns) fixed.push_back(t.column(c));
  for (int c = 0; c < static_cast<int>(t.header.size()); ++c)
    if (std::find(fixed.begin(), fixed.end(), c) == fixed.end()) out.metrics.push_back(t.header[c]);
  for (size_t i = 0; i < out.objectives.size(); ++i)
    check_metric(out, out.objectives[i].metric, fmt::format("objectives[{}].metric", i));
  for (size_t i = 0; i < out.constraints.size(); ++i)
    check_metric(out, out.constraints[i].metric, fmt::format("constraints[{}].metric", i));
  for (size_t row = 0; row < t.rows.size(); ++row) {
    search::Trial trial;
    trial.id = parse_id(t, row, fixed[0]);
    trial.arch_str = t.rows[row][fixed[1]];
    trial.status = parse_status(t, row, fixed[2]);
    trial.penalty = t.number_or_empty(row, fixed[3]).value_or(0);
    trial.seconds = t.number_or_empty(row, fixed[4]).value_or(0);
    trial.error = t.rows[row][fixed[5]];
    for (const auto& m : out.metrics)
      if (auto v = t.number_or_empty(row, t.column(m))) trial.metrics[m] = *v;
    if (trial.status == search::TrialStatus::Ok)
      for (const auto& o : out.objectives)
        if (!trial.metrics.count(o.metric))
          fail(fmt::format("{}:{}", t.source, t.line_of(row)), "trial {} is ok but has no value for objective '{}'",
               trial.id, o.metric);
    out.trials.push_back(std::move(trial));
  }
  out.files_read.push_back(fmt::format("trials.csv ({} rows)", t.rows.size()));
}

size_t index_of_id(const ExperimentOutput& out, int64_t id, const std::string& where) {
  for (size_t i = 0; i < out.trials.size(); ++i)
    if (out.trials[i].id == id) return i;
  fail(where,
       "trial id {} is not in trials.csv; the files come from different runs (re-run the report once "
       "the search has written them)",
       id);
}

void read_front(const fs::path& path, ExperimentOutput& out) {
  const core::CsvTable t = core::read_csv(path);
  const int id = t.column("id");
  for (size_t row = 0; row < t.rows.size(); ++row)
    out.front.push_back(index_of_id(out, parse_id(t, row, id), fmt::format("{}:{}", t.source, t.line_of(row))));
  out.front_from_file = true;
  out.files_read.push_back(fmt::format("pareto.csv ({} rows)", t.rows.size()));
}

// ---- best.json --------------------------------------------------------------------------------

void read_best(const fs::path& path, ExperimentOutput& out) {
  const std::string file = path.string();
  const nlohmann::json j = read_json_file(path);
  try {
    const auto take_sources = [&](const nlohmann::json& trial) {
      if (!trial.is_object() || !trial.contains("metrics")) return;
      for (const auto& [name, m] : trial.at("metrics").items())
        if (m.contains("source")) out.sources.emplace(name, m.at("source").get<std::string>());
    };
    if (j.contains("best"))
      for (const auto& [metric, trial] : j.at("best").items()) {
        if (trial.is_null()) continue;
        out.best[metric] = index_of_id(out, trial.at("id").get<int64_t>(), file + ": best." + metric);
        take_sources(trial);
      }
    if (j.contains("front"))
      for (const auto& trial : j.at("front")) take_sources(trial);
    if (j.contains("counts") && j.at("counts").contains("skipped"))
      out.skipped = j.at("counts").at("skipped").get<int64_t>();
  } catch (const nlohmann::json::exception& e) {
    fail(file, "unexpected structure: {}", e.what());
  }
  out.files_read.push_back("best.json");
}

}  // namespace

int ExperimentOutput::count(search::TrialStatus status) const {
  return static_cast<int>(
      std::count_if(trials.begin(), trials.end(), [&](const auto& t) { return t.status == status; }));
}

std::optional<size_t> ExperimentOutput::best_index(size_t o) const {
  if (auto it = best.find(objectives.at(o).metric); it != best.end()) return it->second;
  return search::best_under(trials, objectives.at(o));
}

ExperimentOutput load_experiment_output(const fs::path& dir) {
  if (!fs::is_directory(dir)) fail(dir.string(), "no such directory; give the output folder of a `hwnas search` run");
  for (const char* required : {"experiment.yaml", "trials.csv"})
    if (!fs::exists(dir / required))
      fail((dir / required).string(),
           "no such file; is this the output folder of `hwnas search`, and has the "
           "search finished its first trial?");
  ExperimentOutput out;
  out.dir = dir;
  std::map<std::string, std::string> definitions;
  read_config(dir / "experiment.yaml", out, definitions);
  read_trials(dir / "trials.csv", out);
  if (fs::exists(dir / "pareto.csv")) read_front(dir / "pareto.csv", out);
  else out.front = search::pareto_trials(out.trials, out.objectives);
  if (fs::exists(dir / "best.json")) read_best(dir / "best.json", out);
  if (fs::exists(dir / "recommendation.json")) {
    const fs::path file = dir / "recommendation.json";
    out.comparison = comparison_from_json(read_json_file(file), file.string());
    out.files_read.push_back("recommendation.json");
  }
  out.deployments = read_deployments(dir);
  for (const auto& d : out.deployments) out.files_read.push_back(d.folder + "/report.json");
  for (const auto& [metric, text] : definitions) out.sources.emplace(metric, text);  // best.json's wins
  out.files_read.push_back("experiment.yaml");
  return out;
}

}  // namespace hwnas::report
