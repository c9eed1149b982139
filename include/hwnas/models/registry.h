#pragma once
// The built-in models by name: efficientnet-b0..b7, mobilenetv2-<width> (e.g. mobilenetv2-1.0,
// mobilenetv2-0.35), dscnn-mlperf, dscnn-s|m|l, ssdlite-mobilenetv2.
//
//   ir::Graph g = models::builtin_model("efficientnet-b0");
//   ir::Graph h = models::builtin_model("mobilenetv2-1.0", {.resolution = 160, .classes = 10});
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hwnas/ir/graph.h"

namespace hwnas::models {

struct ModelOverrides {  // 0 = the model's own default
  int resolution = 0;
  int classes = 0;
};

std::vector<std::string> builtin_model_names();
bool is_builtin_model(std::string_view name);
// Throws hwnas::Error listing the known names when `name` is not one of them.
ir::Graph builtin_model(std::string_view name, const ModelOverrides& overrides = {});

}  // namespace hwnas::models
