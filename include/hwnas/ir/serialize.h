#pragma once
// Graph <-> JSON, exact round trip. The format (documented in docs/graph-format.md):
//   {"format": "hwnas.graph", "version": 1, "name": "...",
//    "nodes": [{"name": "input", "op": "input", "shape": [1,224,224,3]},
//              {"name": "stem.conv", "op": "conv2d", "inputs": ["input"], "kernel": [3,3],
//               "stride": [2,2], "padding": "explicit", "pads": [1,1,1,1], "out_channels": 32,
//               "shape": [1,112,112,32]}, ...],
//    "outputs": ["logits"]}
// Nodes name their inputs; only the attributes an operator uses are written; "shape" on a
// non-input node is the inferred output shape, written for readers and checked on load.
// Errors name the source, the node and the key:
//   model.json: nodes[3] 'stem.conv': key 'kernal' is not an attribute of conv2d (expected one of ...)
#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hwnas/ir/graph.h"

namespace hwnas::ir {

nlohmann::json to_json(const Graph& g);
// `source` names where the JSON came from, for error messages (a file name).
Graph graph_from_json(const nlohmann::json& j, std::string_view source = "graph");

void save_graph(const Graph& g, const std::filesystem::path& path);  // atomic (temp + rename)
Graph load_graph(const std::filesystem::path& path);

}  // namespace hwnas::ir
