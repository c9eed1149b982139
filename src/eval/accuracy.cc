#include "hwnas/eval/accuracy.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/runtime/backend.h"

namespace hwnas::eval {
namespace {

std::string with_commas(int64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

}  // namespace

std::vector<int64_t> eval_indices(int64_t size, int64_t max_examples) {
  const int64_t n = max_examples > 0 ? std::min(size, max_examples) : size;
  std::vector<int64_t> idx(static_cast<size_t>(n));
  // i * size / n is strictly increasing when n <= size, so the indices are distinct.
  for (int64_t i = 0; i < n; ++i) idx[static_cast<size_t>(i)] = n == size ? i : i * size / n;
  return idx;
}

data::Accuracy evaluate_accuracy(const ir::Graph& g, const runtime::Weights& w, const data::Dataset& ds,
                                 const AccuracyOptions& o) {
  const std::string model = fmt::format("model '{}'", g.name());
  const std::string dataset = fmt::format("dataset {}", ds.reference());
  if (g.inputs().size() != 1 || g.outputs().size() != 1)
    fail(model, "has {} inputs and {} outputs; accuracy needs one of each", g.inputs().size(), g.outputs().size());
  const ir::Shape& in = g.node(g.inputs()[0]).shape;
  const auto hwc = ds.input_shape();
  if (in.rank() != 4 || in[1] != hwc[0] || in[2] != hwc[1] || in[3] != hwc[2])
    fail(model, "takes input {} but {} gives examples of {}x{}x{} (HxWxC); pick a model made for this data", in.str(),
         dataset, hwc[0], hwc[1], hwc[2]);
  const int64_t batch = in[0];
  const ir::Shape& out = g.node(g.outputs()[0]).shape;
  const int64_t classes = out.numel() / batch;
  if (classes != ds.num_classes())
    fail(model, "has {} outputs per example (output {}) but {} has {} classes; give the model {} classes", classes,
         out.str(), dataset, ds.num_classes(), ds.num_classes());
  const int64_t size = ds.size(o.split);
  if (size == 0) fail(dataset, "has no {} split (no examples)", data::split_name(o.split));

  auto prepared = runtime::make_backend(o.backend)->prepare(g, w, {.threads = o.threads});
  const std::vector<int64_t> indices = eval_indices(size, o.max_examples);
  const int64_t total = static_cast<int64_t>(indices.size());
  const int64_t per_example = ds.example_floats();
  const int read = std::max(1, o.read_batch);
  data::Accuracy acc(ds.class_names());

  // Labels of the examples now in the model's input slots, run when all B are filled (or at the end).
  std::vector<int> pending;
  std::vector<int64_t> pending_index;  // their indices in the split, for errors
  auto flush = [&] {
    if (pending.empty()) return;
    std::span<float> x = prepared->input(0);
    // Unused slots of a last partial batch hold zeros; their outputs are ignored.
    std::fill(x.begin() + static_cast<int64_t>(pending.size()) * per_example, x.end(), 0.0f);
    prepared->invoke();
    const std::span<const float> y = prepared->output(0);
    for (size_t i = 0; i < pending.size(); ++i) {
      const int label = pending[i];
      if (label < 0 || label >= classes)
        fail(dataset, "{} example {}: label {} is out of range 0..{} of {} ({} outputs per example)",
             data::split_name(o.split), pending_index[i], label, classes - 1, model, classes);
      acc.add(label, data::argmax(y.subspan(i * static_cast<size_t>(classes), static_cast<size_t>(classes))));
    }
    pending.clear();
    pending_index.clear();
  };
  for (int64_t start = 0; start < total; start += read) {
    const int64_t n = std::min<int64_t>(read, total - start);
    const data::Batch b =
        ds.batch(o.split, std::span(indices).subspan(static_cast<size_t>(start), static_cast<size_t>(n)));
    for (int64_t i = 0; i < n; ++i) {
      std::copy_n(b.x.begin() + i * per_example, per_example,
                  prepared->input(0).begin() + static_cast<int64_t>(pending.size()) * per_example);
      pending.push_back(b.y[static_cast<size_t>(i)]);
      pending_index.push_back(indices[static_cast<size_t>(start + i)]);
      if (static_cast<int64_t>(pending.size()) == batch) flush();
    }
    flush();  // keeps progress exact; costs at most one padded invoke per read batch when B > 1
    if (o.progress) o.progress(start + n, total);
  }
  return acc;
}

std::string describe(const data::Accuracy& a, const data::Dataset& ds, const AccuracyOptions& o) {
  return fmt::format("measured ({} f32 on {} {} examples of {})", o.backend, with_commas(a.examples()),
                     data::split_name(o.split), ds.reference());
}

nlohmann::json to_json(const data::Accuracy& a) {
  nlohmann::json per_class = nlohmann::json::object();
  const std::vector<double> pc = a.per_class();
  for (int c = 0; c < a.num_classes(); ++c)
    per_class[a.class_names[c]] = std::isnan(pc[c]) ? nlohmann::json(nullptr) : nlohmann::json(pc[c]);
  return {{"top1", a.top1()},         {"correct", a.correct()}, {"examples", a.examples()},
          {"classes", a.class_names}, {"per_class", per_class}, {"confusion", a.confusion}};
}

}  // namespace hwnas::eval
