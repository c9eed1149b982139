#pragma once
// eval::TableMetric: a metric looked up in a CSV table keyed by architecture string (the
// published NAS-Bench-201 and HW-NAS-Bench tables). Keys are canonicalised through the search
// space (parse, then to_string), so a table written with another spelling of the same network
// still matches. A table row whose arch does not parse in the space is an error naming the
// CSV line; an arch that is not in the table, or whose cell is empty, fails that trial only.
// Loaded tables are shared within the process (keyed by file, its size and time, columns and
// space), so benchmarks that build many experiments over the same table read it once.
//
//   eval::TableMetric m("accuracy", eval::CostClass::Expensive, "nb201_cifar10.csv", "arch_str",
//                      "test_acc_200ep", *space);
//   m.evaluate(arch, space->to_string(arch));   // 94.37 for NB201 arch_index 6111
//
// A table with one column per training budget (NAS-Bench-201 has accuracies after 12 and after
// 200 epochs) is a multi-fidelity benchmark: columns by epochs, the largest being the full fidelity.
//
//   eval::TableMetric m("accuracy", eval::CostClass::Expensive, "nb201_cifar10.csv", "arch_str",
//                      {{12, "valid_acc_12ep"}, {200, "test_acc_200ep"}}, *space);
//   m.evaluate_at(arch, s, 12);   // valid_acc_12ep; evaluate_at(arch, s, 0) is test_acc_200ep
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>

#include "hwnas/eval/metric.h"

namespace hwnas::eval {

class TableMetric : public Metric {
 public:
  // Throws hwnas::Error naming the file and line (bad arch) or listing the columns (bad name).
  TableMetric(std::string name, CostClass cost, const std::filesystem::path& table, const std::string& key_column,
              const std::string& value_column, const space::SearchSpace& space);
  // Columns by training epochs (each >= 1); an epochs value without a column is an error.
  TableMetric(std::string name, CostClass cost, const std::filesystem::path& table, const std::string& key_column,
              const std::map<int, std::string>& columns_by_epochs, const space::SearchSpace& space);

  std::string source() const override;
  std::string fingerprint() const override;
  double evaluate(const space::Arch& arch, const std::string& arch_str) const override;
  double evaluate_at(const space::Arch& arch, const std::string& arch_str, int epochs) const override;
  bool has_fidelity() const override { return columns_.size() > 1 || columns_.begin()->first > 0; }
  size_t size() const { return full().data->values.size(); }  // archs with a value at full fidelity

  struct Lookup {
    std::unordered_map<std::string, double> values;  // canonical arch string -> value
    std::unordered_map<std::string, size_t> empty;   // archs whose cell is empty -> CSV line
  };

 private:
  struct Column {
    std::string name;
    std::shared_ptr<const Lookup> data;
  };
  const Column& full() const { return columns_.rbegin()->second; }
  double look_up(const Column& column, const std::string& arch_str) const;

  std::string file_name_;  // for messages: the file name, not the full path
  std::string key_column_;
  std::map<int, Column> columns_;  // by epochs; one column with key 0 when the table has no fidelities
};

}  // namespace hwnas::eval
