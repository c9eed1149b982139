#include "hwnas/diagnose/int8_losses.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "hwnas/core/rng.h"
#include "hwnas/quant/calibration.h"
#include "hwnas/quant/error_analysis.h"
#include "hwnas/quant/quantized_model.h"
#include "hwnas/runtime/fold.h"

namespace hwnas::diagnose {

std::vector<std::vector<runtime::Tensor>> random_inputs(const ir::Graph& g, int n, uint64_t seed) {
  Rng rng(seed);
  std::vector<std::vector<runtime::Tensor>> out(n);
  for (auto& sample : out)
    for (int id : g.inputs()) {
      runtime::Tensor t(g.node(id).shape);
      for (float& v : t.data) v = static_cast<float>(rng.uniform());
      sample.push_back(std::move(t));
    }
  return out;
}

Int8Losses int8_losses(const ir::Graph& g, const runtime::Weights& w,
                       const std::vector<std::vector<runtime::Tensor>>& samples, int top, std::string source) {
  const runtime::InferenceParams params = runtime::inference_params(g, w, /*fold=*/true);
  quant::check_quantizable(g, params);
  const quant::QuantizedModel m = quant::quantize_model(g, params, quant::calibrate(g, params, samples));
  const quant::ErrorReport rep = quant::analyze_errors(m, params, samples);
  Int8Losses l{.output_sqnr_db = rep.output_sqnr_db, .samples = rep.samples, .source = std::move(source)};
  for (int i : rep.ranked) {
    if (static_cast<int>(l.worst.size()) >= top) break;
    const quant::LayerError& e = rep.layers[i];
    l.worst.push_back({e.name, e.op, e.isolated_sqnr_db, e.sqnr_db, e.reason});
  }
  return l;
}

nlohmann::json to_json(const Int8Losses& l) {
  const auto db = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  nlohmann::json worst = nlohmann::json::array();
  for (const Int8Loss& x : l.worst)
    worst.push_back({{"layer", x.layer},
                     {"op", x.op},
                     {"isolated_sqnr_db", db(x.isolated_sqnr_db)},
                     {"sqnr_db", db(x.sqnr_db)},
                     {"reason", x.reason}});
  return {{"output_sqnr_db", db(l.output_sqnr_db)}, {"samples", l.samples}, {"source", l.source}, {"worst", worst}};
}

}  // namespace hwnas::diagnose
