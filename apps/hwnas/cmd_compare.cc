// hwnas compare: which of a few existing models gives the best accuracy for its latency on a
// device. The short form of an experiment over a list of models (docs/compare.md): it writes
// that experiment (DIR/compare.yaml), runs it, prints the table, the front and the
// recommendation and writes report.html, comparison.csv and recommendation.json.
//
//   hwnas compare efficientnet-b0 efficientnet-b1 efficientnet-b2 efficientnet-b3 --device pixel3-cpu
//       [--accuracy published.csv] [--latency phone.csv [--fallback]] [--measure-host] [--budget-ms 30] [--out DIR]
//
// Accuracy: published figures (default: data/published_accuracy.csv). Latency: a phone's
// measurements when --latency is given (the CSV `hwnas measurements import` writes; a model not in
// it is an error unless --fallback predicts it), else predicted for --device; the prediction is
// always kept beside (predicted_ms), and --measure-host adds a measurement on this machine.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "command.h"
#include "comparison_print.h"
#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/eval/model_table_metric.h"
#include "hwnas/exp/config.h"
#include "hwnas/exp/experiment.h"
#include "hwnas/exp/runner.h"
#include "hwnas/report/html_report.h"

namespace hwnas::cli {
namespace {

namespace fs = std::filesystem;

struct CompareArgs {
  std::vector<std::string> models;
  std::string device, model = "roofline", accuracy, latency, out = "runs/compare";
  bool fallback = false, measure_host = false;
  int runs = 20;
  std::optional<double> budget_ms;
};

// A path the user typed, made absolute: the experiment file lives in --out, not here.
std::string absolute_if_exists(const std::string& ref) {
  std::error_code ec;
  if (ref.find(':') == std::string::npos && fs::exists(ref, ec)) return fs::absolute(ref).string();
  return ref;
}

std::string existing_file(const std::string& path, const char* option) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) fail(option, "no such file: {}", path);
  return fs::absolute(path).string();
}

YAML::Node predicted(const CompareArgs& a) {
  YAML::Node n;
  n["model"] = a.model;
  n["device"] = absolute_if_exists(a.device);  // a profile file, e.g. one `hwnas predictor fit` wrote
  return n;
}

// The experiment the arguments describe, as the experiment file a user would write.
std::string experiment_yaml(const CompareArgs& a) {
  YAML::Node root;
  root["name"] = "compare";
  for (const auto& m : a.models) root["space"]["models"].push_back(absolute_if_exists(m));
  YAML::Node metrics;
  metrics["accuracy"]["published"] =
      a.accuracy.empty() ? std::string("builtin") : existing_file(a.accuracy, "--accuracy");
  if (!a.latency.empty()) {
    metrics["latency_ms"]["measurements"] = existing_file(a.latency, "--latency");
    if (a.fallback) metrics["latency_ms"]["fallback"] = predicted(a);
    metrics["predicted_ms"] = predicted(a);
  } else {
    metrics["latency_ms"] = predicted(a);
  }
  if (a.measure_host) {
    metrics["host_ms"]["measure"] = "latency_ms";
    metrics["host_ms"]["runs"] = a.runs;
  }
  root["metrics"] = metrics;
  YAML::Node acc, lat;
  acc["metric"] = "accuracy";
  acc["goal"] = "max";
  lat["metric"] = "latency_ms";
  lat["goal"] = "min";
  root["objectives"].push_back(acc);
  root["objectives"].push_back(lat);
  root["compare"]["latency"] = "latency_ms";
  if (a.budget_ms) root["compare"]["budget_ms"] = *a.budget_ms;
  root["strategy"]["name"] = "grid";
  root["executor"]["workers"] = 1;  // measurements must not share the cores
  root["output"] = fs::absolute(a.out).string();
  YAML::Emitter e;
  e << root;
  return std::string("# Written by `hwnas compare`; `hwnas search` on this file runs the same comparison.\n") +
         e.c_str() + "\n";
}

void run_compare(const CompareArgs& a) {
  if (a.budget_ms && !(*a.budget_ms > 0)) fail("--budget-ms", "must be > 0 ms, got {}", *a.budget_ms);
  if (a.fallback && a.latency.empty()) fail("--fallback", "predicts the models missing from --latency; give --latency");
  fs::create_directories(a.out);
  const fs::path file = fs::path(a.out) / "compare.yaml";
  write_file_atomic(file, experiment_yaml(a));
  exp::Experiment e = exp::build_experiment(exp::load_config(file));
  fmt::print(stderr, "hwnas compare: {} models on {} -> {}\n", a.models.size(), a.device, e.config.output.string());
  for (const auto& m : e.metrics) fmt::print(stderr, "  {}: {}\n", m->name(), m->source());
  exp::run_experiment(e);
  compare_run(e, std::nullopt);
  const fs::path page = report::write_report(e.config.output);
  fmt::print("\nwrote {}: comparison.csv, recommendation.json, trials.csv, compare.yaml (the experiment)\nreport: {}\n",
             e.config.output.string(), page.string());
}

CommandRegistration compare_command(55, [](CLI::App& app) {
  auto* cmd = app.add_subcommand("compare", "Compare existing models on a device and recommend one");
  auto a = std::make_shared<CompareArgs>();
  cmd->add_option("models", a->models,
                  "model references: built-in names, .onnx files, <space>:<arch>, graph JSON, model folders")
      ->required();
  cmd->add_option("--device", a->device, "the device to predict latency for (hwnas device list, or a profile file)")
      ->required();
  cmd->add_option("--model", a->model,
                  "latency model: roofline, or calibrated for a profile `hwnas predictor fit` wrote")
      ->check(CLI::IsMember({"roofline", "calibrated"}))
      ->capture_default_str();
  cmd->add_option("--accuracy", a->accuracy,
                  "CSV of published accuracies: model,top1,source (default: the built-in table)");
  cmd->add_option("--latency", a->latency,
                  "CSV of measured latencies (hwnas measurements import --out); keyed by model");
  cmd->add_flag("--fallback", a->fallback, "predict the latency of models missing from --latency instead of failing");
  cmd->add_flag("--measure-host", a->measure_host, "also measure each model on this machine (xnnpack, 1 thread)");
  cmd->add_option("--runs", a->runs, "--measure-host: timed runs per model")->check(CLI::Range(1, 100000));
  cmd->add_option("--budget-ms", a->budget_ms,
                  "latency budget in ms: the recommendation is the most accurate within it");
  cmd->add_option("--out", a->out, "output folder (default: runs/compare)");
  cmd->callback([a] { run_compare(*a); });
});

}  // namespace
}  // namespace hwnas::cli
