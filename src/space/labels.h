#pragma once
// Choice labels for numeric decisions, shared by the built-in spaces: integers as "224",
// other numbers in their shortest form with at least one decimal ("1.0", "1.2", "0.75"),
// which is how width multipliers are written in papers.
#include <string>
#include <vector>

namespace hwnas::space {

std::string number_label(double v);
std::vector<std::string> number_labels(const std::vector<int>& values);
std::vector<std::string> number_labels(const std::vector<double>& values);

}  // namespace hwnas::space
