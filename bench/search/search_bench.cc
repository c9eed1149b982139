// hwnas_search_bench: every search strategy on NAS-Bench-201 CIFAR-10 against the truth
// computed exhaustively from the tables (issue 5's benchmark and acceptance).
//
//   hwnas_search_bench                                   # everything: 8 strategies x 10 seeds x
//                                                        # 6 devices x {cheap, expensive} latency
//   hwnas_search_bench --devices raspi4 --modes cheap --strategies auto,random
//
// Problem: maximise test_acc_200ep (looked up in nb201_cifar10.csv), minimise the device's
// latency (looked up in nb201_latency.csv; rows without a value for the device are not part
// of that device's space). "cheap": latency is known for any candidate without spending budget
// (SearchProblem::cheap, as a cost model would give it); "expensive": both metrics cost a trial.
// Each run asks in rounds of 8 like exp::run_experiment and spends at most the largest budget;
// the figures at smaller budgets are read from the same run's first trials (no strategy's
// proposals depend on the budget except auto's choice, which is the same for 100..300).
//
// Printed per device and mode, means over seeds:
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
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/search/factory.h"
#include "hwnas/search/pareto.h"
#include "hwnas/space/nb201_space.h"

namespace {

using hwnas::search::Objective;
using hwnas::search::Point;
using hwnas::search::Trial;

constexpr int kRoundSize = 8;          // as exp::run_experiment
constexpr int kOptimumBudget = 150;    // issue 5: the constrained optimum within 150 trials

const std::vector<Objective> kObjectives = {{"accuracy", true}, {"latency_ms", false}};

struct Device {
  std::string name;                                          // e.g. raspi4
  std::unordered_map<std::string, std::pair<double, double>> rows;  // arch -> (accuracy, latency)
  std::set<std::string> front;        // true Pareto front
  double hv = 0;                      // its hypervolume
  Point reference;                    // (worst accuracy, worst latency)
  double median = 0;                  // median latency
  std::set<std::string> optimum;      // best accuracy with latency <= median (ties: all)
  double optimum_acc = 0;
};

Device load_device(const std::string& name, const std::filesystem::path& data) {
  auto acc_t = hwnas::core::read_csv(data / "nb201_cifar10.csv");
  auto lat_t = hwnas::core::read_csv(data / "nb201_latency.csv");
  std::unordered_map<std::string, double> acc;
  for (size_t r = 0; r < acc_t.rows.size(); ++r)
    acc[acc_t.rows[r][acc_t.column("arch_str")]] = acc_t.number(r, acc_t.column("test_acc_200ep"));
  Device d{name, {}, {}, 0, {}, 0, {}, 0};
  const int lat_col = lat_t.column(name + "_latency_ms");
  for (size_t r = 0; r < lat_t.rows.size(); ++r) {
    const std::string& arch = lat_t.rows[r][lat_t.column("arch_str")];
    auto lat = lat_t.number_or_empty(r, lat_col);
    auto it = acc.find(arch);
    if (!lat || it == acc.end()) continue;  // not part of this device's space
    d.rows[arch] = {it->second, *lat};
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
  d.reference = {pts[0][0], pts[0][1]};
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

// The archs evaluated by one run, in trial order (budgeted trials only). With max_latency, the
// experiment has the hard constraint latency_ms <= max_latency: with latency cheap, violating
// candidates are told Infeasible for free; with latency expensive, they cost their trial.
std::vector<std::string> run_search(const std::string& strategy, uint64_t seed, const Device& device,
                                    bool cheap_latency, int budget, std::optional<double> max_latency) {
  auto space = std::make_unique<hwnas::space::Nb201Space>();
  auto row = [&](const hwnas::space::Arch& a) -> const std::pair<double, double>* {
    auto it = device.rows.find(space->to_string(a));
    return it == device.rows.end() ? nullptr : &it->second;
  };
  hwnas::search::SearchProblem problem;
  problem.space = space.get();
  problem.objectives = kObjectives;
  problem.budget = budget;
  // Archs without a latency for the device are outside its space: infeasible in both modes.
  problem.cheap = [&](const hwnas::space::Arch& a) -> std::optional<std::map<std::string, double>> {
    const auto* r = row(a);
    if (!r) return std::nullopt;
    if (!cheap_latency) return std::map<std::string, double>{};
    if (max_latency && r->second > *max_latency) return std::nullopt;
    return std::map<std::string, double>{{"latency_ms", r->second}};
  };
  hwnas::search::StrategyConfig config;
  config.name = strategy;
  config.seed = seed;
  auto s = hwnas::search::make_strategy(config, problem);
  std::vector<std::string> evaluated;
  int64_t id = 0;
  while (static_cast<int>(evaluated.size()) < budget) {
    std::vector<hwnas::space::Arch> round;
    const int want = std::min<int>(kRoundSize, budget - static_cast<int>(evaluated.size()));
    while (static_cast<int>(round.size()) < want) {
      auto a = s->ask();
      if (!a) break;
      if (!problem.cheap(*a)) {  // the middleware tells infeasible proposals at once, for free
        Trial t;
        t.id = -1;
        t.arch = *a;
        t.arch_str = space->to_string(*a);
        t.status = hwnas::search::TrialStatus::Infeasible;
        s->tell(t);
        continue;
      }
      round.push_back(*a);
    }
    if (round.empty()) break;
    for (const auto& a : round) {
      const auto* r = row(a);
      Trial t;
      t.id = id++;
      t.arch = a;
      t.arch_str = space->to_string(a);
      t.metrics = {{"accuracy", r->first}, {"latency_ms", r->second}};
      if (max_latency && r->second > *max_latency) t.status = hwnas::search::TrialStatus::Infeasible;
      s->tell(t);
      evaluated.push_back(t.arch_str);
    }
  }
  return evaluated;
}

struct Score {
  std::vector<double> front_share, hv_gap;  // per budget, in %
  std::optional<int> to_optimum;             // trials until the constrained optimum
};

// `evaluated`: the unconstrained run; `constrained`: the run with latency <= median.
Score score(const std::vector<std::string>& evaluated, const std::vector<std::string>& constrained, const Device& d,
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
  for (size_t i = 0; i < constrained.size() && !s.to_optimum; ++i)
    if (d.optimum.count(constrained[i])) s.to_optimum = static_cast<int>(i) + 1;
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

int run(int argc, char** argv) {
  CLI::App app("hwnas search benchmark: every strategy on NAS-Bench-201 CIFAR-10 x device latency");
  std::string strategies = "auto,random,grid,evolution,nsga2,reinforce,local,predictor";
  std::string devices = "edgegpu,raspi4,gtx1080ti_b1,xeon_gold6240,samsung_s7,titanx_b1";
  std::string modes = "cheap,expensive";
  std::string budgets_s = "100,200,300";
  std::string data = HWNAS_SHARED_DATA_DIR "/nb201";
  int seeds = 10, threads = 2;
  app.add_option("--strategies", strategies, "comma-separated strategy names");
  app.add_option("--devices", devices, "comma-separated latency columns of nb201_latency.csv (without _latency_ms)");
  app.add_option("--modes", modes, "cheap (latency known for free) and/or expensive");
  app.add_option("--budgets", budgets_s, "trial budgets to report, ascending");
  app.add_option("--seeds", seeds, "seeds 0..N-1");
  app.add_option("--threads", threads, "runs in parallel");
  app.add_option("--data", data, "folder of the NB201 tables");
  CLI11_PARSE(app, argc, argv);

  std::vector<int> budgets;
  for (const auto& b : split(budgets_s)) budgets.push_back(std::stoi(b));
  const int budget = budgets.back();
  const auto strategy_list = split(strategies);
  bool acceptance_failed = false;

  for (const std::string& device_name : split(devices)) {
    const Device device = load_device(device_name, data);
    for (const std::string& mode : split(modes)) {
      if (mode != "cheap" && mode != "expensive") hwnas::fail("--modes", "unknown mode '{}' (cheap, expensive)", mode);
      const bool cheap = mode == "cheap";
      // Runs of every strategy and seed, on `threads` threads; results by (strategy, seed).
      std::vector<std::pair<std::string, int>> jobs;
      for (const auto& s : strategy_list)
        for (int seed = 0; seed < seeds; ++seed) jobs.emplace_back(s, seed);
      std::vector<Score> scores(jobs.size());
      std::vector<double> seconds(jobs.size());
      std::atomic<size_t> next{0};
      std::mutex error_mutex;
      std::optional<std::string> error;
      auto worker = [&] {
        for (size_t j; (j = next++) < jobs.size();) {
          try {
            auto t0 = std::chrono::steady_clock::now();
            auto evaluated = run_search(jobs[j].first, jobs[j].second, device, cheap, budget, std::nullopt);
            auto constrained = run_search(jobs[j].first, jobs[j].second, device, cheap, budget, device.median);
            seconds[j] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / 2;
            scores[j] = score(evaluated, constrained, device, budgets);
          } catch (const std::exception& e) {
            std::lock_guard lock(error_mutex);
            error = fmt::format("{} seed {}: {}", jobs[j].first, jobs[j].second, e.what());
          }
        }
      };
      std::vector<std::thread> pool;
      for (int t = 0; t < std::max(1, threads); ++t) pool.emplace_back(worker);
      for (auto& t : pool) t.join();
      if (error) hwnas::fail("benchmark", "{}", *error);

      fmt::print("\nNB201 CIFAR-10 x {}: accuracy = test_acc_200ep (looked up: nb201_cifar10.csv), latency = "
                 "{}_latency_ms (looked up: nb201_latency.csv), latency {}; {} archs; true front {} archs; "
                 "constrained optimum {:.2f}% at latency <= median {:.3f} ms; {} seeds\n",
                 device_name, device_name, cheap ? "CHEAP (free for any candidate)" : "EXPENSIVE (costs a trial)",
                 device.rows.size(), device.front.size(), device.optimum_acc, device.median, seeds);
      std::string head = fmt::format("{:<10}", "strategy");
      for (int b : budgets) head += fmt::format(" front%@{:<4}", b);
      for (int b : budgets) head += fmt::format(" HVgap%@{:<4}", b);
      head += fmt::format("  optimum: median  <={}  <={}   s/run\n", kOptimumBudget, budget);
      fmt::print("{}", head);
      for (const auto& name : strategy_list) {
        std::vector<double> share(budgets.size()), gap(budgets.size());
        std::vector<int> hits;
        int within150 = 0, within_budget = 0, n = 0;
        double secs = 0;
        for (size_t j = 0; j < jobs.size(); ++j) {
          if (jobs[j].first != name) continue;
          ++n;
          secs += seconds[j];
          for (size_t b = 0; b < budgets.size(); ++b) share[b] += scores[j].front_share[b], gap[b] += scores[j].hv_gap[b];
          const auto& k = scores[j].to_optimum;
          hits.push_back(k ? *k : budget + 1);  // not found: counts as beyond the budget
          within150 += k && *k <= kOptimumBudget;
          within_budget += k.has_value();
        }
        std::sort(hits.begin(), hits.end());
        int median = hits[hits.size() / 2];
        std::string line = fmt::format("{:<10}", name);
        for (double v : share) line += fmt::format(" {:>11.1f}", v / n);
        for (double v : gap) line += fmt::format(" {:>11.2f}", v / n);
        line += fmt::format("  {:>14} {:>5} {:>5} {:>7.2f}\n",
                            median > budget ? fmt::format(">{}", budget) : std::to_string(median),
                            fmt::format("{}/{}", within150, n), fmt::format("{}/{}", within_budget, n), secs / n);
        fmt::print("{}", line);
        if (name == "auto" && device_name == "raspi4" && cheap && seeds == 10 && budget >= 300) {
          const double share300 = share[std::find(budgets.begin(), budgets.end(), 300) - budgets.begin()] / n;
          const bool ok = budgets.end() != std::find(budgets.begin(), budgets.end(), 300) && share300 >= 25 &&
                          within150 >= 8;
          acceptance_failed = acceptance_failed || !ok;
          fmt::print("ACCEPTANCE (issue 5, raspi4, latency cheap, default strategy auto): front share at 300 "
                     "= {:.1f}% (need >= 25%), constrained optimum within 150 trials in {}/10 seeds (need >= 8): "
                     "{}\n",
                     share300, within150, ok ? "PASS" : "FAIL");
        }
      }
      std::fflush(stdout);
    }
  }
  return acceptance_failed ? 1 : 0;
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
