#include "labels.h"

#include <cmath>

#include <fmt/format.h>

namespace hwnas::space {

std::string number_label(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::vector<std::string> number_labels(const std::vector<int>& values) {
  std::vector<std::string> out;
  for (int v : values) out.push_back(std::to_string(v));
  return out;
}

std::vector<std::string> number_labels(const std::vector<double>& values) {
  std::vector<std::string> out;
  for (double v : values) out.push_back(number_label(v));
  return out;
}

}  // namespace hwnas::space
