#pragma once
// Resolves what a user names as a model on the command line or in a config:
//   a built-in model            efficientnet-b0, mobilenetv2-1.0, dscnn-mlperf, ...
//   an architecture of a space  nb201:|nor_conv_3x3~0|+|...|   mbconv:<arch string>
//   a graph JSON file           path/to/model.json
//
//   ir::Graph g = space::load_model("nb201:|skip_connect~0|+|...|");
//
// target::resolve_model (target/resolver.h) also takes the spaces restricted to a device,
// "mbconv@npu-generic:<arch>": the space module cannot know devices, so it takes a maker.
#include <functional>
#include <memory>
#include <string_view>

#include "hwnas/ir/graph.h"
#include "hwnas/models/registry.h"
#include "hwnas/space/search_space.h"

namespace hwnas::space {

// Makes the space named before the ':' of "<space>:<arch>", or returns null for a name it does
// not handle (built-in spaces and YAML files are then tried).
using SpaceMaker = std::function<std::unique_ptr<SearchSpace>(std::string_view name, const models::ModelOverrides&)>;

// Throws hwnas::Error saying which of the three forms was tried and why it failed.
ir::Graph load_model(std::string_view ref, const models::ModelOverrides& overrides = {}, const SpaceMaker& maker = {});

// Whether `ref` is a model whose classes and input are fixed by a file: a graph JSON, or an
// architecture of a YAML space (restricted to a device or not). load_model refuses overrides for
// those, so a command that fits a model to a dataset's classes gives none.
bool has_fixed_shapes(std::string_view ref);

}  // namespace hwnas::space
