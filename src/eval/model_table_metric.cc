#include "hwnas/eval/model_table_metric.h"

#include <cstdlib>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/core/files.h"

namespace hwnas::eval {

std::filesystem::path builtin_published_accuracy() {
  const char* env = std::getenv("HWNAS_DATA_DIR");
  return std::filesystem::path(env && *env ? env : HWNAS_BUILTIN_DATA_DIR) / "published_accuracy.csv";
}

std::string model_table_key(const std::string& ref) {
  std::filesystem::path p(ref);
  if (!p.has_filename()) p = p.parent_path();  // "runs/effnet-b0/"
  // Only a model file's extension goes: "mobilenetv2-1.0" is a name, not "mobilenetv2-1" + ".0".
  for (const char* ext : {".json", ".onnx", ".tflite"})
    if (p.extension() == ext) return p.stem().string();
  return p.filename().string();
}

ModelTableMetric::ModelTableMetric(std::string name, CostClass cost, const ModelTableOptions& o,
                                   std::unique_ptr<Metric> fallback)
    : Metric(std::move(name), cost),
      file_name_(o.file.filename().string()),
      value_column_(o.value_column),
      how_(o.how),
      fallback_(std::move(fallback)) {
  const core::CsvTable t = core::read_csv(o.file);
  const int key = t.column(o.key_column);
  const int value = t.column(o.value_column);
  const std::optional<int> source = t.find_column(o.source_column);
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const std::string& k = t.rows[r][key];
    if (k.empty()) fail(fmt::format("{}:{}", o.file.string(), t.line_of(r)), "empty '{}' cell", o.key_column);
    Row row{t.number_or_empty(r, value), source ? t.rows[r][*source] : "", t.line_of(r)};
    const auto [it, added] = rows_.emplace(k, row);
    if (!added)
      fail(fmt::format("{}:{}", o.file.string(), row.line), "model '{}' has a row already (line {}); keep one", k,
           it->second.line);
  }
  fingerprint_ = fmt::format("model-table {} {} {} bytes{}", o.file.string(), o.value_column,
                             std::filesystem::file_size(o.file), fallback_ ? " else " + fallback_->fingerprint() : "");
}

const ModelTableMetric::Row* ModelTableMetric::find(const std::string& ref) const {
  auto it = rows_.find(ref);
  if (it == rows_.end()) it = rows_.find(model_table_key(ref));
  return it == rows_.end() ? nullptr : &it->second;
}

std::string ModelTableMetric::source() const {
  std::string s = fmt::format("{} ({}:{})", how_, file_name_, value_column_);
  if (fallback_) s += ", else " + fallback_->source();
  return s;
}

std::string ModelTableMetric::source_for(const std::string& arch_str) const {
  const Row* row = find(arch_str);
  if (!row || !row->value)
    return fallback_ ? fmt::format("{} (not in {})", fallback_->source_for(arch_str), file_name_) : source();
  const std::string where = fmt::format("{}:{}", file_name_, row->line);
  if (row->source.empty()) return fmt::format("{} ({})", how_, where);
  // A measurement's source cell already says "measured (...)"; a citation gets the verb.
  if (row->source.starts_with(how_)) return fmt::format("{} [{}]", row->source, where);
  return fmt::format("{}: {} ({})", how_, row->source, where);
}

std::string ModelTableMetric::fingerprint() const { return fingerprint_; }

void ModelTableMetric::check_models(const std::vector<std::string>& refs) const {
  if (fallback_) return;
  for (const std::string& ref : refs)
    if (const Row* row = find(ref); !row || !row->value) (void)evaluate({}, ref);
}

double ModelTableMetric::evaluate(const space::Arch& arch, const std::string& arch_str) const {
  const Row* row = find(arch_str);
  if (row && row->value) return *row->value;
  if (fallback_) return fallback_->evaluate(arch, arch_str);
  const std::string key = model_table_key(arch_str);
  const std::string names = key == arch_str ? fmt::format("'{}'", key) : fmt::format("'{}' or '{}'", arch_str, key);
  if (row)
    fail(name(),
         "{}:{} has no {} for model {} (the cell is empty); fill it, or give the metric a fallback:", file_name_,
         row->line, value_column_, names);
  std::vector<std::string> known;
  for (const auto& [k, r] : rows_) known.push_back(k);
  fail(name(), "model {} is not in {} (models there: {}); add a row, or give the metric a fallback: (hwnas compare: --fallback)", names, file_name_,
       fmt::join(known, ", "));
}

}  // namespace hwnas::eval
