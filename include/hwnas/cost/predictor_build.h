#pragma once
// Builds a measured latency predictor (cost/predictor_file.h) for a backend on this machine:
//  1. fusion: which adjacent ops the backend fuses, by pairwise timing (cost/fusion_detect.h);
//  2. data: architectures sampled from the training spaces, split into kernels, each distinct
//     kernel timed alone (cost/kernel_training.h); a few whole architectures timed too;
//  3. kind "kernel": one model per kernel group; then adaptive rounds (nn-Meter's adaptive
//     data sampler): more architectures, measuring only the kernels of groups whose held-out
//     error is still high (fewer than 95% within +-10%, or too few samples to tell);
//     kind "lut": every kernel of the sampled architectures goes into the table;
//  4. whole-model correction: measured ~= scale x sum of kernels - overhead x kernels +
//     offset, fitted on the whole architectures (each the lowest median of interleaved rounds) (a kernel timed alone pays the invoke
//     overhead a whole model pays once, and misses cache effects of running back to back).
// Rounds go on until the time budget is spent (checked between architectures), or for the
// kernel kind until no group needs more data.
//
//   cost::BuildOptions o;
//   o.budget_s = 600;
//   o.progress = [](std::string_view line) { fmt::print("{}\n", line); };
//   cost::PredictorFile p = cost::build_predictor(o);
//   cost::save_predictor(p, "host-xnnpack.json");
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hwnas/cost/predictor_file.h"
#include "hwnas/ir/graph.h"
#include "hwnas/measure/measure_model.h"
#include "hwnas/space/search_space.h"

namespace hwnas::cost {

struct BuildOptions {
  std::string kind = "kernel";      // kernel | lut
  std::string device = "host";      // the name written into the file (this machine)
  measure::MeasureOptions measure;  // backend, threads, dtype, seed, pinning; timing per kernel
  std::vector<std::string> spaces = {"nb201", "mbconv", "dscnn"};
  // Makes a space from its name; empty: space::make_space. The CLI passes target::resolve_space,
  // so that restricted spaces ("mbconv@npu-generic") can be sampled too.
  std::function<std::unique_ptr<space::SearchSpace>(std::string_view)> make_space;
  double budget_s = 600;        // wall-clock time for measuring (fusion tests included)
  int archs_per_round = 4;      // per space and round
  int whole_archs = 8;          // per space: timed whole for the whole-model correction
  double whole_budget_s = 2.0;  // timing budget of one whole architecture (per round)
  // Load robustness (measure/robust_timing.h): a kernel's figure is this statistic of its runs;
  // a whole architecture is timed in `whole_rounds` rounds (the first while sampling, the
  // others interleaved at the end, time reserved for them) and keeps its lowest round median.
  std::string kernel_statistic = "p10";  // median | p10 | min
  int whole_rounds = 3;
  bool detect_fusion = true;  // false: batch_norm folding only
  uint64_t seed = 1;          // which architectures are sampled
  std::function<void(std::string_view)> progress;
};

PredictorFile build_predictor(const BuildOptions& o);

// One whole architecture for the whole-model correction: the uncorrected sum of its kernels'
// predictions, their count, the MiB of weights they read, and the measured latency.
struct WholeModelPoint {
  double kernel_sum_ms = 0;
  int kernels = 0;
  double weight_mib = 0;
  double measured_ms = 0;
};
// Fits measured ~= scale x sum - kernel_overhead x kernels + offset + weight_ms_per_mib x MiB
// (non-negative factors, relative error) and stores them in p; returns the RMS relative error
// after the fit. Throws if `points` is empty or a measurement is not positive.
double fit_whole_model(PredictorFile& p, const std::vector<WholeModelPoint>& points);

}  // namespace hwnas::cost
