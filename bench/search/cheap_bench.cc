// hwnas_cheap_bench: how fast a search goes when every metric is cheap (issue 5's acceptance:
// "a search over 10^6 candidates with only cheap metrics (mbconv, roofline latency) takes at
// most 10 s on one core"). One thread throughout.
//
//   hwnas_cheap_bench                       # 10^6 candidates, pixel3-cpu, latency <= 30 ms
//   hwnas_cheap_bench --candidates 100000 --device raspi4 --max-ms 40 --trials 5000
//
// Two figures, both on the product's code (an experiment file built by exp::build_experiment,
// its latency metric {model: roofline, device: D} on the cost::ArchLatency fast path):
//   1. screening: candidates drawn as strategies draw them (uniform samples of the mbconv
//      space) and scored by the experiment's CheapEval (exp::make_cheap_eval: every cheap
//      metric, then the hard limits), which is what the predictor does with its pool and what
//      the constraints middleware does before a trial; the fastest feasible one is kept;
//   2. trials: exp::run_experiment on the same experiment with an in-memory store and
//      strategy evolution, where every candidate becomes a trial (a row of the trial store).
#include <chrono>
#include <cstdio>
#include <limits>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "hwnas/core/error.h"
#include "hwnas/core/rng.h"
#include "hwnas/exp/config.h"
#include "hwnas/exp/constrained_strategy.h"
#include "hwnas/exp/experiment.h"
#include "hwnas/exp/runner.h"

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

int run(int argc, char** argv) {
  CLI::App app("hwnas cheap-metric search speed: mbconv candidates scored by a roofline latency model");
  int64_t candidates = 1'000'000;
  int trials = 20'000;
  std::string device = "pixel3-cpu";
  double max_ms = 30;
  app.add_option("--candidates", candidates, "candidates to screen");
  app.add_option("--trials", trials, "trials of the run through exp::run_experiment (0: skip)");
  app.add_option("--device", device, "device profile for the roofline model");
  app.add_option("--max-ms", max_ms, "hard latency limit (ms)");
  CLI11_PARSE(app, argc, argv);

  const std::string yaml = fmt::format(
      "name: cheap-bench\n"
      "space: mbconv\n"
      "metrics:\n"
      "  latency_ms: {{model: roofline, device: {}, dtype: f32}}\n"
      "objectives: [{{metric: latency_ms, goal: min}}]\n"
      "constraints: [{{metric: latency_ms, max: {}}}]\n"
      "strategy: {{name: evolution, seed: 1}}\n"
      "budget: {{trials: {}}}\n"
      "output: unused\n",
      device, max_ms, std::max(trials, 1));
  const hwnas::exp::Experiment e = hwnas::exp::build_experiment(hwnas::exp::parse_config(yaml, "cheap-bench.yaml"));
  const auto cheap = hwnas::exp::make_cheap_eval(e.space, e.metrics, e.config.constraints);
  fmt::print("space mbconv ({:.3g} archs); latency_ms {}; hard limit latency_ms <= {} ms; one thread\n",
             e.space->size(), e.metrics[0]->source(), max_ms);

  hwnas::Rng rng(1);
  int64_t feasible = 0;
  double best = std::numeric_limits<double>::infinity();
  const auto t0 = Clock::now();
  for (int64_t i = 0; i < candidates; ++i) {
    const auto values = cheap(e.space->sample(rng));
    if (!values) continue;
    ++feasible;
    best = std::min(best, values->at("latency_ms"));
  }
  const double s = since(t0);
  fmt::print(
      "screening: {} candidates in {:.2f} s ({:.2f} us each, {:.0f} per s); {} feasible; fastest {:.3f} ms "
      "(predicted)\n",
      candidates, s, 1e6 * s / candidates, candidates / s, feasible, best);
  if (candidates >= 1'000'000)
    fmt::print("ACCEPTANCE (issue 5: 10^6 cheap candidates within 10 s on one core): {:.2f} s: {}\n", s,
               s <= 10 ? "PASS" : "FAIL");

  if (trials > 0) {
    hwnas::exp::RunOptions options;
    options.in_memory = true;
    const auto t1 = Clock::now();
    const auto summary = hwnas::exp::run_experiment(e, options);
    const double r = since(t1);
    fmt::print(
        "trials: exp::run_experiment, evolution, {} trials ({} ok) + {} skipped candidates in {:.2f} s "
        "({:.1f} us per trial)\n",
        summary.trials.size(), summary.ok, summary.skipped, r, 1e6 * r / std::max<size_t>(1, summary.trials.size()));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const hwnas::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
