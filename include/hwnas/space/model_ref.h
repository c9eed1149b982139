#pragma once
// Resolves what a user names as a model on the command line or in a config:
//   a built-in model            efficientnet-b0, mobilenetv2-1.0, dscnn-mlperf, ...
//   an architecture of a space  nb201:|nor_conv_3x3~0|+|...|   mbconv:<arch string>
//   a graph JSON file           path/to/model.json
//
//   ir::Graph g = space::load_model("nb201:|skip_connect~0|+|...|");
#include <string_view>

#include "hwnas/ir/graph.h"
#include "hwnas/models/registry.h"

namespace hwnas::space {

// Throws hwnas::Error saying which of the three forms was tried and why it failed.
ir::Graph load_model(std::string_view ref, const models::ModelOverrides& overrides = {});

}  // namespace hwnas::space
