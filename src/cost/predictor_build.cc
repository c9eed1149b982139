#include "hwnas/cost/predictor_build.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/core/rng.h"
#include "hwnas/core/version.h"
#include "hwnas/cost/fusion_detect.h"
#include "hwnas/cost/kernel_model.h"
#include "hwnas/cost/kernel_training.h"
#include "hwnas/cost/kernel_variants.h"
#include "hwnas/learn/nnls.h"
#include "hwnas/cost/predictor_eval.h"
#include "hwnas/ir/stats.h"
#include "hwnas/measure/robust_timing.h"
#include "hwnas/space/sample_distinct.h"
#include "hwnas/space/search_space.h"

namespace hwnas::cost {
namespace {

using Clock = std::chrono::steady_clock;

// A group needs more data while its held-out error is high or too few kernels back it.
bool needs_more(const GroupModel& m) { return m.validation_samples < 4 || m.validation_within_10 < 0.95; }

struct WholeArch {
  ir::Graph graph;
  double ms = 0;  // lowest round median so far
};

// The whole-model factors for one cache capacity: relative error, columns of comparable size
// (the sum; minus the kernel count, factor in 1/1000 of the mean per kernel; the offset, in
// units of the mean; the streamed MiB, in units of their mean, factor in units of the mean ms).
// Returns the RMS relative error.
double fit_for_capacity(PredictorFile& p, const std::vector<WholeModelPoint>& points, double cache_mib) {
  double mean = 0, mean_streamed = 0;
  auto streamed = [&](const WholeModelPoint& w) { return std::max(0.0, w.weight_mib - cache_mib); };
  for (const WholeModelPoint& w : points) {
    mean += w.measured_ms / static_cast<double>(points.size());
    mean_streamed += streamed(w) / static_cast<double>(points.size());
  }
  const double mib_unit = mean_streamed > 0 ? mean_streamed : 1.0;
  std::vector<std::vector<double>> rows;
  std::vector<double> ones;
  for (const WholeModelPoint& w : points) {
    rows.push_back({w.kernel_sum_ms / w.measured_ms, -1e-3 * w.kernels * mean / w.measured_ms, mean / w.measured_ms,
                    streamed(w) / mib_unit * mean / w.measured_ms});
    ones.push_back(1.0);
  }
  const std::vector<double> x = learn::nnls(rows, ones);
  const bool fitted = x[0] > 0;  // otherwise keep the kernels' own sum
  p.scale = fitted ? x[0] : 1.0;
  p.kernel_overhead_ms = fitted ? 1e-3 * x[1] * mean : 0.0;
  p.offset_ms = fitted ? x[2] * mean : 0.0;
  p.weight_ms_per_mib = fitted ? x[3] * mean / mib_unit : 0.0;
  p.weight_cache_mib = cache_mib;
  double sq = 0;
  for (const WholeModelPoint& w : points) {
    const double fit = p.scale * w.kernel_sum_ms - p.kernel_overhead_ms * w.kernels + p.offset_ms + p.weight_ms_per_mib * streamed(w);
    sq += (fit / w.measured_ms - 1) * (fit / w.measured_ms - 1);
  }
  return std::sqrt(sq / static_cast<double>(points.size()));
}

}  // namespace

double fit_whole_model(PredictorFile& p, const std::vector<WholeModelPoint>& points) {
  if (points.empty()) fail("whole-model fit", "needs at least one measured whole architecture");
  for (const WholeModelPoint& w : points)
    if (!(w.measured_ms > 0)) fail("whole-model fit", "a measured latency must be positive (got {} ms)", w.measured_ms);
  // The capacity is a property of the machine (what of L2 and L3 survives between
  // inferences), found as the one that fits best; the smallest of equals wins.
  double best = INFINITY;
  PredictorFile trial = p;
  for (double cache_mib : {0.0, 1.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 16.0, 20.0, 24.0, 32.0, 48.0}) {
    const double error = fit_for_capacity(trial, points, cache_mib);
    if (error < best - 1e-9) {
      best = error;
      p.scale = trial.scale;
      p.kernel_overhead_ms = trial.kernel_overhead_ms;
      p.offset_ms = trial.offset_ms;
      p.weight_ms_per_mib = trial.weight_ms_per_mib;
      p.weight_cache_mib = trial.weight_cache_mib;
    }
  }
  return best;
}

PredictorFile build_predictor(const BuildOptions& o) {
  if (o.kind != "kernel" && o.kind != "lut") fail("predictor build", "kind '{}' is not kernel or lut", o.kind);
  if (o.spaces.empty()) fail("predictor build", "no spaces to sample kernels from");
  if (!(o.budget_s > 0)) fail("predictor build", "the time budget must be positive (got {} s)", o.budget_s);
  if (o.whole_rounds < 1) fail("predictor build", "whole_rounds must be at least 1 (got {})", o.whole_rounds);
  measure::check_statistic(o.kernel_statistic);
  const auto start = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  auto say = [&](const std::string& line) {
    if (o.progress) o.progress(fmt::format("[{:4.0f}/{:.0f} s] {}", elapsed(), o.budget_s, line));
  };

  PredictorFile p;
  p.kind = o.kind;
  p.device = o.device;
  p.backend = o.measure.backend;
  p.threads = o.measure.threads;
  p.dtype = o.measure.dtype;
  p.hwnas_version = std::string(hwnas::version());
  p.created = utc_timestamp();
  p.features = kernel_feature_names();
  if (o.detect_fusion) {
    FusionDetectOptions fo{.measure = o.measure, .share = 0.5, .progress = [&](std::string_view l) { say(std::string(l)); }};
    FusionDetection d = detect_fusion(fo);
    p.fusion = d.rules;
    p.fusion_tests = d.tests;
  }

  std::vector<std::unique_ptr<space::SearchSpace>> spaces;
  for (const std::string& name : o.spaces) spaces.push_back(space::make_space(name));
  KernelBank bank(o.measure, o.kernel_statistic);
  std::vector<WholeArch> whole;
  std::vector<std::string> trained_archs;
  std::set<std::string> seen;
  std::map<std::string, GroupModel> models;
  std::set<std::string> needy;  // groups that still need data (kernel kind, after round 1)
  Rng rng(o.seed);
  measure::MeasureOptions whole_options = o.measure;
  whole_options.timing.budget_s = o.whole_budget_s;
  double whole_spent_s = 0;  // of the first round; the later rounds need about as much each
  auto time_whole = [&](const ir::Graph& g) {
    const measure::Measurement m = measure::measure_model(g, whole_options);
    whole_spent_s += m.timing.spent_s;
    return m.timing.summary.median;
  };
  auto reserved_s = [&] { return (o.whole_rounds - 1) * whole_spent_s; };

  auto train_all = [&] {
    models.clear();
    needy.clear();
    for (const std::string& group : kernel_groups()) {
      const std::vector<KernelSample> samples = bank.group(group);
      if (samples.empty()) continue;
      models[group] = train_group(samples, {.seed = o.seed});
      if (needs_more(models[group])) needy.insert(group);
    }
  };

  // Whole graphs of 1..48 MiB of weights: the capacity term of the whole-model correction.
  for (ir::Graph& g : weight_probes()) {
    bank.add(g, p.fusion);
    const double ms = time_whole(g);
    say(fmt::format("{}: whole {:.4g} ms", g.name(), ms));
    whole.push_back({std::move(g), ms});
  }
  const int probes = static_cast<int>(whole.size());

  int round = 0;
  int idle_rounds = 0;  // rounds in a row that found no kernel worth measuring
  bool out_of_time = false;
  while (!out_of_time) {
    ++round;
    int measured_this_round = 0;
    for (size_t s = 0; s < spaces.size() && !out_of_time; ++s) {
      const space::SearchSpace& sp = *spaces[s];
      // Round 1 also samples the archs timed whole for the whole-model correction.
      const int archs = round == 1 ? std::max(o.archs_per_round, o.whole_archs) : o.archs_per_round;
      for (int i = 0; i < archs; ++i) {
        if (elapsed() >= o.budget_s - reserved_s()) {
          out_of_time = true;
          break;
        }
        const space::Arch a = sp.sample(rng);
        const std::string name = sp.name() + ":" + sp.to_string(a);
        if (!seen.insert(name).second) continue;
        trained_archs.push_back(name);
        ir::Graph g = sp.decode(a);
        std::function<bool(const KernelFeatures&)> want;
        if (o.kind == "kernel" && round > 1)
          want = [&](const KernelFeatures& f) { return needy.contains(f.group) || !models.contains(f.group); };
        KernelBank::Added added = bank.add(g, p.fusion, want);
        for (const ir::Graph& v : activation_variants(g, p.fusion)) added.measured += bank.add(v, p.fusion, want).measured;
        for (const ir::Graph& v : width_variants(g, p.fusion, rng)) added.measured += bank.add(v, p.fusion, want).measured;
        measured_this_round += added.measured;
        std::string extra;
        if (round == 1 && static_cast<int>(whole.size()) < probes + o.whole_archs * static_cast<int>(s + 1)) {
          const double ms = time_whole(g);
          whole.push_back({std::move(g), ms});
          extra = fmt::format(", whole {:.4g} ms", whole.back().ms);
        }
        const double used = elapsed();
        say(fmt::format("round {} {} arch {}/{}: {} kernels, {} new{} ({} kernels measured; ETA {:.0f} s)", round,
                        sp.name(), i + 1, archs, added.kernels, added.measured, extra,
                        bank.samples().size(), std::max(0.0, o.budget_s - used)));
      }
    }
    if (o.kind == "kernel") {
      train_all();
      std::string status;
      for (const auto& [group, m] : models)
        status += fmt::format(" {} {}:{:.0f}%", group, m.train_size, 100 * m.validation_within_10);
      say(fmt::format("round {} trained (kernels per group, held-out within 10%):{}", round, status));
      if (needy.empty() && round >= 2) break;
    }
    // The spaces' kernels of the needy groups can all be measured already (a space has only
    // so many distinct kernels): sampling on would spin until the budget without learning.
    idle_rounds = measured_this_round == 0 ? idle_rounds + 1 : 0;
    if (idle_rounds == 3) {
      say(fmt::format("round {}: 3 rounds found no new kernel to measure; the sampled spaces are exhausted", round));
      break;
    }
  }
  if (bank.samples().empty()) fail("predictor build", "no kernel was measured within {} s; give it a larger budget", o.budget_s);

  if (o.kind == "kernel") {
    p.groups = models;
  } else {
    for (const KernelSample& s : bank.samples()) p.lut[s.features.key] = s.ms;
  }
  int noisy = 0;
  for (const KernelSample& s : bank.samples()) noisy += s.noisy ? 1 : 0;
  // The later rounds of the whole architectures, interleaved, minutes after the first: a round
  // that fell into a burst of other load is discarded by taking the lowest.
  double whole_spread = 0;
  if (o.whole_rounds > 1 && !whole.empty()) {
    say(fmt::format("timing {} whole archs in {} more interleaved rounds", whole.size(), o.whole_rounds - 1));
    const std::vector<measure::RoundedTiming> later = measure::time_interleaved(
        whole.size(), o.whole_rounds - 1,
        [&](size_t i, int) { return measure::measure_model(whole[i].graph, whole_options).timing; });
    std::vector<double> spreads;
    for (size_t i = 0; i < whole.size(); ++i) {
      std::vector<double> rounds = later[i].round_ms;
      rounds.push_back(whole[i].ms);
      const auto [lo, hi] = std::minmax_element(rounds.begin(), rounds.end());
      spreads.push_back(*hi / *lo - 1);
      whole[i].ms = *lo;
    }
    std::sort(spreads.begin(), spreads.end());
    whole_spread = measure::quantile_sorted(spreads, 0.5);
  }
  // Whole-model correction, on the models' own predictions of the whole architectures.
  std::vector<WholeModelPoint> points;
  {
    const KernelModel raw(p, "(being built)");
    for (const WholeArch& w : whole) {
      const LatencyPrediction pred = raw.predict(w.graph, p.dtype);
      points.push_back({pred.total_ms, static_cast<int>(pred.kernels.size()), weight_mib(w.graph, p.fusion, p.dtype), w.ms});
    }
  }
  const double whole_error = whole.empty() ? 0.0 : fit_whole_model(p, points);
  std::vector<double> macs, measured;
  for (const WholeArch& w : whole) {
    macs.push_back(static_cast<double>(ir::compute_stats(w.graph).macs));
    measured.push_back(w.ms);
  }
  p.training = {{"spaces", o.spaces},
                {"archs", trained_archs},
                {"rounds", round},
                {"kernels_measured", bank.samples().size()},
                {"kernels_noisy", noisy},
                {"whole_archs", whole.size()},
                {"whole_model_rel_rmse", whole_error},
                // the FLOPs-proportional baseline of `predictor eval`: median ms per MAC of the whole archs
                {"ms_per_mac_median", whole.empty() ? 0.0 : median_ms_per_mac(macs, measured)},
                {"budget_s", o.budget_s},
                {"spent_s", elapsed()},
                {"kernel_timing_budget_s", o.measure.timing.budget_s},
                {"kernel_statistic", o.kernel_statistic},
                {"whole_rounds", o.whole_rounds},
                {"whole_round_spread_median", whole_spread},
                {"pinned", o.measure.pin},
                {"seed", o.seed}};
  say(fmt::format("done: {} kernels ({} noisy), whole-model fit x{:.3f} - {:.4g} ms per kernel + {:.4g} ms + {:.4g} ms "
                  "per MiB of weights beyond {:g} MiB (RMS error {:.1f}% on {} archs; kernels: {} of their runs; whole "
                  "archs: lowest of {} round medians, median spread between rounds {:.1f}%)",
                  bank.samples().size(), noisy, p.scale, p.kernel_overhead_ms, p.offset_ms, p.weight_ms_per_mib,
                  p.weight_cache_mib, 100 * whole_error, whole.size(), o.kernel_statistic, o.whole_rounds,
                  100 * whole_spread));
  return p;
}

}  // namespace hwnas::cost
