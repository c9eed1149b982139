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
#include "hwnas/cost/predictor_eval.h"
#include "hwnas/ir/stats.h"
#include "hwnas/learn/nnls.h"
#include "hwnas/measure/robust_timing.h"
#include "hwnas/space/sample_distinct.h"
#include "hwnas/space/search_space.h"

namespace hwnas::cost {
namespace {

using Clock = std::chrono::steady_clock;

// A group needs more data while its held-out error is high or too few kernels back it.
bool needs_more(const GroupModel& m) { return m.validation_samples < 4 || m.validation_within_10 < 0.95; }

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
    const double fit =
        p.scale * w.kernel_sum_ms - p.kernel_overhead_ms * w.kernels + p.offset_ms + p.weight_ms_per_mib * streamed(w);
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

namespace {

void check(const BuildOptions& o) {
  if (o.kind != "kernel" && o.kind != "lut") fail("predictor build", "kind '{}' is not kernel or lut", o.kind);
  if (o.spaces.empty()) fail("predictor build", "no spaces to sample kernels from");
  if (!(o.budget_s > 0)) fail("predictor build", "the time budget must be positive (got {} s)", o.budget_s);
  if (o.whole_rounds < 1) fail("predictor build", "whole_rounds must be at least 1 (got {})", o.whole_rounds);
  measure::check_statistic(o.kernel_statistic);
}

// One build, phase by phase (the numbered steps of predictor_build.h). The state the phases
// share lives here; each phase is one method.
class Builder {
 public:
  explicit Builder(const BuildOptions& o)
      : o_(o), start_(Clock::now()), bank_(o.measure, o.kernel_statistic), rng_(o.seed), whole_options_(o.measure) {
    whole_options_.timing.budget_s = o.whole_budget_s;
    for (const std::string& name : o.spaces)
      spaces_.push_back(o.make_space ? o.make_space(name) : space::make_space(name));
  }

  PredictorFile run() {
    PredictorFile p = header();
    if (o_.detect_fusion) detect(p);
    probe_weights(p);
    int round = 0, idle_rounds = 0;  // idle: rounds in a row that found no kernel worth measuring
    while (!out_of_time_) {
      ++round;
      const int measured = sample_round(p, round);
      if (o_.kind == "kernel") {
        train_all();
        say_trained(round);
        if (needy_.empty() && round >= 2) break;
      }
      // The spaces' kernels of the needy groups can all be measured already (a space has only
      // so many distinct kernels): sampling on would spin until the budget without learning.
      idle_rounds = measured == 0 ? idle_rounds + 1 : 0;
      if (idle_rounds == 3) {
        say(fmt::format("round {}: 3 rounds found no new kernel to measure; the sampled spaces are exhausted", round));
        break;
      }
    }
    if (bank_.samples().empty())
      fail("predictor build", "no kernel was measured within {} s; give it a larger budget", o_.budget_s);
    store_kernels(p);
    const double spread = retime_whole();
    const double error = correct_whole(p);
    record(p, round, spread, error);
    return p;
  }

 private:
  struct WholeArch {
    ir::Graph graph;
    double ms = 0;  // lowest round median so far
  };

  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  void say(const std::string& line) const {
    if (o_.progress) o_.progress(fmt::format("[{:4.0f}/{:.0f} s] {}", elapsed(), o_.budget_s, line));
  }
  // Time kept for the later rounds of the whole architectures: about as much as the first took.
  double reserved_s() const { return (o_.whole_rounds - 1) * whole_spent_s_; }
  double time_whole(const ir::Graph& g) {
    const measure::Measurement m = measure::measure_model(g, whole_options_);
    whole_spent_s_ += m.timing.spent_s;
    return m.timing.summary.median;
  }

  PredictorFile header() const {
    PredictorFile p;
    p.kind = o_.kind;
    p.device = o_.device;
    p.backend = o_.measure.backend;
    p.threads = o_.measure.threads;
    p.dtype = o_.measure.dtype;
    p.hwnas_version = std::string(hwnas::version());
    p.created = utc_timestamp();
    p.features = kernel_feature_names();
    return p;
  }

  // 1. Which adjacent ops the backend fuses.
  void detect(PredictorFile& p) const {
    FusionDetectOptions fo{.measure = o_.measure, .share = 0.5, .progress = [&](std::string_view l) {
                             say(std::string(l));
                           }};
    FusionDetection d = detect_fusion(fo);
    p.fusion = d.rules;
    p.fusion_tests = d.tests;
  }

  // Whole graphs of 1..48 MiB of weights: the capacity term of the whole-model correction.
  void probe_weights(const PredictorFile& p) {
    for (ir::Graph& g : weight_probes()) {
      bank_.add(g, p.fusion);
      const double ms = time_whole(g);
      say(fmt::format("{}: whole {:.4g} ms", g.name(), ms));
      whole_.push_back({std::move(g), ms});
    }
    probes_ = static_cast<int>(whole_.size());
  }

  // 2./3. One round of sampling: architectures of every space, their kernels (and activation and
  // width variants) measured; after round 1 of the kernel kind only the needy groups' kernels.
  // Round 1 also times some architectures whole. Returns the kernels measured.
  int sample_round(const PredictorFile& p, int round) {
    int measured = 0;
    for (size_t s = 0; s < spaces_.size() && !out_of_time_; ++s) {
      const space::SearchSpace& sp = *spaces_[s];
      const int archs = round == 1 ? std::max(o_.archs_per_round, o_.whole_archs) : o_.archs_per_round;
      for (int i = 0; i < archs; ++i) {
        if (elapsed() >= o_.budget_s - reserved_s()) {
          out_of_time_ = true;
          break;
        }
        const space::Arch a = sp.sample(rng_);
        const std::string name = sp.name() + ":" + sp.to_string(a);
        if (!seen_.insert(name).second) continue;
        trained_archs_.push_back(name);
        ir::Graph g = sp.decode(a);
        std::function<bool(const KernelFeatures&)> want;
        if (o_.kind == "kernel" && round > 1)
          want = [&](const KernelFeatures& f) { return needy_.contains(f.group) || !models_.contains(f.group); };
        KernelBank::Added added = bank_.add(g, p.fusion, want);
        for (const ir::Graph& v : activation_variants(g, p.fusion))
          added.measured += bank_.add(v, p.fusion, want).measured;
        for (const ir::Graph& v : width_variants(g, p.fusion, rng_))
          added.measured += bank_.add(v, p.fusion, want).measured;
        measured += added.measured;
        std::string extra;
        if (round == 1 && static_cast<int>(whole_.size()) < probes_ + o_.whole_archs * static_cast<int>(s + 1)) {
          const double ms = time_whole(g);
          whole_.push_back({std::move(g), ms});
          extra = fmt::format(", whole {:.4g} ms", whole_.back().ms);
        }
        say(fmt::format("round {} {} arch {}/{}: {} kernels, {} new{} ({} kernels measured; ETA {:.0f} s)", round,
                        sp.name(), i + 1, archs, added.kernels, added.measured, extra, bank_.samples().size(),
                        std::max(0.0, o_.budget_s - elapsed())));
      }
    }
    return measured;
  }

  // 3. One model per kernel group; the groups whose held-out error is still high are needy.
  void train_all() {
    models_.clear();
    needy_.clear();
    for (const std::string& group : kernel_groups()) {
      const std::vector<KernelSample> samples = bank_.group(group);
      if (samples.empty()) continue;
      models_[group] = train_group(samples, {.seed = o_.seed});
      if (needs_more(models_[group])) needy_.insert(group);
    }
  }
  void say_trained(int round) const {
    std::string status;
    for (const auto& [group, m] : models_)
      status += fmt::format(" {} {}:{:.0f}%", group, m.train_size, 100 * m.validation_within_10);
    say(fmt::format("round {} trained (kernels per group, held-out within 10%):{}", round, status));
  }

  void store_kernels(PredictorFile& p) const {
    if (o_.kind == "kernel") {
      p.groups = models_;
    } else {
      for (const KernelSample& k : bank_.samples()) p.lut[k.features.key] = k.ms;
    }
  }

  // The later rounds of the whole architectures, interleaved, minutes after the first: a round
  // that fell into a burst of other load is discarded by taking the lowest. Returns the median
  // spread between rounds.
  double retime_whole() {
    if (o_.whole_rounds <= 1 || whole_.empty()) return 0;
    say(fmt::format("timing {} whole archs in {} more interleaved rounds", whole_.size(), o_.whole_rounds - 1));
    const std::vector<measure::RoundedTiming> later =
        measure::time_interleaved(whole_.size(), o_.whole_rounds - 1, [&](size_t i, int) {
          return measure::measure_model(whole_[i].graph, whole_options_).timing;
        });
    std::vector<double> spreads;
    for (size_t i = 0; i < whole_.size(); ++i) {
      std::vector<double> rounds = later[i].round_ms;
      rounds.push_back(whole_[i].ms);
      const auto [lo, hi] = std::minmax_element(rounds.begin(), rounds.end());
      spreads.push_back(*hi / *lo - 1);
      whole_[i].ms = *lo;
    }
    std::sort(spreads.begin(), spreads.end());
    return measure::quantile_sorted(spreads, 0.5);
  }

  // 4. The whole-model correction, on the models' own predictions of the whole architectures.
  // Returns its RMS relative error.
  double correct_whole(PredictorFile& p) const {
    if (whole_.empty()) return 0;
    std::vector<WholeModelPoint> points;
    const KernelModel raw(p, "(being built)");
    for (const WholeArch& w : whole_) {
      const LatencyPrediction pred = raw.predict(w.graph, p.dtype);
      points.push_back(
          {pred.total_ms, static_cast<int>(pred.kernels.size()), weight_mib(w.graph, p.fusion, p.dtype), w.ms});
    }
    return fit_whole_model(p, points);
  }

  void record(PredictorFile& p, int rounds, double whole_spread, double whole_error) const {
    int noisy = 0;
    for (const KernelSample& k : bank_.samples()) noisy += k.noisy ? 1 : 0;
    std::vector<double> macs, measured;
    for (const WholeArch& w : whole_) {
      macs.push_back(static_cast<double>(ir::compute_stats(w.graph).macs));
      measured.push_back(w.ms);
    }
    p.training = {{"spaces", o_.spaces},
                  {"archs", trained_archs_},
                  {"rounds", rounds},
                  {"kernels_measured", bank_.samples().size()},
                  {"kernels_noisy", noisy},
                  {"whole_archs", whole_.size()},
                  {"whole_model_rel_rmse", whole_error},
                  // the FLOPs-proportional baseline of `predictor eval`: median ms per MAC of the whole archs
                  {"ms_per_mac_median", whole_.empty() ? 0.0 : median_ms_per_mac(macs, measured)},
                  {"budget_s", o_.budget_s},
                  {"spent_s", elapsed()},
                  {"kernel_timing_budget_s", o_.measure.timing.budget_s},
                  {"kernel_statistic", o_.kernel_statistic},
                  {"whole_rounds", o_.whole_rounds},
                  {"whole_round_spread_median", whole_spread},
                  {"pinned", o_.measure.pin},
                  {"seed", o_.seed}};
    say(fmt::format(
        "done: {} kernels ({} noisy), whole-model fit x{:.3f} - {:.4g} ms per kernel + {:.4g} ms + {:.4g} ms "
        "per MiB of weights beyond {:g} MiB (RMS error {:.1f}% on {} archs; kernels: {} of their runs; whole "
        "archs: lowest of {} round medians, median spread between rounds {:.1f}%)",
        bank_.samples().size(), noisy, p.scale, p.kernel_overhead_ms, p.offset_ms, p.weight_ms_per_mib,
        p.weight_cache_mib, 100 * whole_error, whole_.size(), o_.kernel_statistic, o_.whole_rounds,
        100 * whole_spread));
  }

  const BuildOptions& o_;
  const Clock::time_point start_;
  std::vector<std::unique_ptr<space::SearchSpace>> spaces_;
  KernelBank bank_;
  Rng rng_;
  measure::MeasureOptions whole_options_;
  double whole_spent_s_ = 0;  // of the first round of whole archs
  std::vector<WholeArch> whole_;
  int probes_ = 0;  // the first whole_ entries are weight probes
  std::vector<std::string> trained_archs_;
  std::set<std::string> seen_;
  std::map<std::string, GroupModel> models_;
  std::set<std::string> needy_;  // groups that still need data (kernel kind, after round 1)
  bool out_of_time_ = false;
};

}  // namespace

PredictorFile build_predictor(const BuildOptions& o) {
  check(o);
  return Builder(o).run();
}

}  // namespace hwnas::cost
