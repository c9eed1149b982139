#pragma once
// A realistic `hwnas search` output folder for the report tests, built from the published
// NAS-Bench-201 tables (no search code involved): `n` random distinct architectures with their
// CIFAR-10 accuracy (test_acc_200ep), Raspberry Pi 4 latency and FLOPs; a hard latency limit
// (trials beyond it are infeasible), a soft FLOPs limit (penalty), every 50th trial failed.
// The Pareto front and the best trials are computed here by brute force, independently of
// the library, so the tests can compare the report against them.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <numeric>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hwnas/core/csv.h"
#include "hwnas/core/files.h"
#include "hwnas/core/rng.h"
#include "testing.h"

namespace hwnas::report::testing {

struct FixtureTrial {
  int64_t id = 0;
  std::string arch;
  double accuracy = 0, latency_ms = 0, flops_m = 0;
  std::string status;  // ok | failed | infeasible
  double penalty = 0;
  std::string error;
};

struct Nb201Run {
  std::filesystem::path dir;
  std::vector<FixtureTrial> trials;
  std::vector<int64_t> front;  // ids of the ok trials no other ok trial dominates, id order
  int64_t best_accuracy_id = -1, best_latency_id = -1;
  int count(const std::string& status) const {
    return static_cast<int>(std::count_if(trials.begin(), trials.end(), [&](auto& t) { return t.status == status; }));
  }
  const FixtureTrial& by_id(int64_t id) const { return trials.at(static_cast<size_t>(id - 1)); }
};

inline constexpr double kLatencyLimitMs = 30.0;  // hard
inline constexpr double kFlopsLimitM = 150.0;    // soft, weight 0.01 per MFLOP beyond

inline Nb201Run write_nb201_run(const std::filesystem::path& dir, int n = 300, uint64_t seed = 7) {
  static const core::CsvTable acc = core::read_csv(hwnas::testing::shared_data() / "nb201" / "nb201_cifar10.csv");
  static const core::CsvTable lat = core::read_csv(hwnas::testing::shared_data() / "nb201" / "nb201_latency.csv");
  Nb201Run run;
  run.dir = dir;
  std::vector<size_t> rows(acc.rows.size());
  std::iota(rows.begin(), rows.end(), size_t{0});
  Rng rng(seed);
  rng.shuffle(rows);
  const int a_arch = acc.column("arch_str"), a_acc = acc.column("test_acc_200ep"), a_flops = acc.column("flops_M");
  const int l_arch = lat.column("arch_str"), l_ms = lat.column("raspi4_latency_ms");
  for (int i = 0; i < n; ++i) {
    const size_t r = rows[i];
    EXPECT_EQ(acc.rows[r][a_arch], lat.rows[r][l_arch]);  // both tables in arch_index order
    FixtureTrial t{
        i + 1LL, acc.rows[r][a_arch], acc.number(r, a_acc), lat.number(r, l_ms), acc.number(r, a_flops), "ok", 0.0, ""};
    t.penalty = 0.01 * std::max(0.0, t.flops_m - kFlopsLimitM);
    if (t.id % 50 == 0) {
      t.status = "failed";
      t.error = "evaluation timed out after 60 s";
    } else if (t.latency_ms > kLatencyLimitMs) {
      t.status = "infeasible";
      t.error = "latency_ms = " + core::format_number(t.latency_ms) + " is above the hard max 30";
    }
    run.trials.push_back(t);
  }
  // Brute-force front (accuracy max, latency min) and best-under-penalty, over ok trials.
  for (const auto& a : run.trials) {
    if (a.status != "ok") continue;
    bool dominated = false;
    for (const auto& b : run.trials)
      dominated |= b.status == "ok" && b.accuracy >= a.accuracy && b.latency_ms <= a.latency_ms &&
                   (b.accuracy > a.accuracy || b.latency_ms < a.latency_ms);
    if (!dominated) run.front.push_back(a.id);
    if (run.best_accuracy_id < 0 ||
        a.accuracy - a.penalty > run.by_id(run.best_accuracy_id).accuracy - run.by_id(run.best_accuracy_id).penalty)
      run.best_accuracy_id = a.id;
    if (run.best_latency_id < 0 ||
        a.latency_ms + a.penalty < run.by_id(run.best_latency_id).latency_ms + run.by_id(run.best_latency_id).penalty)
      run.best_latency_id = a.id;
  }

  const auto csv = [&](const std::vector<int64_t>& ids) {
    std::string out =
        core::csv_line({"id", "arch", "accuracy", "latency_ms", "flops_M", "status", "penalty", "seconds", "error"});
    for (int64_t id : ids) {
      const FixtureTrial& t = run.by_id(id);
      const bool failed = t.status == "failed";
      out += core::csv_line({std::to_string(t.id), t.arch, failed ? "" : core::format_number(t.accuracy),
                             failed ? "" : core::format_number(t.latency_ms),
                             failed ? "" : core::format_number(t.flops_m), t.status, core::format_number(t.penalty),
                             core::format_number(0.002 + 0.0001 * (id % 7)), t.error});
    }
    return out;
  };
  std::vector<int64_t> all(run.trials.size());
  std::iota(all.begin(), all.end(), int64_t{1});
  write_file_atomic(dir / "trials.csv", csv(all));
  write_file_atomic(dir / "pareto.csv", csv(run.front));

  const auto trial_json = [&](int64_t id) {
    const FixtureTrial& t = run.by_id(id);
    return nlohmann::json{
        {"id", id},
        {"arch", t.arch},
        {"penalty", t.penalty},
        {"metrics",
         {{"accuracy", {{"value", t.accuracy}, {"source", "looked up (table nb201_cifar10.csv:test_acc_200ep)"}}},
          {"latency_ms",
           {{"value", t.latency_ms}, {"source", "looked up (table nb201_latency.csv:raspi4_latency_ms)"}}},
          {"flops_M", {{"value", t.flops_m}, {"source", "looked up (table nb201_cifar10.csv:flops_M)"}}}}}};
  };
  nlohmann::json best = {
      {"name", "nb201-raspi4"},
      {"counts",
       {{"ok", run.count("ok")},
        {"failed", run.count("failed")},
        {"infeasible", run.count("infeasible")},
        {"skipped", 0}}},
      {"best", {{"accuracy", trial_json(run.best_accuracy_id)}, {"latency_ms", trial_json(run.best_latency_id)}}},
      {"front", nlohmann::json::array()}};
  for (int64_t id : run.front) best["front"].push_back(trial_json(id));
  write_file_atomic(dir / "best.json", best.dump(2));

  write_file_atomic(dir / "experiment.yaml", R"(name: nb201-raspi4
space: nb201
metrics:
  accuracy: {table: /data/nb201/nb201_cifar10.csv, key: arch_str, column: test_acc_200ep}
  latency_ms: {table: /data/nb201/nb201_latency.csv, key: arch_str, column: raspi4_latency_ms}
  flops_M: {table: /data/nb201/nb201_cifar10.csv, key: arch_str, column: flops_M, cost: cheap}
objectives: [{metric: accuracy, goal: max}, {metric: latency_ms, goal: min}]
constraints: [{metric: latency_ms, max: 30}, {metric: flops_M, max: 150, soft: 0.01}]
strategy: {name: evolution, seed: 1, population: 50}
budget: {trials: 300}
workers: 2
output: /runs/nb201-raspi4
)");
  return run;
}

}  // namespace hwnas::report::testing
