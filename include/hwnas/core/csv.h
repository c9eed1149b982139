#pragma once
// A CSV table read whole (RFC 4180: quoted fields, "" escapes, CRLF), with errors that name
// the file, the line and the column, and a writer that quotes only what needs it, so that
// pandas.read_csv() loads the output as it is.
//
//   core::CsvTable t = core::read_csv("nb201_cifar10.csv");
//   int key = t.column("arch_str");                    // throws naming the file and the columns
//   double acc = t.number(row, t.column("test_acc_200ep"));
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hwnas::core {

struct CsvTable {
  std::string source;  // file name, for errors
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  int column(std::string_view name) const;  // throws listing the available columns
  std::optional<int> find_column(std::string_view name) const;
  // Parses a cell as a number; throws naming file, line and column. Empty cells -> nullopt.
  std::optional<double> number_or_empty(size_t row, int col) const;
  double number(size_t row, int col) const;             // throws on empty cells too
  size_t line_of(size_t row) const { return row + 2; }  // 1-based file line (header is line 1)
};

CsvTable read_csv(const std::filesystem::path& path);
CsvTable parse_csv(std::string_view text, std::string source);

std::string csv_escape(std::string_view field);
std::string csv_line(const std::vector<std::string>& fields);  // with trailing '\n'
std::string format_number(double v);                           // shortest form that round-trips ("0.1", "12", "1e-07")

}  // namespace hwnas::core
