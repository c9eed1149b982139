#pragma once
// Helpers shared by the runtime tests: one-operator graphs, seeded inputs, running a graph on
// a backend in one call.
#include <vector>

#include "hwnas/core/rng.h"
#include "hwnas/ir/graph.h"
#include "hwnas/runtime/backend.h"
#include "hwnas/runtime/weights.h"

namespace hwnas::runtime::testing {

// Input of `shape` -> op(attrs) -> output.
inline ir::Graph one_op(ir::OpKind op, const ir::Shape& shape, const ir::Attrs& attrs) {
  ir::Graph g("one_op");
  ir::Attrs in;
  in.shape = shape;
  const int x = g.add(ir::OpKind::Input, {}, in, "x");
  g.set_outputs({g.add(op, {x}, attrs, "op")});
  return g;
}

inline Tensor random_tensor(const ir::Shape& shape, uint64_t seed, float lo = -1.0f, float hi = 1.0f) {
  Rng rng(seed);
  Tensor t(shape);
  for (float& v : t.data) v = lo + (hi - lo) * static_cast<float>(rng.uniform());
  return t;
}

// Seeded random values for every graph input.
inline std::vector<Tensor> random_inputs(const ir::Graph& g, uint64_t seed) {
  std::vector<Tensor> in;
  for (int id : g.inputs()) in.push_back(random_tensor(g.node(id).shape, seed + static_cast<uint64_t>(id)));
  return in;
}

inline std::vector<Tensor> run_on(std::string_view backend, const ir::Graph& g, const Weights& w,
                                  const std::vector<Tensor>& inputs, const BackendOptions& o = {}) {
  auto model = make_backend(backend)->prepare(g, w, o);
  return run(*model, inputs);
}

}  // namespace hwnas::runtime::testing
