#include "hwnas/quant/dataset_eval.h"

#include <algorithm>

#include "hwnas/core/error.h"
#include "hwnas/quant/calibration.h"
#include "hwnas/quant/run_int8.h"

namespace hwnas::quant {
namespace {

constexpr int64_t kReadBatch = 64;  // examples read from the dataset at a time

void check_fits(const ir::Graph& g, const data::Dataset& ds) {
  const auto in = g.inputs();
  const auto [h, w, c] = ds.input_shape();
  const ir::Shape want{1, h, w, c};
  if (in.size() != 1 || g.node(in[0]).shape != want)
    fail(g.name(), "the model takes {} input(s) ({}), dataset {} gives one {} example at a time", in.size(),
         in.empty() ? "none" : g.node(in[0]).shape.str(), ds.reference(), want.str());
  if (g.outputs().empty() || g.node(g.outputs()[0]).shape.numel() != ds.num_classes())
    fail(g.name(), "the model's output has {} values, dataset {} has {} classes",
         g.outputs().empty() ? 0 : g.node(g.outputs()[0]).shape.numel(), ds.reference(), ds.num_classes());
}

}  // namespace

std::vector<int64_t> spaced_indices(int64_t size, int64_t count) {
  if (count <= 0 || count >= size) count = size;
  std::vector<int64_t> idx(static_cast<size_t>(std::max<int64_t>(count, 0)));
  for (int64_t i = 0; i < count; ++i) idx[i] = i * size / count;
  return idx;
}

std::vector<std::vector<runtime::Tensor>> dataset_samples(const ir::Graph& g, const data::Dataset& ds,
                                                          data::Split split, std::span<const int64_t> indices) {
  check_fits(g, ds);
  const ir::Shape shape = g.node(g.inputs()[0]).shape;
  std::vector<std::vector<runtime::Tensor>> samples;
  for (size_t start = 0; start < indices.size(); start += kReadBatch) {
    const auto part = indices.subspan(start, std::min<size_t>(kReadBatch, indices.size() - start));
    const data::Batch b = ds.batch(split, part);
    const int64_t per = ds.example_floats();
    for (size_t i = 0; i < part.size(); ++i)
      samples.push_back({runtime::Tensor(shape, std::vector<float>(b.x.begin() + static_cast<int64_t>(i) * per,
                                                                   b.x.begin() + static_cast<int64_t>(i + 1) * per))});
  }
  return samples;
}

std::vector<std::vector<runtime::Tensor>> coco_samples(const ir::Graph& g, const data::Coco& coco, int64_t count,
                                                       data::Split* split) {
  const data::Split from = coco.split(data::Split::train).images.empty() ? data::Split::validation : data::Split::train;
  const auto& images = coco.split(from).images;
  if (images.empty()) fail("coco:" + coco.path, "has no train or validation images to calibrate the int8 ranges on");
  if (split) *split = from;
  const ir::Shape& in = g.node(g.inputs().at(0)).shape;
  std::vector<std::vector<runtime::Tensor>> samples;
  for (int64_t i : spaced_indices(static_cast<int64_t>(images.size()), count)) {
    data::CocoExample ex =
        data::load_coco_example(images[static_cast<size_t>(i)], static_cast<int>(in.h()), static_cast<int>(in.w()));
    runtime::Tensor t(in);
    std::copy(ex.x.begin(), ex.x.end(), t.data.begin());
    samples.push_back({std::move(t)});
  }
  return samples;
}

DatasetComparison compare_on_dataset(const QuantizedModel& m, const runtime::InferenceParams& params,
                                     const data::Dataset& ds, data::Split split, std::span<const int64_t> indices,
                                     const std::function<void(int64_t, int64_t)>& progress) {
  const ir::Graph& g = m.graph;
  check_fits(g, ds);
  DatasetComparison c{data::Accuracy(ds.class_names()), data::Accuracy(ds.class_names())};
  const int out = g.outputs()[0];
  int64_t done = 0;
  for (size_t start = 0; start < indices.size(); start += kReadBatch) {
    const auto part = indices.subspan(start, std::min<size_t>(kReadBatch, indices.size() - start));
    const auto samples = dataset_samples(g, ds, split, part);
    for (size_t i = 0; i < part.size(); ++i) {
      const int label = ds.label(split, part[i]);
      const auto fp = fp32_activations(g, params, samples[i]);
      const int p32 = data::argmax(fp[out]);
      // The scale is positive, so the largest int8 code is the largest dequantized value.
      const auto q = run_int8(m, quantize_inputs(m, samples[i]));
      const std::vector<float> scores(q[out].begin(), q[out].end());
      const int p8 = data::argmax(scores);
      c.fp32.add(label, p32);
      c.int8.add(label, p8);
      c.agree += p32 == p8;
    }
    done += static_cast<int64_t>(part.size());
    if (progress) progress(done, static_cast<int64_t>(indices.size()));
  }
  return c;
}

}  // namespace hwnas::quant
