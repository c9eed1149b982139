// The test accuracy of a trained model folder (hwnas train --out DIR) on libtorch (train::evaluate,
// eval mode) and on a runtime backend (xnnpack f32 by default), on the same weights and examples:
// the acceptance check that exported weights keep their accuracy. bench/run_train_bench.sh runs it.
//
//   hwnas_train_eval_check runs/kws speech-commands:data/kws [--backend xnnpack] [--threads 2]
#include <algorithm>
#include <cstdio>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "hwnas/core/error.h"
#include "hwnas/data/open_dataset.h"
#include "hwnas/ir/serialize.h"
#include "hwnas/runtime/backend.h"
#include "hwnas/train/trainer.h"

int main(int argc, char** argv) {
  using namespace hwnas;
  CLI::App app("torch vs runtime-backend test accuracy of a trained model folder");
  std::string dir, dataset, backend = "xnnpack", split = "test";
  int threads = 2;
  app.add_option("dir", dir, "the folder hwnas train wrote")->required();
  app.add_option("dataset", dataset, "<kind>:<path>")->required();
  app.add_option("--backend", backend)->capture_default_str();
  app.add_option("--split", split)->capture_default_str();
  app.add_option("--threads", threads)->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    const ir::Graph g = ir::load_graph(dir + "/model.json");
    const runtime::Weights w = runtime::load_weights(dir + "/weights.hwnasw", g);
    const auto ds = data::open_dataset(dataset);
    const data::Split sp = data::parse_split(split);
    const data::Accuracy t = train::evaluate(g, w, *ds, sp, threads);
    auto model = runtime::make_backend(backend)->prepare(g, w, {.threads = threads});
    std::vector<int> labels, predicted;
    for (int64_t i = 0; i < ds->size(sp); ++i) {
      const int64_t idx[] = {i};
      const data::Batch b = ds->batch(sp, idx);
      std::copy(b.x.begin(), b.x.end(), model->input(0).begin());
      model->invoke();
      const auto out = model->output(0);
      predicted.push_back(static_cast<int>(std::max_element(out.begin(), out.end()) - out.begin()));
      labels.push_back(b.y[0]);
    }
    const data::Accuracy r = data::tally(labels, predicted, ds->class_names());
    int64_t differ = 0;
    for (int a = 0; a < ds->num_classes(); ++a)
      for (int p = 0; p < ds->num_classes(); ++p) differ += std::abs(r.confusion[a][p] - t.confusion[a][p]);
    fmt::print(
        "{} split, {} examples: torch eval mode top-1 {:.2f}%, {} f32 top-1 {:.2f}%, difference {:.2f} point(s); "
        "confusion cells differing by {} count(s) in total\n",
        split, r.examples(), t.top1(), backend, r.top1(), r.top1() - t.top1(), differ);
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
