#pragma once
// The zero-cost proxies (proxies.h) of an ir::Graph, with no libtorch in sight: builds the
// graph's train::GraphModule with initial weights from `seed` and scores it. What the interop
// plugin's ProxyApi (interop/plugin.h) hands to the CLI and to eval's proxy metric.
//
//   std::vector<double> v = train::score_graph_proxies(graph, {"synflow", "naswot"}, &batch,
//                                                      /*seed=*/0, /*threads=*/2);
#include <cstdint>
#include <string>
#include <vector>

#include "hwnas/data/dataset.h"
#include "hwnas/ir/graph.h"

namespace hwnas::train {

std::vector<std::string> proxy_names();          // the names of proxy_table(), in order
bool proxy_needs_data(const std::string& name);  // Error listing the names if unknown
// `batch` may be null when no proxy in `names` needs data. Its examples must have the graph's
// input shape (H, W, C) and labels below the graph's output count (Error otherwise).
// `threads` > 0 sets libtorch's intra-op threads (process-wide).
std::vector<double> score_graph_proxies(const ir::Graph& g, const std::vector<std::string>& names,
                                        const data::Batch* batch, uint64_t seed, int threads);

}  // namespace hwnas::train
