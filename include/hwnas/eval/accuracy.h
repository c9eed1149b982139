#pragma once
// Accuracy of a graph with its weights on a dataset split, run on a runtime backend
// (runtime/backend.h: xnnpack by default, or the reference oracle): every example goes through
// the prepared model, its prediction is the argmax of the output, and the tally is a
// data::Accuracy (top-1, per-class, confusion matrix). The figures are measured, so they say
// so: describe() gives "measured (xnnpack f32 on 10,000 test examples of cifar10:/data/c10)".
//
//   auto ds = data::open_dataset("cifar10:/data/cifar-10-batches-bin");
//   const ir::Graph g = target::resolve_model("runs/c10");
//   const data::Accuracy a = eval::evaluate_accuracy(g, *target::model_weights("runs/c10", g), *ds,
//                                                    {.backend = "xnnpack", .threads = 2});
//   a.top1();   // percent
//
// The graph takes one input [B, H, W, C] whose H, W, C are the dataset's example shape, and
// has one output of B x classes values (e.g. [B, classes] or [B, 1, 1, classes]) with the
// dataset's class count; either mismatch is an Error naming the model and the dataset.
// Examples are read `read_batch` at a time and fed B at a time (graphs are usually B = 1).
#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "hwnas/data/accuracy.h"
#include "hwnas/data/dataset.h"
#include "hwnas/ir/graph.h"
#include "hwnas/runtime/weights.h"

namespace hwnas::eval {

struct AccuracyOptions {
  std::string backend = "xnnpack";  // runtime::make_backend name
  int threads = 1;
  data::Split split = data::Split::test;
  // 0: every example of the split. Otherwise that many, evenly spaced over the split (example
  // i * size / max_examples), so that a subset of a class-sorted split still has every class.
  int64_t max_examples = 0;
  int read_batch = 64;  // examples read from the dataset at a time
  // Called after each read batch with (examples done, examples in all); on the calling thread.
  std::function<void(int64_t done, int64_t total)> progress;
};

// The indices evaluate_accuracy uses: all of 0..size-1, or max_examples evenly spaced ones.
std::vector<int64_t> eval_indices(int64_t size, int64_t max_examples);

data::Accuracy evaluate_accuracy(const ir::Graph& g, const runtime::Weights& w, const data::Dataset& ds,
                                 const AccuracyOptions& options = {});

// "measured (xnnpack f32 on 10,000 test examples of cifar10:/data/c10)".
std::string describe(const data::Accuracy& a, const data::Dataset& ds, const AccuracyOptions& options);

// {"top1": percent, "correct", "examples", "classes": [names], "per_class": {name: percent or
// null}, "confusion": [[...]] (rows: true class, columns: predicted)}.
nlohmann::json to_json(const data::Accuracy& a);

}  // namespace hwnas::eval
