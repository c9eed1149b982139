// hwnas_search_bench: search strategies on NAS-Bench-201 CIFAR-10 against the truth computed
// exhaustively from the tables (issue 5's benchmark and acceptance). Every run is a real
// experiment driven by exp::run_experiment (the product's runner: constraints middleware,
// rounds of 8, trial store), with the store in memory and no output files.
//
//   hwnas_search_bench                 # --quick (the default): the acceptance, auto and random
//                                      # on raspi4 with latency cheap, 10 seeds (a few minutes)
//   hwnas_search_bench --full          # every strategy x every device column of nb201_latency.csv
//                                      # x {cheap, expensive} x 10 seeds x budgets 100/200/300
//   hwnas_search_bench --devices edgegpu --strategies auto,random,evolution --seeds 20 --detail
//
// The experiment: maximise accuracy = test_acc_200ep (looked up in nb201_cifar10.csv), minimise
// latency_ms = <device>_latency_ms (looked up in nb201_latency.csv). "cheap": latency is a
// cheap metric (free for any candidate, as a cost model's would be); "expensive": both metrics
// cost a trial. Each run spends the largest budget; the figures at smaller budgets are read
// from its first trials (auto plans by its budget, and picks the same strategy for 100..300).
// Archs the device's column has no value for (edgegpu: 3,070) are outside its space: with
// latency cheap the runner never proposes them; with latency expensive they become failed
// trials, which these figures do not count (the run's budget is raised to make up for them).
//
// Printed per device and mode, means over seeds, random search as the baseline:
//   front %   share of the true Pareto front (archs) among the trials;
//   HV gap %  1 - HV(trials) / HV(true front), reference (worst accuracy, worst latency) of the table;
//   optimum   trials until the true constrained optimum (best accuracy with latency <= the
//             median latency of the table) was evaluated, in a second run of the same strategy
//             and seed whose experiment states that hard constraint (latency_ms <= median), as
//             a user looking for it would: median over seeds, and in how many seeds within 150
//             and within the largest budget.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/exp/config.h"
#include "hwnas/exp/experiment.h"
#include "hwnas/exp/runner.h"
#include "hwnas/search/factory.h"
#include "hwnas/search/pareto.h"

namespace {

using hwnas::search::Objective;
using hwnas::search::Point;

constexpr int kOptimumBudget = 150;  // issue 5: the constrained optimum within 150 trials

const std::vector<Objective> kObjectives = {{"accuracy", true}, {"latency_ms", false}};

// The truth for one device, from the whole tables.
struct Truth {
  std::string device;                                               // e.g. raspi4
  std::unordered_map<std::string, std::pair<double, double>> rows;  // arch -> (accuracy, latency)
  size_t archs_in_table = 0;                                        // rows of the latency table
  std::set<std::string> front;                                      // true Pareto front
  double hv = 0;                                                    // its hypervolume
  Point reference;                                                  // (worst accuracy, worst latency)
  double median = 0;                                                // median latency
  std::set<std::string> optimum;                                    // best accuracy with latency <= median (ties: all)
  double optimum_acc = 0;
};

Truth load_truth(const std::string& device, const std::filesystem::path& data) {
  auto acc_t = hwnas::core::read_csv(data / "nb201_cifar10.csv");
  auto lat_t = hwnas::core::read_csv(data / "nb201_latency.csv");
  std::unordered_map<std::string, double> acc;
  for (size_t r = 0; r < acc_t.rows.size(); ++r)
    acc[acc_t.rows[r][acc_t.column("arch_str")]] = acc_t.number(r, acc_t.column("test_acc_200ep"));
  Truth d;
  d.device = device;
  d.archs_in_table = lat_t.rows.size();
  const int lat_col = lat_t.column(device + "_latency_ms");
  for (size_t r = 0; r < lat_t.rows.size(); ++r) {
    const std::string& arch = lat_t.rows[r][lat_t.column("arch_str")];
    auto lat = lat_t.number_or_empty(r, lat_col);
    auto it = acc.find(arch);
    if (lat && it != acc.end()) d.rows[arch] = {it->second, *lat};
  }
  std::vector<std::string> archs;
  std::vector<Point> pts;
  std::vector<double> lats;
  for (const auto& [arch, v] : d.rows) {
    archs.push_back(arch);
    pts.push_back({v.first, v.second});
    lats.push_back(v.second);
  }
  for (size_t i : hwnas::search::pareto_front(pts, kObjectives)) d.front.insert(archs[i]);
  d.reference = pts[0];
  for (const Point& p : pts) d.reference = {std::min(d.reference[0], p[0]), std::max(d.reference[1], p[1])};
  d.hv = hwnas::search::hypervolume(pts, kObjectives, d.reference);
  std::sort(lats.begin(), lats.end());
  const size_t n = lats.size();
  d.median = n % 2 ? lats[n / 2] : (lats[n / 2 - 1] + lats[n / 2]) / 2;
  d.optimum_acc = -1;
  for (const auto& [arch, v] : d.rows)
    if (v.second <= d.median) d.optimum_acc = std::max(d.optimum_acc, v.first);
  for (const auto& [arch, v] : d.rows)
    if (v.second <= d.median && v.first == d.optimum_acc) d.optimum.insert(arch);
  return d;
}

// The devices of the latency table: its columns named <device>_latency_ms.
std::vector<std::string> table_devices(const std::filesystem::path& data) {
  const auto t = hwnas::core::read_csv(data / "nb201_latency.csv");
  const std::string suffix = "_latency_ms";
  std::vector<std::string> out;
  for (const std::string& c : t.header)
    if (c.size() > suffix.size() && c.ends_with(suffix)) out.push_back(c.substr(0, c.size() - suffix.size()));
  return out;
}

// The experiment file of a run (strategy and seed are set per run on a copy).
std::string experiment_yaml(const Truth& d, const std::filesystem::path& data, bool cheap_latency,
                            std::optional<double> max_latency, int budget,
                            const std::map<std::string, double>& params) {
  std::string strategy = "{name: auto, seed: 0";
  for (const auto& [k, v] : params) strategy += fmt::format(", {}: {}", k, v);
  strategy += "}";
  return fmt::format(
      "name: bench-{}\n"
      "space: nb201\n"
      "metrics:\n"
      "  accuracy:   {{table: {}, key: arch_str, column: test_acc_200ep}}\n"
      "  latency_ms: {{table: {}, key: arch_str, column: {}_latency_ms, cost: {}}}\n"
      "objectives: [{{metric: accuracy, goal: max}}, {{metric: latency_ms, goal: min}}]\n"
      "constraints: [{}]\n"
      "strategy: {}\n"
      "budget: {{trials: {}}}\n"
      "workers: 1\n"
      "output: unused\n",
      d.device, (data / "nb201_cifar10.csv").string(), (data / "nb201_latency.csv").string(), d.device,
      cheap_latency ? "cheap" : "expensive",
      max_latency ? fmt::format("{{metric: latency_ms, max: {:.17g}}}", *max_latency) : "", strategy, budget);
}

// The archs a run evaluated, in trial order: its first `budget` trials that did not fail.
std::vector<std::string> run_search(hwnas::exp::Experiment e, const std::string& strategy, uint64_t seed, int budget) {
  e.config.strategy.name = strategy;
  e.config.strategy.seed = seed;
  hwnas::exp::RunOptions options;
  options.in_memory = true;
  const auto summary = hwnas::exp::run_experiment(e, options);
  std::vector<std::string> evaluated;
  for (const auto& t : summary.trials)
    if (t.status != hwnas::search::TrialStatus::Failed && static_cast<int>(evaluated.size()) < budget)
      evaluated.push_back(t.arch_str);
  return evaluated;
}

struct Score {
  std::vector<double> front_share, hv_gap;  // per budget, in %
  std::optional<int> to_optimum;            // trials until the constrained optimum
  double best_at_150 = 0;                   // best feasible accuracy in the first 150 trials
};

// `evaluated`: the unconstrained run; `constrained`: the run with latency <= median.
Score score(const std::vector<std::string>& evaluated, const std::vector<std::string>& constrained, const Truth& d,
            const std::vector<int>& budgets) {
  Score s;
  for (int b : budgets) {
    std::vector<Point> pts;
    int on_front = 0;
    for (int i = 0; i < std::min<int>(b, evaluated.size()); ++i) {
      const auto& v = d.rows.at(evaluated[i]);
      pts.push_back({v.first, v.second});
      on_front += d.front.count(evaluated[i]);
    }
    s.front_share.push_back(100.0 * on_front / d.front.size());
    s.hv_gap.push_back(100.0 * (1 - hwnas::search::hypervolume(pts, kObjectives, d.reference) / d.hv));
  }
  for (size_t i = 0; i < constrained.size(); ++i) {
    const auto& [acc, lat] = d.rows.at(constrained[i]);
    if (i < kOptimumBudget && lat <= d.median) s.best_at_150 = std::max(s.best_at_150, acc);
    if (!s.to_optimum && d.optimum.count(constrained[i])) s.to_optimum = static_cast<int>(i) + 1;
  }
  return s;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

struct Options {
  std::vector<std::string> strategies, devices, modes;
  std::vector<int> budgets;
  std::map<std::string, double> params;
  int seeds = 10, threads = 2;
  bool detail = false;
  std::filesystem::path data;
};

// Runs every strategy and seed of one device and mode on `threads` threads and prints the table.
// Returns false when this table carries the acceptance and it fails.
bool bench_table(const Truth& d, bool cheap, const Options& o) {
  const int budget = o.budgets.back();
  // With latency expensive, archs without a latency fail: raise the budget to make up for them.
  const double coverage = static_cast<double>(d.rows.size()) / d.archs_in_table;
  const int run_budget = cheap ? budget : static_cast<int>(std::ceil(budget / coverage)) + 16;
  const auto build = [&](std::optional<double> max_latency) {
    return hwnas::exp::build_experiment(
        hwnas::exp::parse_config(experiment_yaml(d, o.data, cheap, max_latency, run_budget, o.params), "bench.yaml"));
  };
  const hwnas::exp::Experiment free_run = build(std::nullopt), constrained_run = build(d.median);

  std::vector<std::pair<std::string, int>> jobs;
  for (const auto& s : o.strategies)
    for (int seed = 0; seed < o.seeds; ++seed) jobs.emplace_back(s, seed);
  std::vector<Score> scores(jobs.size());
  std::vector<double> seconds(jobs.size());
  std::atomic<size_t> next{0};
  std::mutex error_mutex;
  std::optional<std::string> error;
  auto worker = [&] {
    for (size_t j; (j = next++) < jobs.size();) {
      try {
        const auto t0 = std::chrono::steady_clock::now();
        const auto evaluated = run_search(free_run, jobs[j].first, jobs[j].second, budget);
        const auto constrained = run_search(constrained_run, jobs[j].first, jobs[j].second, budget);
        seconds[j] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / 2;
        scores[j] = score(evaluated, constrained, d, o.budgets);
      } catch (const std::exception& e) {
        std::lock_guard lock(error_mutex);
        error = fmt::format("{} seed {}: {}", jobs[j].first, jobs[j].second, e.what());
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < std::max(1, o.threads); ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  if (error) hwnas::fail("benchmark", "{}", *error);

  fmt::print(
      "\nNB201 CIFAR-10 x {}: accuracy = test_acc_200ep (looked up: nb201_cifar10.csv), latency = "
      "{}_latency_ms (looked up: nb201_latency.csv), latency {}; {} archs; true front {} archs; "
      "constrained optimum {:.2f}% at latency <= median {:.3f} ms; {} seeds\n",
      d.device, d.device, cheap ? "CHEAP (free for any candidate)" : "EXPENSIVE (costs a trial)", d.rows.size(),
      d.front.size(), d.optimum_acc, d.median, o.seeds);
  std::string head = fmt::format("{:<10}", "strategy");
  for (int b : o.budgets) head += fmt::format(" front%@{:<4}", b);
  for (int b : o.budgets) head += fmt::format(" HVgap%@{:<4}", b);
  head += fmt::format("  optimum: median  <={}  <={}   s/run\n", kOptimumBudget, budget);
  fmt::print("{}", head);
  bool acceptance_ok = true;
  for (const auto& name : o.strategies) {
    std::vector<double> share(o.budgets.size()), gap(o.budgets.size());
    std::vector<int> hits;
    int within150 = 0, within_budget = 0, n = 0;
    double secs = 0;
    for (size_t j = 0; j < jobs.size(); ++j) {
      if (jobs[j].first != name) continue;
      const Score& s = scores[j];
      ++n;
      secs += seconds[j];
      for (size_t b = 0; b < o.budgets.size(); ++b) share[b] += s.front_share[b], gap[b] += s.hv_gap[b];
      hits.push_back(s.to_optimum.value_or(budget + 1));  // not found: counts as beyond the budget
      within150 += s.to_optimum && *s.to_optimum <= kOptimumBudget;
      within_budget += s.to_optimum.has_value();
      if (o.detail)
        fmt::print("  {} seed {}: constrained optimum at trial {}, best feasible accuracy in 150 trials {:.3f}\n", name,
                   jobs[j].second, s.to_optimum ? std::to_string(*s.to_optimum) : "-", s.best_at_150);
    }
    std::sort(hits.begin(), hits.end());
    const int median = hits[hits.size() / 2];
    std::string line = fmt::format("{:<10}", name);
    for (double v : share) line += fmt::format(" {:>11.1f}", v / n);
    for (double v : gap) line += fmt::format(" {:>11.2f}", v / n);
    line += fmt::format("  {:>14} {:>5} {:>5} {:>7.2f}\n",
                        median > budget ? fmt::format(">{}", budget) : std::to_string(median),
                        fmt::format("{}/{}", within150, n), fmt::format("{}/{}", within_budget, n), secs / n);
    fmt::print("{}", line);
    const auto at300 = std::find(o.budgets.begin(), o.budgets.end(), 300);
    if (name == "auto" && d.device == "raspi4" && cheap && o.seeds == 10 && at300 != o.budgets.end()) {
      const double share300 = share[at300 - o.budgets.begin()] / n;
      acceptance_ok = share300 >= 25 && within150 >= 8;
      fmt::print(
          "ACCEPTANCE (issue 5, raspi4, latency cheap, default strategy auto): front share at 300 "
          "= {:.1f}% (need >= 25%), constrained optimum within 150 trials in {}/10 seeds (need >= 8): {}\n",
          share300, within150, acceptance_ok ? "PASS" : "FAIL");
    }
  }
  std::fflush(stdout);
  return acceptance_ok;
}

int run(int argc, char** argv) {
  CLI::App app(
      "hwnas search benchmark: search strategies on NAS-Bench-201 CIFAR-10 x device latency, "
      "through exp::run_experiment");
  Options o;
  std::string strategies = "auto,random", devices = "raspi4", modes = "cheap", budgets = "100,200,300";
  std::vector<std::string> params;
  std::string data = HWNAS_SHARED_DATA_DIR "/nb201";
  bool full = false, quick = false;
  app.add_flag("--quick", quick, "the default: the acceptance (auto and random, raspi4, latency cheap, 10 seeds)");
  app.add_flag("--full", full, "every strategy x every device x cheap and expensive (one to two hours on 2 cores)");
  auto* s_opt = app.add_option("--strategies", strategies, "comma-separated strategy names");
  auto* d_opt = app.add_option("--devices", devices, "comma-separated device columns of nb201_latency.csv");
  auto* m_opt = app.add_option("--modes", modes, "cheap (latency known for free) and/or expensive");
  app.add_option("--budgets", budgets, "trial budgets to report, ascending");
  app.add_option("--seeds", o.seeds, "seeds 0..N-1");
  app.add_option("--threads", o.threads, "runs in parallel");
  app.add_option("--param", params, "strategy parameter key=value (repeatable), e.g. --param extreme=3");
  app.add_flag("--detail", o.detail, "one line per seed: when the constrained optimum was found");
  app.add_option("--data", data, "folder of the NB201 tables");
  CLI11_PARSE(app, argc, argv);
  o.data = data;
  if (full && quick) hwnas::fail("--quick, --full", "give one of them");
  if (full) {
    if (!s_opt->count()) strategies = fmt::format("{}", fmt::join(hwnas::search::strategy_names(), ","));
    if (!d_opt->count()) devices = fmt::format("{}", fmt::join(table_devices(o.data), ","));
    if (!m_opt->count()) modes = "cheap,expensive";
  }
  o.strategies = split(strategies);
  o.devices = split(devices);
  o.modes = split(modes);
  for (const auto& b : split(budgets)) o.budgets.push_back(std::stoi(b));
  if (o.budgets.empty() || !std::is_sorted(o.budgets.begin(), o.budgets.end()))
    hwnas::fail("--budgets", "give ascending trial budgets, e.g. 100,200,300");
  for (const auto& kv : params) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos) hwnas::fail("--param " + kv, "expected key=value, e.g. extreme=3");
    o.params[kv.substr(0, eq)] = std::stod(kv.substr(eq + 1));
  }
  for (const auto& m : o.modes)
    if (m != "cheap" && m != "expensive") hwnas::fail("--modes", "unknown mode '{}' (cheap, expensive)", m);

  bool ok = true;
  for (const std::string& device : o.devices) {
    const Truth truth = load_truth(device, o.data);
    for (const std::string& mode : o.modes) ok = bench_table(truth, mode == "cheap", o) && ok;
  }
  return ok ? 0 : 1;
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
