#include "hwnas/train/qat.h"

#include "hwnas/core/error.h"
#include "hwnas/train/fake_quant.h"
#include "hwnas/train/training_loop.h"

namespace hwnas::train {

QatResult fine_tune_quantized(const ir::Graph& g, const runtime::Weights& w, const data::Dataset& ds,
                              const std::vector<std::pair<float, float>>& ranges, const QatOptions& o,
                              const ProgressFn& progress) {
  const quant::QuantizeOptions qo{.per_channel_fc = o.per_channel_fc};
  // The plan of the starting weights: the folds, fusions and activation parameters the simulation
  // keeps (only the weight scales follow the weights as they train).
  const quant::QuantizedModel plan =
      quant::quantize_model(g, runtime::inference_params(g, w, /*fold=*/true), ranges, qo);
  QatResult r;
  r.fine_tune = run_training(g, ds, o.train, progress, nullptr,
                             {.start = &w, .hook = [&](const GraphModule& m) -> std::unique_ptr<ForwardHook> {
                                return std::make_unique<Int8Simulation>(m, plan);
                              }});
  r.model = quant::quantize_model(g, runtime::inference_params(g, r.fine_tune.weights, /*fold=*/true), ranges, qo);
  return r;
}

}  // namespace hwnas::train
