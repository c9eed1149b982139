#include "hwnas/space/nb201_space.h"

#include <fmt/format.h>

#include "hwnas/core/error.h"

namespace hwnas::space {
namespace {

std::vector<Decision> nb201_decisions() {
  std::vector<std::string> ops;
  for (int k = 0; k < models::kNb201NumOps; ++k)
    ops.emplace_back(models::nb201_op_name(static_cast<models::Nb201Op>(k)));
  std::vector<Decision> d;
  for (int i = 1; i <= 3; ++i)  // NB201's edge order: node i from nodes 0..i-1
    for (int j = 0; j < i; ++j) d.push_back({fmt::format("edge_{}_{}", i, j), ops});
  return d;
}

// Start of the op name of each of the six "op~j" tokens of a well-formed NB201 string.
std::array<size_t, 6> op_positions(std::string_view s) {
  std::array<size_t, 6> pos{};
  size_t k = 0, start = 0;
  while (k < pos.size() && start < s.size()) {
    size_t end = s.find('|', start);
    if (end == std::string_view::npos) end = s.size();
    const std::string_view token = s.substr(start, end - start);
    if (!token.empty() && token != "+") pos[k++] = start;
    start = end + 1;
  }
  return pos;
}

}  // namespace

Nb201Space::Nb201Space(models::Nb201Options o) : SearchSpace("nb201", nb201_decisions()), o_(o) {}

models::Nb201Cell Nb201Space::cell(const Arch& a) const {
  check(a);
  models::Nb201Cell c{};
  for (int e = 0; e < 6; ++e) {
    // Labels are NB201 op names; a restricted decision keeps the names, not the indices.
    const std::string& op = label(a, e);
    int k = 0;
    while (models::nb201_op_name(static_cast<models::Nb201Op>(k)) != op) ++k;
    c[e] = static_cast<models::Nb201Op>(k);
  }
  return c;
}

std::string Nb201Space::to_string(const Arch& a) const { return models::nb201_string(cell(a)); }

Arch Nb201Space::parse(std::string_view s) const {
  const models::Nb201Cell c = models::parse_nb201(s);
  const std::array<size_t, 6> pos = op_positions(s);
  Arch a{std::vector<int>(6)};
  for (int e = 0; e < 6; ++e) a.choice[e] = choice_at(e, models::nb201_op_name(c[e]), pos[e]);
  return a;
}

ir::Graph Nb201Space::decode(const Arch& a) const { return models::nb201(cell(a), o_); }

}  // namespace hwnas::space
