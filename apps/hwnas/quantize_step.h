#pragma once
// The quantization step of `hwnas quantize`, `hwnas deploy` and `hwnas search`'s deploy: section:
// calibrate a float model's ranges on a dataset, quantize it as TFLite's int8 spec does, and
// measure top-1 of both on the evaluated split.
//
//   cli::Quantized q = cli::quantize_on_dataset(g, params, *ds, data::Split::test, {.calibration_samples = 200});
//   q.model;  q.cmp.fp32.top1();  q.cmp.int8.top1();  q.int8_source;
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "hwnas/data/dataset.h"
#include "hwnas/quant/dataset_eval.h"
#include "hwnas/quant/quantized_model.h"
#include "hwnas/runtime/fold.h"

namespace hwnas::cli {

struct QuantizeSettings {
  int64_t calibration_samples = 200;  // evenly spaced over the calibration split
  std::string policy = "minmax";      // minmax, moving_average or percentile
  double percentile = 99.99;
  bool per_tensor_fc = false;
  int64_t max_examples = 0;  // of the evaluated split (0: all)
};

struct Quantized {
  quant::QuantizedModel model;
  std::vector<std::pair<float, float>> ranges;  // the calibrated range of every node (QAT keeps them)
  quant::DatasetComparison cmp;  // fp32 and int8 top-1 on the evaluated split
  data::Split calibration_split = data::Split::train;
  size_t calibration_examples = 0;
  std::string calibration_source, fp32_source, int8_source;  // where each figure comes from
  double agreement() const;  // percent of examples where fp32 and int8 predict the same class
};

// The split calibration reads: train, else validation, else the evaluated one (said so in the source).
data::Split calibration_split(const data::Dataset& ds, data::Split evaluated);

// Checks the graph is quantizable first; a progress bar on stderr when it is a terminal (or the
// evaluation is long).
Quantized quantize_on_dataset(const ir::Graph& g, const runtime::InferenceParams& params, const data::Dataset& ds,
                              data::Split split, const QuantizeSettings& settings);

}  // namespace hwnas::cli
