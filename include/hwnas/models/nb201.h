#pragma once
// NAS-Bench-201 networks (Dong & Yang, ICLR 2020), exactly NB201's skeleton: 3x3 stem conv
// (16 channels) + BN; 3 stages of 5 cells at 16/32/64 channels joined by residual reduction
// blocks; BN-ReLU, global average pool, FC. A cell is a 4-node DAG whose 6 edges each carry
// one op: none, skip_connect, nor_conv_1x1, nor_conv_3x3 (ReLU-Conv-BN), avg_pool_3x3.
//
//   auto cell = models::parse_nb201("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|"
//                                   "skip_connect~0|nor_conv_3x3~1|skip_connect~2|");
//   ir::Graph g = models::nb201(cell);
//   ir::compute_stats(g).macs + 10;   // == NB201's "FLOPs" (it also counts the 10 FC biases)
//
// Node names: stem.{conv,bn}; cells.<0..14>.edge_<to>_<from>.{relu,conv,bn} or .pool;
// cells.<i>.node<j> (the add of node j's edges, or a zero op when all of them are none; a node
// with one non-none edge is that edge's output); reduce<1,2>.{conv_a,conv_b,shortcut}.*, .add;
// lastact.{bn,relu}; global_pool; classifier. Every edge's ops stay in the graph even when a
// later all-none node leaves them unused, as NB201 builds (and counts) them.
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "hwnas/ir/graph.h"

namespace hwnas::models {

enum class Nb201Op : uint8_t { None, SkipConnect, Conv1x1, Conv3x3, AvgPool3x3 };
inline constexpr int kNb201NumOps = 5;

std::string_view nb201_op_name(Nb201Op op);                        // "none", "skip_connect", "nor_conv_1x1", ...
std::optional<Nb201Op> nb201_op_from_name(std::string_view name);  // inverse of nb201_op_name

// Edge order is NB201's: (1<-0), (2<-0), (2<-1), (3<-0), (3<-1), (3<-2).
using Nb201Cell = std::array<Nb201Op, 6>;
struct Nb201Edge {
  int to, from;  // cell nodes: 0 is the cell input, 3 the cell output
};
inline constexpr std::array<Nb201Edge, 6> kNb201Edges{{{1, 0}, {2, 0}, {2, 1}, {3, 0}, {3, 1}, {3, 2}}};

// Parses NB201's arch string; errors (hwnas::Error) have where = "nb201 arch position <p>",
// p the 0-based character offset of the bad token, and say what was expected there.
Nb201Cell parse_nb201(std::string_view arch);
std::string nb201_string(const Nb201Cell& cell);  // canonical NB201 string

struct Nb201Options {
  int classes = 10;
  int resolution = 32;
  int channels = 16;  // stem / first stage width
  int cells_per_stage = 5;
};

ir::Graph nb201(const Nb201Cell& cell, const Nb201Options& o = {});

}  // namespace hwnas::models
