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

namespace {

// Loaded tables, shared within the process (see the header).
std::shared_ptr<const TableMetric::Lookup> cached_load(const std::filesystem::path& table,
                                                       const std::string& key_column, const std::string& value_column,
                                                       const space::SearchSpace& space) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const TableMetric::Lookup>> cache;
  const std::string key = cache_key(table, key_column, value_column, space);
  {
    std::lock_guard lock(mutex);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  auto data = load(table, key_column, value_column, space);
  std::lock_guard lock(mutex);
  cache.emplace(key, data);
  return data;
}

}  // namespace

TableMetric::TableMetric(std::string name, CostClass cost, const std::filesystem::path& table,
                         const std::string& key_column, const std::string& value_column,
                         const space::SearchSpace& space)
    : TableMetric(std::move(name), cost, table, key_column, std::map<int, std::string>{{0, value_column}}, space) {}

TableMetric::TableMetric(std::string name, CostClass cost, const std::filesystem::path& table,
                         const std::string& key_column, const std::map<int, std::string>& columns_by_epochs,
                         const space::SearchSpace& space)
    : Metric(std::move(name), cost), file_name_(table.filename().string()), key_column_(key_column) {
  if (columns_by_epochs.empty()) fail(this->name(), "a table metric needs at least one column");
  for (const auto& [epochs, column] : columns_by_epochs) {
    if (epochs < 0 || (epochs == 0 && columns_by_epochs.size() > 1))
      fail(this->name(), "column {} is given for {} epochs; epochs must be >= 1", column, epochs);
    columns_[epochs] = Column{column, cached_load(table, key_column, column, space)};
  }
}

std::string TableMetric::source() const {
  if (columns_.size() == 1) return fmt::format("looked up (table {}:{})", file_name_, full().name);
  std::vector<std::string> parts;
  for (const auto& [epochs, c] : columns_) parts.push_back(fmt::format("{} at {} epochs", c.name, epochs));
  return fmt::format("looked up (table {}: {})", file_name_, fmt::join(parts, ", "));
}

std::string TableMetric::fingerprint() const {
  if (columns_.size() == 1 && columns_.begin()->first == 0)
    return fmt::format("table {} key {} column {}", file_name_, key_column_, full().name);
  std::vector<std::string> parts;
  for (const auto& [epochs, c] : columns_) parts.push_back(fmt::format("{}:{}", epochs, c.name));
  return fmt::format("table {} key {} columns {}", file_name_, key_column_, fmt::join(parts, ","));
}

double TableMetric::evaluate(const space::Arch&, const std::string& arch_str) const {
  return look_up(full(), arch_str);
}

double TableMetric::evaluate_at(const space::Arch&, const std::string& arch_str, int epochs) const {
  if (epochs == 0 || !has_fidelity()) return look_up(full(), arch_str);
  const auto it = columns_.find(epochs);
  if (it == columns_.end()) {
    std::vector<int> known;
    for (const auto& [e, c] : columns_) known.push_back(e);
    fail(name(), "table {} has no column for {} epochs (it has columns for {} epochs)", file_name_, epochs,
         fmt::join(known, ", "));
  }
  return look_up(it->second, arch_str);
}

double TableMetric::look_up(const Column& column, const std::string& arch_str) const {
  const Lookup& data = *column.data;
  if (auto it = data.values.find(arch_str); it != data.values.end()) return it->second;
  if (auto it = data.empty.find(arch_str); it != data.empty.end())
    fail(fmt::format("{}:{}", file_name_, it->second), "{} has no value in column {} for arch {}", name(), column.name,
         arch_str);
  fail(file_name_, "{}: arch {} is not in the table ({} rows)", name(), arch_str,
       data.values.size() + data.empty.size());
}

}  // namespace hwnas::eval
