// Few-shot NB201 latency ranking from a prior of other devices (issue 4's acceptance, HELP-like;
// the model is cost/few_shot_prior.h). For each device column of
// shared/data/nb201/nb201_latency.csv, leave that device out: the prior is fitted on every
// OTHER "*latency_ms" column of the table (never an energy column), then the model is fitted
// on `train` random rows of the left-out device (every choice of the fit made on those rows
// and the prior only), `repeats` draws, and scored by Spearman over every row of that device,
// beside the FLOPs-proportional baseline (MACs of the decoded graph x the median ms per MAC of
// the same training rows). No row of the target beyond the `train` rows is used.
//
//   hwnas_meta_prior_bench [--train 10] [--repeats 20] [--seed 1 | --seeds 1-20] [--csv path]
//   hwnas_meta_prior_bench --train 10,100,1000,3000 --repeats 3 [--devices edgegpu_latency_ms,...]
//
// --seed prints one table per device (mean, min, Kendall, FLOPs); --seeds A-B prints each
// seed's per-device means and their mean, then the min / mean / max over the seeds (how thin
// the margin over 0.93 is depends on which rows were drawn). Several --train sizes print the
// n-sweep of the residual stage: per device and n, the linear model and the same fit with its
// residual trees (when cross-validation kept them), scored on the rows the fit did not see
// (share within +-10%, RMS of the relative error, Spearman), how many draws kept the trees,
// and the seconds per fit; then the residual model's predictions per second.
#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <CLI/CLI.hpp>

#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/cost/few_shot_prior.h"
#include "hwnas/cost/predictor_eval.h"
#include "hwnas/ir/stats.h"
#include "hwnas/space/search_space.h"
#include "hwnas/target/resolver.h"

namespace {

using namespace hwnas;

// One left-out device: its rows with a value and the prior of the other columns.
struct Target {
  std::string column;
  cost::DevicePrior prior;
  std::vector<space::Arch> archs;
  std::vector<double> ms, macs;
};

struct Summary {
  double mean = 0, min = 1, kendall = 0, flops = 0;  // over the draws
};

Summary run(const Target& t, cost::ArchFeatures& features, int train, int repeats, uint64_t seed) {
  const auto draws = cost::few_shot_prior_eval(t.prior, features, t.archs, t.ms, t.macs,
                                               {.train = train, .repeats = repeats, .seed = seed});
  Summary s;
  const double n = static_cast<double>(draws.size());
  for (const auto& d : draws) {
    s.mean += d.model.spearman / n;
    s.min = std::min(s.min, d.model.spearman);
    s.kendall += d.model.kendall / n;
    s.flops += d.baseline.spearman / n;
  }
  return s;
}

// "edgegpu_latency_ms" -> "edgegpu" (the columns of the per-seed table).
std::string short_name(std::string c) {
  for (const char* tail : {"_latency_ms", "_b1"})
    if (c.ends_with(tail)) c.resize(c.size() - std::string_view(tail).size());
  return c.substr(0, 9);
}

// The n-sweep: one fit per draw gives both the linear model and the one with its residual;
// both are scored on the rows the fit did not see.
struct SweepCell {
  double linear_w10 = 0, linear_rms = 0, linear_rho = 0;
  double boosted_w10 = 0, boosted_rms = 0, boosted_rho = 0;
  int kept = 0, draws = 0;
  double fit_s = 0;            // per fit
  cost::FewShotModel example;  // a fit that kept its residual (if any did)
};

SweepCell sweep_cell(const Target& t, cost::ArchFeatures& features, const std::vector<std::vector<double>>& rows,
                     int train, int repeats, uint64_t seed, const cost::PriorFitOptions& fit) {
  SweepCell c;
  cost::few_shot_draws(t.ms, t.macs, {.train = train, .repeats = repeats, .seed = seed},
                       [&](const std::vector<size_t>& picked) {
                         std::vector<space::Arch> archs;
                         std::vector<double> ms;
                         for (size_t i : picked) {
                           archs.push_back(t.archs[i]);
                           ms.push_back(t.ms[i]);
                         }
                         const auto start = std::chrono::steady_clock::now();
                         cost::FewShotModel m = cost::fit_few_shot(t.prior, features, archs, ms, fit);
                         c.fit_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                         const std::vector<double> boosted = m.predict_many_ms(rows);
                         if (m.residual) {
                           ++c.kept;
                           c.example = m;
                         }
                         m.residual = nullptr;
                         const std::vector<double> linear = m.predict_many_ms(rows);
                         std::vector<bool> seen(rows.size(), false);
                         for (size_t i : picked) seen[i] = true;
                         std::vector<double> held_ms, held_linear, held_boosted;
                         for (size_t i = 0; i < rows.size(); ++i)
                           if (!seen[i]) {
                             held_ms.push_back(t.ms[i]);
                             held_linear.push_back(linear[i]);
                             held_boosted.push_back(boosted[i]);
                           }
                         const cost::Accuracy l = cost::accuracy(held_linear, held_ms);
                         const cost::Accuracy b = cost::accuracy(held_boosted, held_ms);
                         c.linear_w10 += l.within_10, c.linear_rms += l.rel_rmse, c.linear_rho += l.spearman;
                         c.boosted_w10 += b.within_10, c.boosted_rms += b.rel_rmse, c.boosted_rho += b.spearman;
                         ++c.draws;
                         return cost::FewShotFit{boosted, m.candidates.front().lambda};
                       });
  const double n = static_cast<double>(c.draws);
  for (double* v :
       {&c.linear_w10, &c.linear_rms, &c.linear_rho, &c.boosted_w10, &c.boosted_rms, &c.boosted_rho, &c.fit_s})
    *v /= n;
  return c;
}

// Predictions per second of `m` over `rows`: all of them in one call, and one call per row.
std::pair<double, double> prediction_rates(const cost::FewShotModel& m, const std::vector<std::vector<double>>& rows) {
  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  const std::vector<double> batch = m.predict_many_ms(rows);
  const double batch_rate =
      static_cast<double>(rows.size()) / std::chrono::duration<double>(Clock::now() - start).count();
  start = Clock::now();
  for (size_t i = 0; i < rows.size(); ++i)
    if (m.predict_ms(rows[i]) != batch[i]) fail("bench", "row {}: one prediction differs from the batch's", i);
  const double single_rate =
      static_cast<double>(rows.size()) / std::chrono::duration<double>(Clock::now() - start).count();
  return {batch_rate, single_rate};
}

void print_sweep(const std::vector<Target>& targets, cost::ArchFeatures& features, const std::vector<int>& trains,
                 int repeats, uint64_t seed, const cost::PriorFitOptions& fit) {
  fmt::print(
      "n-sweep, scored on the rows each fit did not see (mean over draws): within +-10%, RMS of the relative "
      "error, Spearman;\neach as linear, then with the residual trees where 5-fold CV kept them (kept: draws)\n");
  fmt::print("{:<10} {:>5}  {:>15}  {:>15}  {:>15}  {:>5} {:>7}\n", "device", "n", "within 10%", "RMS", "Spearman",
             "kept", "fit s");
  std::optional<cost::FewShotModel> example;
  std::vector<std::vector<double>> example_rows;
  for (const Target& t : targets) {
    std::vector<std::vector<double>> rows;
    for (const space::Arch& a : t.archs) rows.push_back(features.of(a));
    for (int n : trains) {
      const SweepCell c = sweep_cell(t, features, rows, n, repeats, seed, fit);
      fmt::print("{:<10} {:>5}  {:>6.1f}% {:>6.1f}%  {:>6.1f}% {:>6.1f}%  {:>7.3f} {:>7.3f}  {:>2}/{:<2} {:>7.2f}\n",
                 short_name(t.column), n, 100 * c.linear_w10, 100 * c.boosted_w10, 100 * c.linear_rms,
                 100 * c.boosted_rms, c.linear_rho, c.boosted_rho, c.kept, c.draws, c.fit_s);
      if (c.kept > 0) fmt::print("{:<17} e.g. {}\n", "", c.example.source());
      if (c.kept > 0 && !example) {
        example = c.example;
        example_rows = rows;
      }
    }
  }
  if (example) {
    const auto [batch, single] = prediction_rates(*example, example_rows);
    fmt::print(
        "predictions of a model with a residual ({} rounds, depth {}): {:.0f}/s in one batch of {}, "
        "{:.0f}/s one at a time (features given)\n",
        example->residual->shape().rounds, example->residual->shape().depth, batch, example_rows.size(), single);
  }
}

// "7" or "1-20".
std::pair<uint64_t, uint64_t> seed_range(const std::string& text) {
  const auto dash = text.find('-');
  try {
    if (dash == std::string::npos) return {std::stoull(text), std::stoull(text)};
    const uint64_t lo = std::stoull(text.substr(0, dash)), hi = std::stoull(text.substr(dash + 1));
    if (lo <= hi) return {lo, hi};
  } catch (const std::exception&) {
  }
  fail("--seeds", "'{}' is not a seed or a range of seeds like 1-20", text);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("leave-one-device-out few-shot prior for NB201 latency ranking");
  std::string csv = std::string(HWNAS_SHARED_DATA_DIR) + "/nb201/nb201_latency.csv";
  std::vector<int> trains = {10};
  int repeats = 20;
  uint64_t seed = 1;
  std::string seeds;
  std::vector<std::string> devices;
  app.add_option("--train", trains,
                 "measured rows of the left-out device the fit sees; several (10,100,1000): the n-sweep")
      ->delimiter(',');
  cost::PriorFitOptions fit;
  app.add_option("--residual-clip", fit.residual.clip,
                 "n-sweep: the residual stage's clamp on its targets (log units)");
  app.add_option("--residual-min-gain", fit.residual.min_gain, "n-sweep: the CV gain the residual must show");
  app.add_option("--residual-min-rows", fit.residual.min_rows, "n-sweep: the fewest rows the residual is tried on");
  app.add_option("--devices", devices, "only these device columns (comma-separated; default: every latency column)")
      ->delimiter(',');
  app.add_option("--repeats", repeats, "random draws of those rows");
  app.add_option("--csv", csv, "the NB201 latency table");
  app.add_option("--seed", seed, "which rows are drawn");
  app.add_option("--seeds", seeds, "a range of draw seeds, e.g. 1-20: per-seed means and their spread")
      ->excludes("--seed");
  CLI11_PARSE(app, argc, argv);
  try {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const auto space = target::resolve_space("nb201");
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
    std::vector<Target> targets;
    for (const std::string& device : devices.empty() ? cost::default_prior_columns(t, "") : devices) {
      Target target{
          device, cost::fit_prior(t, features, "arch_str", cost::default_prior_columns(t, device)), {}, {}, {}};
      const int c = t.column(device);
      for (size_t r = 0; r < t.rows.size(); ++r)
        if (const auto v = t.number_or_empty(r, c)) {
          target.archs.push_back(archs[r]);
          target.ms.push_back(*v);
          target.macs.push_back(macs[r]);
        }
      targets.push_back(std::move(target));
    }
    const int train = trains.front();
    fmt::print(
        "few-shot prior model (cost/few_shot_prior.h), leave one device out: the prior is every other "
        "*latency_ms column of {} ({} rows, energy never used);\n{} random archs of the left-out device per fit "
        "(every choice of the fit made on them), {} draws; Spearman over every arch with a value\n",
        t.source, t.rows.size(), fmt::join(trains, ", "), repeats);
    const double n = static_cast<double>(targets.size());
    if (trains.size() > 1) {
      print_sweep(targets, features, trains, repeats, seed, fit);
    } else if (seeds.empty()) {
      fmt::print("{:<26} {:>6}  {:>14} {:>8}  {:>8}  {:>14}\n", "device column", "rows", "Spearman mean", "min",
                 "Kendall", "FLOPs Spearman");
      double sum = 0, flops_sum = 0;
      for (const Target& target : targets) {
        const Summary s = run(target, features, train, repeats, seed);
        fmt::print("{:<26} {:>6}  {:>14.3f} {:>8.3f}  {:>8.3f}  {:>14.3f}\n", target.column, target.ms.size(), s.mean,
                   s.min, s.kendall, s.flops);
        sum += s.mean;
        flops_sum += s.flops;
      }
      fmt::print("{:<26} {:>6}  {:>14.3f} {:>8}  {:>8}  {:>14.3f}   (acceptance: >= 0.93)\n", "mean over devices", "",
                 sum / n, "", "", flops_sum / n);
    } else {
      const auto [lo, hi] = seed_range(seeds);
      fmt::print("Spearman, mean of the {} draws per seed\n{:>5}", repeats, "seed");
      for (const Target& target : targets) fmt::print(" {:>9}", short_name(target.column));
      fmt::print(" {:>9}\n", "mean");
      std::vector<double> device_sum(targets.size(), 0.0), seed_means;
      for (uint64_t s = lo; s <= hi; ++s) {
        fmt::print("{:>5}", s);
        double sum = 0;
        for (size_t k = 0; k < targets.size(); ++k) {
          const double m = run(targets[k], features, train, repeats, s).mean;
          fmt::print(" {:>9.3f}", m);
          device_sum[k] += m;
          sum += m;
        }
        seed_means.push_back(sum / n);
        fmt::print(" {:>9.4f}{}\n", seed_means.back(), seed_means.back() < 0.93 ? "  < 0.93" : "");
      }
      const double seeds_n = static_cast<double>(seed_means.size());
      fmt::print("{:>5}", "mean");
      for (double d : device_sum) fmt::print(" {:>9.3f}", d / seeds_n);
      double average = 0;
      for (double m : seed_means) average += m / seeds_n;
      fmt::print(
          " {:>9.4f}\nover seeds {}-{}: the mean over devices is min {:.4f}, mean {:.4f}, max {:.4f}; "
          "{} of {} seeds under 0.93 (acceptance: none)\n",
          average, lo, hi, *std::min_element(seed_means.begin(), seed_means.end()), average,
          *std::max_element(seed_means.begin(), seed_means.end()),
          std::count_if(seed_means.begin(), seed_means.end(), [](double m) { return m < 0.93; }), seed_means.size());
    }
    fmt::print("time: {:.1f} s (features and MACs of {} archs: {:.1f} s, {} graphs decoded for the live features)\n",
               std::chrono::duration<double>(Clock::now() - start).count(), archs.size(), features_s,
               features.decodes());
  } catch (const hwnas::Error& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  }
  return 0;
}
