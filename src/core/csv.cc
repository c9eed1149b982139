#include "hwnas/core/csv.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"

namespace hwnas::core {

CsvTable parse_csv(std::string_view text, std::string source) {
  CsvTable t;
  t.source = std::move(source);
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, field_started = false;
  size_t line = 1, quote_line = 0;
  const auto end_record = [&] {
    record.push_back(std::move(field));
    field.clear();
    field_started = false;
    if (!(record.size() == 1 && record[0].empty())) records.push_back(std::move(record));  // skip blank lines
    record.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
    } else if (c == '"' && !field_started) {
      quoted = field_started = true;
      quote_line = line;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      field_started = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_record();
      ++line;
    } else {
      field.push_back(c);
      field_started = true;
    }
  }
  if (quoted) fail(fmt::format("{}:{}", t.source, quote_line), "a quoted field is never closed");
  if (field_started || !record.empty()) end_record();
  if (records.empty()) fail(t.source, "the file is empty; expected a header line with column names");
  t.header = std::move(records[0]);
  for (size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() != t.header.size())
      fail(fmt::format("{}:{}", t.source, r + 1), "has {} fields but the header has {}", records[r].size(),
           t.header.size());
    t.rows.push_back(std::move(records[r]));
  }
  return t;
}

CsvTable read_csv(const std::filesystem::path& path) { return parse_csv(read_file(path), path.string()); }

std::optional<int> CsvTable::find_column(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return std::nullopt;
}

int CsvTable::column(std::string_view name) const {
  if (auto c = find_column(name)) return *c;
  fail(source, "no column '{}' (columns: {})", name, fmt::join(header, ", "));
}

std::optional<double> CsvTable::number_or_empty(size_t row, int col) const {
  const std::string& s = rows.at(row).at(col);
  if (s.empty()) return std::nullopt;
  double v = 0;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || ptr != end)
    fail(fmt::format("{}:{}", source, line_of(row)), "column '{}': '{}' is not a number", header[col], s);
  return v;
}

double CsvTable::number(size_t row, int col) const {
  auto v = number_or_empty(row, col);
  if (!v) fail(fmt::format("{}:{}", source, line_of(row)), "column '{}' is empty", header[col]);
  return *v;
}

std::string csv_escape(std::string_view f) {
  if (f.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(f);
  std::string out = "\"";
  for (char c : f) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) line += (i ? "," : "") + csv_escape(fields[i]);
  return line + "\n";
}

std::string format_number(double v) {
  if (std::isnan(v)) return "";
  char buf[32];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, ptr);
}

}  // namespace hwnas::core
