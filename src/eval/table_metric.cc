#include "hwnas/eval/table_metric.h"

#include <map>
#include <mutex>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"

namespace hwnas::eval {

namespace {

std::shared_ptr<const TableMetric::Lookup> load(const std::filesystem::path& table, const std::string& key_column,
                                                const std::string& value_column, const space::SearchSpace& space) {
  const core::CsvTable t = core::read_csv(table);
  const auto missing = [&](const std::string& what, const std::string& col) {
    fail(t.source, "has no column '{}' ({}); its columns are: {}", col, what, fmt::join(t.header, ", "));
  };
  const auto key = t.find_column(key_column);
  if (!key) missing("the key", key_column);
  const auto col = t.find_column(value_column);
  if (!col) missing("the value", value_column);
  auto lookup = std::make_shared<TableMetric::Lookup>();
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const std::string& raw = t.rows[r][*key];
    std::string canonical;
    try {
      canonical = space.to_string(space.canonical(space.parse(raw)));
    } catch (const Error& e) {
      fail(fmt::format("{}:{}", t.source, t.line_of(r)), "arch '{}' does not parse in space {}: {}", raw, space.name(),
           e.what());
    }
    const auto v = t.number_or_empty(r, *col);
    if (v) lookup->values[canonical] = *v;
    else lookup->empty[canonical] = t.line_of(r);
  }
  return lookup;
}

// What decides a loaded table's content: the file as it is now, the columns and the space.
std::string cache_key(const std::filesystem::path& table, const std::string& key_column,
                      const std::string& value_column, const space::SearchSpace& space) {
  std::error_code ec;
  const auto abs = std::filesystem::absolute(table, ec);
  const auto size = std::filesystem::file_size(table, ec);
  const auto time = std::filesystem::last_write_time(table, ec).time_since_epoch().count();
  std::string k = fmt::format("{}|{}|{}|{}|{}|{}", abs.string(), size, time, key_column, value_column, space.name());
  for (const auto& d : space.decisions()) k += fmt::format("|{}:{}", d.name, fmt::join(d.choices, ","));
  return k;
}

}  // namespace

TableMetric::TableMetric(std::string name, CostClass cost, const std::filesystem::path& table,
                         const std::string& key_column, const std::string& value_column,
                         const space::SearchSpace& space)
    : Metric(std::move(name), cost),
      file_name_(table.filename().string()),
      column_(value_column),
      key_column_(key_column) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const Lookup>> cache;
  const std::string key = cache_key(table, key_column, value_column, space);
  {
    std::lock_guard lock(mutex);
    if (auto it = cache.find(key); it != cache.end()) data_ = it->second;
  }
  if (data_) return;
  data_ = load(table, key_column, value_column, space);
  std::lock_guard lock(mutex);
  cache.emplace(key, data_);
}

std::string TableMetric::source() const { return fmt::format("looked up (table {}:{})", file_name_, column_); }

std::string TableMetric::fingerprint() const {
  return fmt::format("table {} key {} column {}", file_name_, key_column_, column_);
}

double TableMetric::evaluate(const space::Arch&, const std::string& arch_str) const {
  if (auto it = data_->values.find(arch_str); it != data_->values.end()) return it->second;
  if (auto it = data_->empty.find(arch_str); it != data_->empty.end())
    fail(fmt::format("{}:{}", file_name_, it->second), "{} has no value in column {} for arch {}", name(), column_,
         arch_str);
  fail(file_name_, "{}: arch {} is not in the table ({} rows)", name(), arch_str,
       data_->values.size() + data_->empty.size());
}

}  // namespace hwnas::eval
