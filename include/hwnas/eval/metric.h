#pragma once
// eval::Metric: one number measured on an architecture (accuracy, latency, memory, ...), as
// the experiment file's `metrics:` section defines it. The runner only sees this interface,
// so a new kind of metric (a cost model, a memory planner, training) plugs in by adding a
// case to make_metric() without touching the runner.
//
//   metrics:
//     accuracy:   {table: nb201_cifar10.csv, key: arch_str, column: test_acc_200ep}
//     latency_ms: {table: nb201_latency.csv, key: arch_str, column: raspi4_latency_ms, cost: cheap}
//
//   auto m = eval::make_metric("accuracy", node, "metrics.accuracy", ctx);
//   double acc = m->evaluate(arch, space.to_string(arch));   // throws hwnas::Error if unknown
//   m->source();   // "looked up (table nb201_cifar10.csv:test_acc_200ep)"
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "hwnas/core/yaml_source.h"
#include "hwnas/space/search_space.h"

namespace hwnas::eval {

// cheap: may be evaluated on any number of candidates (cost models, a latency table standing
// in for one); expensive: each evaluation is a trial counted by the budget.
enum class CostClass { Cheap, Expensive };

class Metric {
 public:
  Metric(std::string name, CostClass cost) : name_(std::move(name)), cost_(cost) {}
  virtual ~Metric() = default;

  const std::string& name() const { return name_; }
  CostClass cost() const { return cost_; }
  // Where the figure comes from, as printed next to it: "looked up (table f.csv:col)",
  // "predicted (roofline on raspi4)", "measured (xnnpack, 50 runs)".
  virtual std::string source() const = 0;
  // Where the figure of one architecture comes from, when that differs per architecture: a
  // published table's citation of that row, a measurement's runs and spread. Call it after
  // evaluate() on the same arch (a measurement knows its runs only then). Default: source().
  virtual std::string source_for(const std::string& arch_str) const {
    (void)arch_str;
    return source();
  }
  // A stable description for resume checks: changes when the figures could change.
  virtual std::string fingerprint() const = 0;
  // The value for `arch` (whose canonical string is `arch_str`). Thread-safe: worker threads
  // call it concurrently. Throws hwnas::Error when the value cannot be had.
  virtual double evaluate(const space::Arch& arch, const std::string& arch_str) const = 0;
  // The value at a fidelity of a multi-fidelity search: after `epochs` of training (0: the
  // metric's full fidelity). A metric that does not depend on training (a cost model, memory, a
  // one-column table) gives evaluate()'s value whatever `epochs` is.
  virtual double evaluate_at(const space::Arch& arch, const std::string& arch_str, int epochs) const {
    (void)epochs;
    return evaluate(arch, arch_str);
  }
  // Whether evaluate_at() depends on `epochs`: a multi-fidelity search ranks its rungs by one.
  virtual bool has_fidelity() const { return false; }

 private:
  std::string name_;
  CostClass cost_;
};

struct MetricContext {
  const YamlSource* source = nullptr;  // for located errors
  std::shared_ptr<const space::SearchSpace> space;
  std::filesystem::path models;  // where training metrics keep trained models (empty: nowhere)
  // The rungs of a multi-fidelity search whose promotions continue training (empty: none).
  std::vector<int> continued_rungs;
};

// Builds the metric that `node` (at key path `path`) describes. The kind is told by its key:
//   {table: f.csv, key: arch_str, column: c}          a CSV lookup (eval/table_metric.h), expensive;
//                                                      columns: {12: c12, 200: c200} instead of column:
//                                                      gives the value after that many epochs
//   {model: roofline|lut|kernel|calibrated, device: D, dtype: f32|int8, predictor: file,
//    value: latency_ms|energy_mj|fps}                 a cost model (eval/model_metric.h), cheap
//   {model: few_shot, predictor: model.json}           a few-shot prior model (eval/few_shot_metric.h), cheap
//   {memory: peak_sram_kib|flash_kib, device: D, dtype: int8|f32}   memory (eval/memory_metric.h), cheap
//   {stat: macs|params}                                millions, from the graph (eval/stat_metric.h), cheap
//   {train: {dataset: kind:path, epochs: N, ...}, value: val_top1|top1}
//                                                      accuracy after training (eval/train_metric.h), expensive
//   {proxy: synflow|naswot|...|ensemble, dataset: K:P} a zero-cost proxy (eval/proxy_metric.h), cheap
//   {published: f.csv}                                 a published figure per model (model,top1,source;
//                                                      eval/model_table_metric.h), expensive
//   {measurements: phone.csv, fallback: {model: ...}}  a latency measured elsewhere, per model (the CSV of
//                                                      `hwnas measurements import`), expensive
//   {measure: latency_ms, backend: xnnpack, runs: N}   latency measured on this host (eval/measured_metric.h),
//                                                      expensive
// Each takes `cost: cheap|expensive` to override its default. D is a built-in device name or a
// profile file (relative to the experiment file). dtype defaults to the device's.
std::unique_ptr<Metric> make_metric(const std::string& name, const YAML::Node& node, const std::string& path,
                                    const MetricContext& ctx);

// Parses `cost: cheap|expensive` (absent: `fallback`).
CostClass parse_cost_class(const YAML::Node& node, const std::string& path, const YamlSource& src, CostClass fallback);
std::string_view cost_class_name(CostClass c);

}  // namespace hwnas::eval
