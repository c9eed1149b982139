#pragma once
// The int8 half of a diagnosis: which layers of a model lose most when it is quantized (TFLite's
// int8 scheme, quant/), ranked by the SQNR of each layer alone on exactly quantized inputs
// (quant/error_analysis.h), with the analysis's one-line reason for each.
//
//   const auto samples = diagnose::random_inputs(graph, 8, /*seed=*/0);
//   diagnose::Int8Losses l = diagnose::int8_losses(graph, weights, samples, 5,
//                                                  "8 random inputs U(0, 1), untrained weights");
//   l.worst[0].layer;   // "stage2.block0.dw+relu6"
//   l.output_sqnr_db;   // the first output's, end to end
//
// Calibration (min/max ranges) and the analysis both run on `samples`: give a dataset's examples
// for figures that hold on real data; random inputs show the structural losses only.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "hwnas/ir/graph.h"
#include "hwnas/runtime/tensor.h"
#include "hwnas/runtime/weights.h"

namespace hwnas::diagnose {

struct Int8Loss {
  std::string layer, op;
  double isolated_sqnr_db = 0;  // the layer alone
  double sqnr_db = 0;           // end to end, up to this layer
  std::string reason;
};

struct Int8Losses {
  std::vector<Int8Loss> worst;  // lowest isolated SQNR first
  double output_sqnr_db = 0;
  int samples = 0;
  std::string source;  // what the samples were and whose weights
};

// One sample per element: a tensor per graph input, values U(0, 1) (images in [0, 1], as the
// datasets give them), from `seed`.
std::vector<std::vector<runtime::Tensor>> random_inputs(const ir::Graph& g, int n, uint64_t seed);

// Throws hwnas::Error (quant::check_quantizable's) naming the first operator with no int8 kernel.
Int8Losses int8_losses(const ir::Graph& g, const runtime::Weights& w,
                       const std::vector<std::vector<runtime::Tensor>>& samples, int top, std::string source);

nlohmann::json to_json(const Int8Losses& l);

}  // namespace hwnas::diagnose
