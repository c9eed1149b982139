#pragma once
// A dataset feeding the int8 tools: examples as calibration / analysis samples, and the
// accuracy of the same examples in fp32 (the reference kernels, BatchNorm folded) and in int8
// (run_int8.h), with how often the two predict the same class.
//
//   auto ds = data::open_dataset("speech-commands:kws");
//   auto idx = quant::spaced_indices(ds->size(data::Split::train), 200);
//   auto samples = quant::dataset_samples(graph, *ds, data::Split::train, idx);   // for calibrate()
//   quant::DatasetComparison c = quant::compare_on_dataset(model, params, *ds, data::Split::test,
//                                                          quant::spaced_indices(ds->size(data::Split::test), 0));
//   c.fp32.top1(); c.int8.top1(); c.agree;
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "hwnas/data/accuracy.h"
#include "hwnas/data/coco.h"
#include "hwnas/data/dataset.h"
#include "hwnas/quant/quantized_model.h"
#include "hwnas/runtime/tensor.h"

namespace hwnas::quant {

// `count` indices evenly spaced over 0..size-1 (i * size / count), or all of them when count
// is 0 or at least size: a subset of a class-sorted split still has every class.
std::vector<int64_t> spaced_indices(int64_t size, int64_t count);

// One sample per index: the example as the graph's single input [1, H, W, C]. Error naming
// the graph and the dataset when the graph does not take one input of the dataset's shape.
std::vector<std::vector<runtime::Tensor>> dataset_samples(const ir::Graph& g, const data::Dataset& ds,
                                                          data::Split split, std::span<const int64_t> indices);

// `count` evenly spaced images (spaced_indices) of a COCO folder's train split, else its validation
// split, each loaded at the graph's input size ([0, 1] RGB, as detectors are trained on them): the
// calibration and analysis samples of a detector. `split` gets the split read. Error naming the
// folder when neither split has images.
std::vector<std::vector<runtime::Tensor>> coco_samples(const ir::Graph& g, const data::Coco& coco, int64_t count,
                                                       data::Split* split = nullptr);

struct DatasetComparison {
  data::Accuracy fp32, int8;
  int64_t agree = 0;  // examples where both predict the same class
};

// Both models' predictions (argmax of the first output) on the examples at `indices`.
// `progress(done, total)` is called every few examples when given.
DatasetComparison compare_on_dataset(const QuantizedModel& m, const runtime::InferenceParams& params,
                                     const data::Dataset& ds, data::Split split, std::span<const int64_t> indices,
                                     const std::function<void(int64_t, int64_t)>& progress = {});

}  // namespace hwnas::quant
