#include "table.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "hwnas/core/error.h"

namespace hwnas::cli {

void TextTable::add_row(std::vector<std::string> cells) {
  if (cells.size() != columns_.size())
    fail("TextTable::add_row", "got {} cells for {} columns", cells.size(), columns_.size());
  rows_.push_back(std::move(cells));
}

std::string TextTable::str() const {
  std::vector<size_t> width(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) {
    width[c] = columns_[c].title.size();
    for (const auto& row : rows_) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  const auto line = [&](auto cell) {
    std::string text;
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (c > 0) text += "  ";
      const std::string s = cell(c);
      const std::string fill(width[c] - s.size(), ' ');
      text += columns_[c].align == Align::Left ? s + fill : fill + s;
    }
    text.erase(text.find_last_not_of(' ') + 1);
    out += text + "\n";
  };
  line([&](size_t c) { return columns_[c].title; });
  line([&](size_t c) { return std::string(width[c], '-'); });
  for (const auto& row : rows_) line([&](size_t c) { return row[c]; });
  return out;
}

std::string group_digits(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -static_cast<uint64_t>(v) : static_cast<uint64_t>(v));
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  return v < 0 ? "-" + digits : digits;
}

std::string kib(int64_t bytes) {
  const int64_t tenths = (bytes * 10 + 512) / 1024;  // rounded to 0.1 KiB
  return fmt::format("{}.{} KiB", group_digits(tenths / 10), tenths % 10);
}

std::string si(double v) {
  static constexpr std::pair<double, const char*> kUnits[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
  for (const auto& [scale, unit] : kUnits)
    if (std::abs(v) >= scale) {
      const double x = v / scale;
      return fmt::format("{:.{}f} {}", x, std::abs(x) < 10 ? 2 : 1, unit);
    }
  return fmt::format("{:g}", v);
}

std::string big_count(double v) {
  if (std::abs(v) < 9007199254740992.0 && v == std::floor(v)) return group_digits(static_cast<int64_t>(v));
  return fmt::format("{:.3g}", v);
}

}  // namespace hwnas::cli
