#pragma once
// train::train()'s loop with the two things quantization-aware fine-tuning (train/qat.h) changes:
// the weights it starts from and a hook on the forward pass (train/fake_quant.h). The hook is in
// every forward of the run: training steps, validation (so the kept epoch is the best one as
// simulated) and the test accuracy.
//
//   train::TrainResult r = train::run_training(g, ds, options, {}, nullptr,
//       {.start = &weights, .hook = [&](const GraphModule& m) { return std::make_unique<Int8Simulation>(m, plan); }});
//
// This header includes libtorch: include it only from src/train/ and tests.
#include <functional>
#include <memory>

#include "hwnas/train/graph_module.h"
#include "hwnas/train/trainer.h"

namespace hwnas::train {

struct LoopSetup {
  const runtime::Weights* start = nullptr;  // initial weights instead of runtime::init_weights(seed)
  std::function<std::unique_ptr<ForwardHook>(const GraphModule&)> hook;  // made once the module exists
};

// The parts of the loop that the detector's (detector.cc) shares.
// SGD/Adam/AdamW as TrainOptions says, weight decay on conv and FC kernels only.
std::unique_ptr<torch::optim::Optimizer> make_optimizer(GraphModule& m, const TrainOptions& o);
// glibc's malloc told to keep freed memory in the process (why: trainer.cc), once.
void keep_freed_memory();
// The augmentation seed of an epoch.
uint64_t epoch_seed(uint64_t seed, int epoch);

// train() is run_training(..., {}).
TrainResult run_training(const ir::Graph& g, const data::Dataset& ds, const TrainOptions& options,
                         const ProgressFn& progress, const TrainResult* resume, const LoopSetup& setup);

}  // namespace hwnas::train
