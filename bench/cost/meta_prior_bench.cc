// Few-shot NB201 latency ranking from a prior of other devices (issue 4's acceptance, HELP-like;
// the model is cost/few_shot_prior.h). For each device column of
// shared/data/nb201/nb201_latency.csv, leave that device out: the prior is fitted on every
// OTHER "*latency_ms" column of the table (never an energy column), then the model is fitted
// on `train` random rows of the left-out device (each candidate's ridge strength chosen by
// leave-one-out on those rows only), `repeats` draws, and scored by Spearman over every row of
// that device, beside the FLOPs-proportional baseline (MACs of the decoded graph x the median
// ms per MAC of the same training rows). No row of the target beyond the `train` rows is used.
//
//   hwnas_meta_prior_bench [--train 10] [--repeats 20] [--seed 1] [--csv path]
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/cost/few_shot_prior.h"
#include "hwnas/cost/predictor_eval.h"
#include "hwnas/ir/stats.h"
#include "hwnas/space/search_space.h"

int main(int argc, char** argv) {
  CLI::App app("leave-one-device-out few-shot prior for NB201 latency ranking");
  std::string csv = std::string(HWNAS_SHARED_DATA_DIR) + "/nb201/nb201_latency.csv";
  int train = 10, repeats = 20;
  uint64_t seed = 1;
  app.add_option("--train", train, "measured rows of the left-out device the fit sees");
  app.add_option("--repeats", repeats, "random draws of those rows");
  app.add_option("--csv", csv, "the NB201 latency table");
  app.add_option("--seed", seed, "which rows are drawn");
  CLI11_PARSE(app, argc, argv);
  try {
    using namespace hwnas;
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const auto space = space::make_space("nb201");
    const core::CsvTable t = core::read_csv(csv);
    const int arch = t.column("arch_str");
    std::vector<space::Arch> archs;
    std::vector<double> macs;
    cost::ArchFeatures features(*space);
    for (size_t r = 0; r < t.rows.size(); ++r) {
      archs.push_back(space->parse(t.rows[r][arch]));
      macs.push_back(static_cast<double>(ir::compute_stats(space->decode(archs.back())).macs));
      features.of(archs.back());  // fills the cache the prior and the draws read
    }
    const double features_s = std::chrono::duration<double>(Clock::now() - start).count();
    const std::vector<std::string> devices = cost::default_prior_columns(t, "");
    fmt::print("few-shot prior model (cost/few_shot_prior.h), leave one device out: the prior is every other "
               "*latency_ms column of {} ({} rows, energy never used);\n{} random archs of the left-out device per fit "
               "(ridge strengths by leave-one-out on them), {} draws; Spearman over every arch with a value\n",
               t.source, t.rows.size(), train, repeats);
    fmt::print("{:<26} {:>6}  {:>14} {:>8}  {:>8}  {:>14}\n", "device column", "rows", "Spearman mean", "min", "Kendall",
               "FLOPs Spearman");
    double sum = 0, flops_sum = 0;
    for (const std::string& device : devices) {
      const cost::DevicePrior prior = cost::fit_prior(t, features, "arch_str", cost::default_prior_columns(t, device));
      const int c = t.column(device);
      std::vector<space::Arch> a;
      std::vector<double> y, m;
      for (size_t r = 0; r < t.rows.size(); ++r)
        if (const auto v = t.number_or_empty(r, c)) {
          a.push_back(archs[r]);
          y.push_back(*v);
          m.push_back(macs[r]);
        }
      const auto draws = cost::few_shot_prior_eval(prior, features, a, y, m, {.train = train, .repeats = repeats, .seed = seed});
      double mean = 0, lo = 1, kendall = 0, flops = 0;
      for (const auto& d : draws) {
        mean += d.model.spearman / static_cast<double>(draws.size());
        lo = std::min(lo, d.model.spearman);
        kendall += d.model.kendall / static_cast<double>(draws.size());
        flops += d.baseline.spearman / static_cast<double>(draws.size());
      }
      fmt::print("{:<26} {:>6}  {:>14.3f} {:>8.3f}  {:>8.3f}  {:>14.3f}\n", device, y.size(), mean, lo, kendall, flops);
      sum += mean;
      flops_sum += flops;
    }
    const double n = static_cast<double>(devices.size());
    fmt::print("{:<26} {:>6}  {:>14.3f} {:>8}  {:>8}  {:>14.3f}   (acceptance: >= 0.93)\n", "mean over devices", "",
               sum / n, "", "", flops_sum / n);
    fmt::print("time: {:.1f} s (features and MACs of {} archs: {:.1f} s, {} graphs decoded for the live features)\n",
               std::chrono::duration<double>(Clock::now() - start).count(), archs.size(), features_s, features.decodes());
  } catch (const hwnas::Error& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  }
  return 0;
}
