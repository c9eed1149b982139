#pragma once
// Aligned plain-text tables and number formatting for the CLI's human-readable output.
// Machine-readable output is JSON (--json), never a parsed table.
//
//   hwnas::cli::TextTable t({{"layer", Align::Left}, {"MACs", Align::Right}});
//   t.add_row({"stem.conv", group_digits(10838016)});
//   fmt::print("{}", t.str());
//   // layer             MACs
//   // ---------  ----------
//   // stem.conv  10,838,016
#include <cstdint>
#include <string>
#include <vector>

namespace hwnas::cli {

enum class Align { Left, Right };

class TextTable {
 public:
  struct Column {
    std::string title;
    Align align = Align::Left;
  };
  explicit TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}

  // Throws hwnas::Error if the row does not have one cell per column.
  void add_row(std::vector<std::string> cells);
  // Header, a rule, then the rows; columns two spaces apart; no trailing spaces.
  std::string str() const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

std::string group_digits(int64_t v);  // 5288548 -> "5,288,548"
std::string kib(int64_t bytes);       // 3202150 -> "3,127.1 KiB" (1 KiB = 1024 bytes; bytes >= 0)
std::string si(double v);             // 385102000 -> "385.1 M"; 3.9e9 -> "3.90 G"
// A count that may exceed 2^53 (search-space sizes): exact with digit groups while it is
// exactly representable, otherwise "1.2e+19".
std::string big_count(double v);

}  // namespace hwnas::cli
