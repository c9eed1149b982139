#pragma once
// train::Int8Simulation: GraphModule's forward pass as quant::run_int8 computes it, in float with
// fake quantization, for quantization-aware training (train/qat.h). What it simulates is exactly
// what quant/ will deploy (docs/quant.md):
//   - BatchNorm: a batch_norm that quant folds is folded here too, with its running statistics
//     frozen (the module's buffers, never updated): kernel * gamma / sqrt(var + eps) and
//     (bias - mean) * gamma / sqrt(var + eps) + beta, recomputed each forward so that gamma and beta
//     train through the fold. One that quant runs as a 1x1 depthwise runs so here.
//   - weights: per output channel symmetric int8, [-127, 127], the scale max|w|/127 of the current
//     (folded) weights, as runtime::quantize_weights chooses it (one scale per FC with
//     per_channel_fc off); biases rounded to input scale * weight scale (quant's int32 bias).
//   - activations: every tensor quant stores (the graph input and each node that is not an alias)
//     fake-quantized per tensor with the plan's scale and zero point, [-128, 127]; a fused
//     relu/relu6 is its layer's output clamp, and the aliases' values are already on that grid.
// Gradients are straight-through (torch::fake_quantize_*: identity inside the range, zero for
// clipped values); the weight scales are not differentiated.
//
// Not bit-exact: torch rounds ties to even and multiplies by 1/scale where quant rounds ties away
// from zero and requantizes in fixed point, so an output may differ by one quantization step.
//
//   quant::QuantizedModel plan = quant::quantize_model(g, runtime::inference_params(g, w, true), ranges);
//   train::GraphModule m(g, w);
//   train::Int8Simulation sim(m, plan);
//   m.set_hook(&sim);
//   torch::Tensor logits = m.forward(x);   // what run_int8 gives, dequantized, within a step
//
// This header includes libtorch: include it only from src/train/ and tests.
#include <vector>

#include "hwnas/quant/quantized_model.h"
#include "hwnas/train/graph_module.h"

namespace hwnas::train {

class Int8Simulation : public ForwardHook {
 public:
  // `plan`: quant::quantize_model of the module's graph on the QAT ranges; its activation
  // parameters are used as they are (frozen), its folds, fusions and FC scheme decide the rest.
  // Error when the plan is of another graph.
  Int8Simulation(const GraphModule& m, const quant::QuantizedModel& plan);

  void begin() override;
  Layer layer(int node) override;
  torch::Tensor output(int node, const torch::Tensor& y) override;

 private:
  const GraphModule& m_;
  const quant::QuantizedModel& plan_;
  std::vector<int> folded_bn_;  // per layer: the batch_norm folded into it, or -1
  std::vector<Layer> layers_;   // this forward's fake-quantized weights, per node
};

}  // namespace hwnas::train
