#pragma once
// eval::ModelTableMetric: a figure looked up per *model* in a CSV table with a source column,
// for comparing existing models (target/model_list_space.h): published accuracies
// (data/published_accuracy.csv: model,top1,source) or latencies measured elsewhere (the CSV of
// `hwnas measurements import`: arch,latency_ms,...,source). Unlike eval::TableMetric, keys are
// not archs of a space: a table may hold many more models than the comparison lists.
//
//   metrics:
//     accuracy: {published: builtin}     # data/published_accuracy.csv; or a file: key: model, column: top1
//     phone_ms: {measurements: phone.csv, fallback: {model: roofline, device: pixel3-cpu}}
//
// A model matches the row whose key is its reference, or the reference's file stem
// (models/effnet-b0.json and a benchmark_model run of effnet-b0.tflite are both "effnet-b0").
// Every figure says where it came from: source_for() gives the row's source cell and its line
// ("Tan & Le 2019, Table 2 (published_accuracy.csv:3)"). A model without a row (or with an
// empty cell) is an error naming the model and the file, unless a fallback metric was given:
// then the fallback's figure is used and says so. The whole table is read and checked at
// construction: a malformed CSV or a non-number cell fails there, naming the file and line.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "hwnas/eval/metric.h"

namespace hwnas::eval {

struct ModelTableOptions {
  std::filesystem::path file;
  std::string key_column = "model";
  std::string value_column = "top1";
  std::string source_column = "source";  // optional in the file: without it, the file is the source
  std::string how = "looked up";         // "looked up" (published) or "measured" (measurements)
};

class ModelTableMetric : public Metric {
 public:
  ModelTableMetric(std::string name, CostClass cost, const ModelTableOptions& options,
                   std::unique_ptr<Metric> fallback = nullptr);

  std::string source() const override;
  std::string source_for(const std::string& arch_str) const override;
  std::string fingerprint() const override;
  double evaluate(const space::Arch& arch, const std::string& arch_str) const override;

  struct Row {
    std::optional<double> value;  // empty cell: no figure
    std::string source;           // the source cell ("" when none)
    size_t line = 0;
  };
  // The row for a model reference, or null.
  const Row* find(const std::string& ref) const;
  // Throws evaluate()'s error for the first of `refs` without a figure (none with a fallback):
  // a comparison checks its list before it measures anything.
  void check_models(const std::vector<std::string>& refs) const;

 private:
  std::string file_name_, value_column_, how_, fingerprint_;
  std::map<std::string, Row> rows_;  // by key
  std::unique_ptr<Metric> fallback_;
};

// data/published_accuracy.csv of the source tree (HWNAS_DATA_DIR overrides the folder): published
// ImageNet top-1 of the built-in models, each row with its citation. `published: builtin` names it.
std::filesystem::path builtin_published_accuracy();

// The model's name in tables: "effnet-b0" for "models/effnet-b0.json", "effnet-b0.onnx" or
// "runs/effnet-b0/"; a name without a model file's extension stays whole ("mobilenetv2-1.0").
std::string model_table_key(const std::string& ref);

}  // namespace hwnas::eval
