#include "hwnas/models/nb201.h"

#include <charconv>
#include <iterator>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/builder.h"

namespace hwnas::models {
namespace {

constexpr std::array<std::string_view, kNb201NumOps> kOpNames = {"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3",
                                                                 "avg_pool_3x3"};
constexpr int kNodes = 4;  // node 0 is the cell input; nodes 1..3 are computed
constexpr std::string_view kShape = "an NB201 arch reads |op~0|+|op~0|op~1|+|op~0|op~1|op~2|";

[[noreturn]] void parse_error(size_t pos, std::string message) {
  throw Error(fmt::format("nb201 arch position {}", pos), std::move(message));
}

// Index in NB201's edge order of the edge into `to` from `from` (see kNb201Edges).
int edge_index(int to, int from) { return to * (to - 1) / 2 + from; }

// One "op~input" token of node `to`, read as its `from`-th edge; `pos` is its offset in the arch.
Nb201Op parse_edge(std::string_view token, size_t pos, int to, int from) {
  const size_t tilde = token.find('~');
  if (tilde == std::string_view::npos)
    parse_error(pos, fmt::format("edge '{}' has no '~<input node>' ({})", token, kShape));
  const std::string_view op_name = token.substr(0, tilde);
  const auto op = nb201_op_from_name(op_name);
  if (!op) parse_error(pos, fmt::format("unknown op '{}' (expected {})", op_name, fmt::join(kOpNames, ", ")));
  const std::string_view input = token.substr(tilde + 1);
  int index = -1;
  const auto [end, ec] = std::from_chars(input.data(), input.data() + input.size(), index);
  if (ec != std::errc() || end != input.data() + input.size() || index != from)
    parse_error(pos + tilde + 1, fmt::format("wrong input '~{}': edge {} of node {} must read node {} "
                                             "(node {}'s edges list nodes 0..{} in order)",
                                             input, from + 1, to, from, to, to - 1));
  return *op;
}

// ReLU-Conv-BN, NB201's ReLUConvBN: padding k/2, no conv bias.
int relu_conv_bn(ir::GraphBuilder& b, int x, int channels, int kernel, int stride) {
  return b.batch_norm(b.conv(b.relu(x), channels, kernel, stride));
}

// NB201's InferCell: node_j = sum over i<j of op_{j<-i}(node_i).
int cell(ir::GraphBuilder& b, int input, const Nb201Cell& ops) {
  const int channels = b.channels(input);
  std::array<int, kNodes> nodes{input, -1, -1, -1};
  std::vector<int> terms;
  for (int to = 1; to < kNodes; ++to) {
    terms.clear();
    for (int from = 0; from < to; ++from) {
      const int x = nodes[from];
      auto scope = b.scope(fmt::format("edge_{}_{}", to, from));
      switch (ops[edge_index(to, from)]) {
        case Nb201Op::None:
          break;  // NB201's Zero: adds nothing to the sum
        case Nb201Op::SkipConnect:
          terms.push_back(x);
          break;
        case Nb201Op::Conv1x1:
          terms.push_back(relu_conv_bn(b, x, channels, 1, 1));
          break;
        case Nb201Op::Conv3x3:
          terms.push_back(relu_conv_bn(b, x, channels, 3, 1));
          break;
        case Nb201Op::AvgPool3x3:
          terms.push_back(b.avg_pool(x, 3, 1, 1, /*count_include_pad=*/false, "pool"));
          break;
      }
    }
    const std::string name = fmt::format("node{}", to);
    if (terms.empty()) {
      nodes[to] = b.zero(input, name);  // every edge is none: the node is all zeros
    } else if (terms.size() == 1) {
      nodes[to] = terms[0];
    } else {
      nodes[to] = b.add(terms, name);
    }
  }
  return nodes[kNodes - 1];
}

// NB201's ResNetBasicblock with stride 2: ReLU-Conv3x3/2-BN, ReLU-Conv3x3-BN, plus a shortcut of
// AvgPool 2x2/2 then a plain 1x1 conv (no BN).
int reduction(ir::GraphBuilder& b, int x, int channels) {
  int y;
  {
    auto scope = b.scope("conv_a");
    y = relu_conv_bn(b, x, channels, 3, 2);
  }
  {
    auto scope = b.scope("conv_b");
    y = relu_conv_bn(b, y, channels, 3, 1);
  }
  int shortcut;
  {
    auto scope = b.scope("shortcut");
    shortcut = b.conv(b.avg_pool(x, 2, 2, 0, false, "pool"), channels, 1, 1);
  }
  return b.add({y, shortcut}, "add");
}

void check_options(const Nb201Options& o) {
  const auto positive = [](int v, const char* field) {
    if (v <= 0) fail(fmt::format("nb201 options: {}", field), "must be positive, got {}", v);
  };
  positive(o.classes, "classes");
  positive(o.channels, "channels");
  if (o.cells_per_stage < 0) fail("nb201 options: cells_per_stage", "must not be negative, got {}", o.cells_per_stage);
  if (o.resolution <= 0 || o.resolution % 4 != 0)
    fail("nb201 options: resolution", "must be a positive multiple of 4 (the network halves it twice), got {}",
         o.resolution);
}

}  // namespace

std::string_view nb201_op_name(Nb201Op op) {
  const auto index = static_cast<size_t>(op);
  if (index >= kOpNames.size()) fail("nb201 op", "invalid op value {} (expected 0..{})", index, kOpNames.size() - 1);
  return kOpNames[index];
}

std::optional<Nb201Op> nb201_op_from_name(std::string_view name) {
  for (int i = 0; i < kNb201NumOps; ++i)
    if (kOpNames[i] == name) return static_cast<Nb201Op>(i);
  return std::nullopt;
}

Nb201Cell parse_nb201(std::string_view arch) {
  Nb201Cell cell{};
  const size_t n = arch.size();
  size_t pos = 0;
  int to = 1;  // the node whose edges are being read
  for (;; ++to) {
    if (to == kNodes) parse_error(pos, fmt::format("a 4th node after '+'; NB201 cells have 3 ({})", kShape));
    if (pos >= n || arch[pos] != '|')
      parse_error(pos, pos >= n ? fmt::format("the string ends where node {} should start with '|' ({})", to, kShape)
                                : fmt::format("expected '|', got '{}' ({})", arch[pos], kShape));
    ++pos;
    int from = 0;
    for (;; ++from) {
      const size_t start = pos;
      while (pos < n && arch[pos] != '|' && arch[pos] != '+') ++pos;
      const std::string_view token = arch.substr(start, pos - start);
      if (token.empty()) parse_error(start, fmt::format("expected an edge 'op~input' here ({})", kShape));
      if (from == to)
        parse_error(start, fmt::format("node {} has more than {} edge(s), one from each earlier node; "
                                       "is a '+' missing before '{}'? ({})",
                                       to, to, token, kShape));
      cell[edge_index(to, from)] = parse_edge(token, start, to, from);
      if (pos >= n || arch[pos] != '|') parse_error(pos, fmt::format("missing '|' after '{}' ({})", token, kShape));
      ++pos;
      if (pos >= n || arch[pos] == '+') break;
    }
    if (from + 1 < to)
      parse_error(pos, fmt::format("node {} has {} edge(s) but needs {}, one from each earlier node ({})", to, from + 1,
                                   to, kShape));
    if (pos >= n) break;
    ++pos;  // past '+'
  }
  if (to + 1 < kNodes)
    parse_error(pos, fmt::format("the string ends after node {}; NB201 cells have 3 nodes ({})", to, kShape));
  return cell;
}

std::string nb201_string(const Nb201Cell& cell) {
  std::string s;
  for (int to = 1; to < kNodes; ++to) {
    if (to > 1) s += '+';
    s += '|';
    for (int from = 0; from < to; ++from)
      fmt::format_to(std::back_inserter(s), "{}~{}|", nb201_op_name(cell[edge_index(to, from)]), from);
  }
  return s;
}

ir::Graph nb201(const Nb201Cell& ops, const Nb201Options& o) {
  check_options(o);
  ir::GraphBuilder b("nb201:" + nb201_string(ops));  // as space::load_model names it
  int x = b.input({1, o.resolution, o.resolution, 3});
  {
    auto scope = b.scope("stem");
    x = b.batch_norm(b.conv(x, o.channels, 3));
  }
  int index = 0;
  for (int stage = 0; stage < 3; ++stage) {
    if (stage > 0) {
      auto scope = b.scope(fmt::format("reduce{}", stage));
      x = reduction(b, x, o.channels << stage);
    }
    for (int k = 0; k < o.cells_per_stage; ++k, ++index) {
      auto scope = b.scope(fmt::format("cells.{}", index));
      x = cell(b, x, ops);
    }
  }
  {
    auto scope = b.scope("lastact");
    x = b.relu(b.batch_norm(x));
  }
  x = b.fc(b.global_avg_pool(x, "global_pool"), o.classes, /*bias=*/true, "classifier");
  return b.finish({x});
}

}  // namespace hwnas::models
