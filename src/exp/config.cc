#include "hwnas/exp/config.h"
#include "hwnas/target/resolver.h"

#include <algorithm>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/space/search_space.h"

namespace hwnas::exp {
namespace {

const std::vector<std::string> kTopKeys = {"name",     "space",   "metrics",         "objectives", "constraints",
                                           "strategy", "budget",  "executor",        "fidelity",   "deploy",
                                           "output",   "workers", "trial_timeout_s", "compare"};

std::vector<std::string> metric_names(const ExperimentConfig& c) {
  std::vector<std::string> names;
  for (const auto& m : c.metrics) names.push_back(m.name);
  return names;
}

// A metric reference (objective or constraint) must name a metric defined under metrics:.
std::string metric_ref(const ExperimentConfig& c, const YAML::Node& node, const std::string& path) {
  const YamlSource& src = c.source;
  const std::string name = src.get_string(node, path);
  const auto names = metric_names(c);
  if (std::find(names.begin(), names.end(), name) != names.end()) return name;
  const std::string guess = closest_match(name, names);
  src.fail(node, path,
           fmt::format("'{}' is not a metric defined under metrics:{}; defined: {}", name,
                       guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess), fmt::join(names, ", ")));
}

void parse_metrics(ExperimentConfig& c, const YAML::Node& node) {
  c.source.require_map(node, "metrics");
  if (node.size() == 0) c.source.fail(node, "metrics", "define at least one metric");
  for (const auto& kv : node) {
    const std::string name = c.source.key(kv.first, "metrics");
    c.metrics.push_back({name, join_path("metrics", name), kv.second});
  }
}

void parse_objectives(ExperimentConfig& c, const YAML::Node& node) {
  const YamlSource& src = c.source;
  src.require_list(node, "objectives");
  if (node.size() == 0)
    src.fail(node, "objectives", "give at least one objective, e.g. [{metric: accuracy, goal: max}]");
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string path = fmt::format("objectives.{}", i);
    const YAML::Node o = node[i];
    src.check_keys(o, path, {"metric", "goal"});
    if (!o["metric"] || !o["goal"]) src.fail(o, path, "an objective needs metric: and goal: (max or min)");
    const std::string metric = metric_ref(c, o["metric"], path + ".metric");
    const std::string goal = src.get_string(o["goal"], path + ".goal");
    if (goal != "max" && goal != "min") src.fail(o["goal"], path + ".goal", fmt::format("'{}': use max or min", goal));
    c.objectives.push_back({metric, goal == "max"});
  }
}

void parse_constraints(ExperimentConfig& c, const YAML::Node& node) {
  const YamlSource& src = c.source;
  src.require_list(node, "constraints");
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string path = fmt::format("constraints.{}", i);
    const YAML::Node k = node[i];
    src.check_keys(k, path, {"metric", "max", "min", "soft"});
    if (!k["metric"]) src.fail(k, path, "a constraint needs metric:, e.g. {metric: latency_ms, max: 20}");
    if (!k["max"] == !k["min"]) src.fail(k, path, "give exactly one of max: or min: (use two constraints for a range)");
    Constraint con;
    con.metric = metric_ref(c, k["metric"], path + ".metric");
    con.is_max = static_cast<bool>(k["max"]);
    con.limit = src.get_double(k[con.is_max ? "max" : "min"], path + (con.is_max ? ".max" : ".min"));
    if (k["soft"]) {
      con.soft_weight = src.get_double(k["soft"], path + ".soft");
      if (con.soft_weight <= 0)
        src.fail(k["soft"], path + ".soft", "the penalty weight must be > 0 (omit soft: for a hard limit)");
    }
    c.constraints.push_back(con);
  }
}

void parse_strategy(ExperimentConfig& c, const YAML::Node& node) {
  const YamlSource& src = c.source;
  src.require_map(node, "strategy");
  for (const auto& kv : node) {
    const std::string key = src.key(kv.first, "strategy");
    const std::string path = join_path("strategy", key);
    if (key == "name") {
      c.strategy.name = src.get_string(kv.second, path);
      const auto names = search::strategy_names();
      if (!names.empty() && std::find(names.begin(), names.end(), c.strategy.name) == names.end()) {
        const std::string guess = closest_match(c.strategy.name, names);
        src.fail(kv.second, path,
                 fmt::format("unknown strategy '{}'{}; available: {}", c.strategy.name,
                             guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess), fmt::join(names, ", ")));
      }
    } else if (key == "seed") {
      const double seed = src.get_double(kv.second, path);
      if (seed < 0 || seed != static_cast<double>(static_cast<uint64_t>(seed)))
        src.fail(kv.second, path, "the seed must be a whole number >= 0");
      c.strategy.seed = static_cast<uint64_t>(seed);
    } else {
      c.strategy.params[key] = src.get_double(kv.second, path);  // the factory checks names and ranges
    }
  }
}

void parse_budget(ExperimentConfig& c, const YAML::Node& node) {
  const YamlSource& src = c.source;
  src.check_keys(node, "budget", {"trials", "seconds"});
  if (node["trials"]) {
    c.budget_trials = src.get_int(node["trials"], "budget.trials");
    if (c.budget_trials < 1) src.fail(node["trials"], "budget.trials", "must be at least 1");
  }
  if (node["seconds"]) {
    c.budget_seconds = src.get_double(node["seconds"], "budget.seconds");
    if (*c.budget_seconds <= 0) src.fail(node["seconds"], "budget.seconds", "must be > 0");
  }
}

// executor: {kind, workers, trial_timeout_s}; `workers:` and `trial_timeout_s:` at the top level
// are the same keys from before executors, still read (a key given in both places is an error).
void parse_executor(ExperimentConfig& c, const YAML::Node& root) {
  const YamlSource& src = c.source;
  const YAML::Node node = root["executor"];
  if (node) {
    src.require_map(node, "executor");
    src.check_keys(node, "executor", {"kind", "workers", "trial_timeout_s"});
  }
  // The node and key path of `key`, wherever it is given; an undefined node when nowhere.
  const auto find = [&](const std::string& key) -> std::pair<YAML::Node, std::string> {
    const std::string nested = join_path("executor", key);
    if (node && node[key]) {
      if (root[key])
        src.fail(node[key], nested,
                 fmt::format("given twice: here and as the top-level '{}:', which means the same; keep one", key));
      return {node[key], nested};
    }
    return {root[key], key};
  };
  ExecutorConfig& x = c.executor;
  if (const auto [n, path] = find("kind"); n) {
    const std::string kind = src.get_string(n, path);
    if (kind == "thread") x.kind = ExecutorConfig::Kind::Thread;
    else if (kind == "process") x.kind = ExecutorConfig::Kind::Process;
    else src.fail(n, path, fmt::format("'{}': use thread (worker threads) or process (worker processes)", kind));
  }
  if (const auto [n, path] = find("workers"); n) {
    x.workers = src.get_int(n, path);
    if (x.workers < 1 || x.workers > 256) src.fail(n, path, "must be between 1 and 256");
  }
  if (const auto [n, path] = find("trial_timeout_s"); n) {
    x.trial_timeout_s = src.get_double(n, path);
    if (x.trial_timeout_s < 0) src.fail(n, path, "must be >= 0 (0: no timeout)");
  }
}

// fidelity: {epochs: [12, 200], eta: 3, metric: accuracy, bracket: 9, continue: true, rank: metric}
void parse_fidelity(ExperimentConfig& c, const YAML::Node& node) {
  const YamlSource& src = c.source;
  src.require_map(node, "fidelity");
  src.check_keys(node, "fidelity", {"epochs", "eta", "metric", "bracket", "continue", "rank"});
  FidelityConfig f;
  if (!node["epochs"]) src.fail(node, "fidelity", "needs 'epochs:', the rungs, e.g. [4, 12, 36]");
  src.require_list(node["epochs"], "fidelity.epochs");
  for (size_t i = 0; i < node["epochs"].size(); ++i) {
    const std::string path = fmt::format("fidelity.epochs.{}", i);
    const int e = src.get_int(node["epochs"][i], path);
    if (e < 1) src.fail(node["epochs"][i], path, "must be at least 1 epoch");
    if (!f.epochs.empty() && e <= f.epochs.back())
      src.fail(node["epochs"][i], path, fmt::format("must be larger than the rung before it ({})", f.epochs.back()));
    f.epochs.push_back(e);
  }
  if (f.epochs.size() < 2)
    src.fail(node["epochs"], "fidelity.epochs", "give at least two rungs (a lower fidelity and the full one)");
  if (node["eta"]) {
    f.eta = src.get_int(node["eta"], "fidelity.eta");
    if (f.eta < 2) src.fail(node["eta"], "fidelity.eta", "must be at least 2 (keep the best 1/eta of each rung)");
  }
  f.metric = node["metric"] ? metric_ref(c, node["metric"], "fidelity.metric") : c.objectives.front().metric;
  const bool objective = std::any_of(c.objectives.begin(), c.objectives.end(),
                                     [&](const search::Objective& o) { return o.metric == f.metric; });
  if (!objective)
    src.fail(node["metric"], "fidelity.metric",
             fmt::format("'{}' is not an objective; rungs are ranked by one", f.metric));
  if (node["bracket"]) {
    f.bracket = src.get_int(node["bracket"], "fidelity.bracket");
    if (f.bracket < 1) src.fail(node["bracket"], "fidelity.bracket", "must be at least 1 candidate per round");
  }
  if (node["continue"]) f.continue_training = src.get_bool(node["continue"], "fidelity.continue");
  if (node["rank"]) {
    const std::string rank = src.get_string(node["rank"], "fidelity.rank");
    if (rank != "metric" && rank != "pareto")
      src.fail(node["rank"], "fidelity.rank",
               fmt::format("'{}' is not a ranking; use metric (by fidelity.metric) or pareto (by every objective)", rank));
    f.rank_pareto = rank == "pareto";
  }
  c.fidelity = std::move(f);
}

// `space: {models: [ref, ...]}`. A reference naming a file or folder next to the experiment file
// (a graph JSON, a trained model directory) is made absolute like every path in the file; the
// others (built-in names, <space>:<arch>) are kept as written. Checked when the space is built.
void parse_models(ExperimentConfig& c, const YAML::Node& node) {
  const YamlSource& src = c.source;
  src.check_keys(node, "space", {"models"});
  if (!node["models"]) src.fail(node, "space", "a space given as a map needs 'models:' (a list of model references)");
  src.require_list(node["models"], "space.models");
  if (node["models"].size() == 0) src.fail(node["models"], "space.models", "name at least one model");
  for (size_t i = 0; i < node["models"].size(); ++i) {
    const std::string path = fmt::format("space.models[{}]", i);
    std::string ref = src.get_string(node["models"][i], path);
    std::error_code ec;
    if (ref.find(':') == std::string::npos) {
      const auto file = src.resolve_path(ref, path);
      if (std::filesystem::exists(file, ec)) ref = file.string();
    }
    c.models.push_back(std::move(ref));
  }
  if (!src.root()["budget"] || !src.root()["budget"]["trials"])
    c.budget_trials = static_cast<int>(c.models.size());  // every model once
}

void parse_compare(ExperimentConfig& c, const YAML::Node& node) {
  const YamlSource& src = c.source;
  src.check_keys(node, "compare", {"accuracy", "latency", "budget_ms"});
  CompareConfig cc;
  if (node["accuracy"]) cc.accuracy = metric_ref(c, node["accuracy"], "compare.accuracy");
  if (node["latency"]) cc.latency = metric_ref(c, node["latency"], "compare.latency");
  if (node["budget_ms"]) {
    cc.budget_ms = src.get_double(node["budget_ms"], "compare.budget_ms", "ms");
    if (!(*cc.budget_ms > 0)) src.fail(node["budget_ms"], "compare.budget_ms", "must be > 0 ms");
  }
  c.compare = cc;
}

void parse_space(ExperimentConfig& c, const YAML::Node& node) {
  if (node.IsMap()) return parse_models(c, node);
  c.space = c.source.get_string(node, "space");
  const auto builtins = space::builtin_space_names();
  // "mbconv@npu-generic": a built-in space restricted to a built-in device (target::resolve_space).
  const std::string base = c.space.substr(0, c.space.find('@'));
  if (std::find(builtins.begin(), builtins.end(), base) == builtins.end())
    c.space = c.source.resolve_path(c.space, "space").string();  // a YAML space file
}

}  // namespace

ExperimentConfig parse_config(std::string_view text, const std::filesystem::path& file,
                              const std::vector<std::string>& overrides) {
  ExperimentConfig c;
  c.source = YamlSource::parse(text, file.string(), overrides);
  const YamlSource& src = c.source;
  const YAML::Node& root = src.root();
  src.check_keys(root, "", kTopKeys);
  for (const char* required : {"space", "metrics", "objectives"})
    if (!root[required]) src.fail(root, required, "is required (see examples/nb201-raspi4.yaml)");
  c.name = root["name"] ? src.get_string(root["name"], "name") : file.stem().string();
  parse_space(c, root["space"]);
  parse_metrics(c, root["metrics"]);
  parse_objectives(c, root["objectives"]);
  if (root["constraints"]) parse_constraints(c, root["constraints"]);
  if (root["strategy"]) parse_strategy(c, root["strategy"]);
  if (root["budget"]) parse_budget(c, root["budget"]);
  parse_executor(c, root);
  if (root["fidelity"]) parse_fidelity(c, root["fidelity"]);
  if (root["deploy"]) c.deploy = parse_deploy(src, root["deploy"]);
  if (root["compare"]) parse_compare(c, root["compare"]);
  else if (!c.models.empty()) c.compare = CompareConfig{};
  c.output = src.resolve_path(root["output"] ? src.get_string(root["output"], "output") : "runs/" + c.name, "output");
  return c;
}

ExperimentConfig load_config(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  return parse_config(read_file(file), file, overrides);
}

std::string ExperimentConfig::effective_yaml() const {
  YAML::Node root = YAML::Clone(source.root());
  root["name"] = name;
  if (models.empty()) root["space"] = space;
  else
    for (size_t i = 0; i < models.size(); ++i) root["space"]["models"][i] = models[i];
  for (const auto& m : metrics)
    if (m.node.IsMap() && m.node["table"] && m.node["table"].IsScalar())
      root["metrics"][m.name]["table"] = source.resolve_path(m.node["table"].Scalar(), m.path + ".table").string();
  if (deploy) root["deploy"]["dataset"] = deploy->dataset;
  root["output"] = output.string();
  YAML::Emitter out;
  out << root;
  return std::string("# Effective configuration of this run (after --set; paths made absolute).\n") + out.c_str() +
         "\n";
}

}  // namespace hwnas::exp
