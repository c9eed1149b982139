#pragma once
// The one resolver of what a user names as a model or a search space, on the command line or in
// an experiment file. Every command and every experiment goes through it, so a reference that
// works in one place works in all of them.
//
//   spaces:  nb201, mbconv, dscnn, ...          built-in spaces
//            my_space.yaml                      a YAML space file
//            mbconv@npu-generic                 a space restricted to a device (target/restrict_space.h)
//   models:  efficientnet-b0, dscnn-mlperf, ... built-in models
//            <space>:<arch>                     an architecture of any space above, e.g.
//                                               nb201:|nor_conv_3x3~0|+|...|, mbconv@npu-generic:<arch>
//            model.json                         a graph file (ir/serialize.h)
//            model.onnx                         an ONNX file with its weights (interop/onnx_import.h),
//                                               or any model file with a reader (runtime/model_files.h)
//            DIR/                               a trained model directory (hwnas train --out DIR):
//                                               its model.json; its weights: model_weights.h
//
//   auto s = target::resolve_space("mbconv@npu-generic");
//   ir::Graph g = target::resolve_model("mbconv@npu-generic:" + s->to_string(s->sample(rng)));
//
// Errors (hwnas::Error) say which forms were tried and why each failed.
#include <memory>
#include <string_view>

#include "hwnas/ir/graph.h"
#include "hwnas/models/registry.h"
#include "hwnas/space/search_space.h"

namespace hwnas::target {

// "<space>@<device>" is that space restricted to the device in its default dtype, with the
// default options: the same name always gives the same space, so experiment files can name it
// and a resumed search rebuilds it.
std::unique_ptr<space::SearchSpace> resolve_space(std::string_view ref);

// A restricted space's architectures decode in the restricted space (hardswish there is
// relu6): "mbconv@npu-generic:<arch>" is what a search of that space reports in best.json.
ir::Graph resolve_model(std::string_view ref, const models::ModelOverrides& overrides = {});

}  // namespace hwnas::target
