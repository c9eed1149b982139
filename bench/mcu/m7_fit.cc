// Fits the Cortex-M7 profiles' int8 figures to what hwnas's generated code costs (issue 14,
// items 4 and 7): samples networks of a space (dscnn by default), gives each random weights,
// quantizes, generates its C, runs it in QEMU and estimates every operator's cycles
// (codegen::run_on_cortex_m7: mcu::trace + the M7 issue model), then fits per op class
//   cycles = work / per_cycle + outputs x cycles_per_output + op_overhead
// with non-negative least squares (work: MACs, or elements for pools; the roofline's units).
// Prints the fit, its error on held-out networks (fit on even samples, tested on odd ones and
// on the built-in models given), the YAML for the profiles, and dscnn-mlperf's estimate beside
// the published MLPerf Tiny M7 results. Writes every operator to --csv (loads in pandas).
//
//   bench/run_m7_fit.sh                          # 24 dscnn samples, seed 1
//   build/bin/hwnas_m7_fit --samples 40 --space dscnn --holdout dscnn-mlperf --csv ops.csv
#include <cmath>
#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "hwnas/codegen/generate.h"
#include "hwnas/codegen/runner.h"
#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/core/rng.h"
#include "hwnas/hw/device.h"
#include "hwnas/ir/stats.h"
#include "hwnas/learn/nnls.h"
#include "hwnas/space/sample_distinct.h"
#include "hwnas/target/resolver.h"
#include "random_int8.h"

namespace fs = std::filesystem;
using namespace hwnas;

namespace {

// The classes the fit has columns for, in column order.
constexpr hw::OpClass kClasses[] = {hw::OpClass::Conv, hw::OpClass::Depthwise, hw::OpClass::FullyConnected,
                                    hw::OpClass::Pool, hw::OpClass::Elementwise};
constexpr int kN = static_cast<int>(std::size(kClasses));

struct OpRow {
  std::string network, node;
  hw::OpClass cls;
  double work = 0, outputs = 0, cycles = 0, instructions = 0;
};

int class_index(hw::OpClass c) {
  for (int k = 0; k < kN; ++k)
    if (kClasses[k] == c) return k;
  return -1;
}

std::vector<OpRow> measure(const mcu::Toolchain& tc, const std::string& name, const ir::Graph& g, uint64_t seed,
                           const fs::path& work) {
  const quant::QuantizedModel m = bench::random_int8(g, seed);
  const codegen::GeneratedModel gen = codegen::generate_c(m, {.prefix = "model"});
  const codegen::Cortexm7Run r =
      codegen::run_on_cortex_m7(tc, gen, {bench::random_input(gen.input_bytes, seed + 1)}, work);
  fs::remove_all(work);
  const ir::Stats stats = ir::compute_stats(m.graph);
  std::vector<OpRow> rows;
  for (const auto& op : r.ops) {
    const ir::Node& n = m.graph.node(op.op.node);
    rows.push_back({name, op.op.name, hw::op_class(n.op), hw::op_work(m.graph, stats, op.op.node),
                    static_cast<double>(n.shape.numel()), op.cycles.cycles,
                    static_cast<double>(op.cycles.instructions)});
  }
  return rows;
}

// Columns: work per class, outputs per class, one per operator.
std::vector<double> features(const OpRow& r) {
  std::vector<double> x(2 * kN + 1, 0.0);
  const int k = class_index(r.cls);
  if (k >= 0) x[k] = r.work, x[kN + k] = r.outputs;
  x[2 * kN] = 1;
  return x;
}

double predict(const std::vector<double>& coef, const OpRow& r) {
  const auto x = features(r);
  double y = 0;
  for (size_t j = 0; j < x.size(); ++j) y += coef[j] * x[j];
  return y;
}

std::vector<double> fit(const std::vector<OpRow>& rows) {
  std::vector<std::vector<double>> a;
  std::vector<double> b;
  for (const auto& r : rows) {
    if (class_index(r.cls) < 0) continue;
    // Relative error is what matters for a latency limit: weight each operator by 1 / cycles.
    const double w = 1.0 / std::max(1.0, r.cycles);
    auto x = features(r);
    for (double& v : x) v *= w;
    a.push_back(std::move(x));
    b.push_back(r.cycles * w);
  }
  return learn::nnls(a, b);
}

std::map<std::string, std::pair<double, double>> network_totals(const std::vector<OpRow>& rows,
                                                                const std::vector<double>& coef) {
  std::map<std::string, std::pair<double, double>> t;  // network -> (estimated, predicted)
  for (const auto& r : rows) {
    t[r.network].first += r.cycles;
    t[r.network].second += predict(coef, r);
  }
  return t;
}

void print_errors(const std::string& title, const std::map<std::string, std::pair<double, double>>& totals) {
  double sum = 0, worst = 0;
  for (const auto& [net, v] : totals) {
    const double e = (v.second - v.first) / v.first;
    sum += std::abs(e);
    worst = std::max(worst, std::abs(e));
  }
  fmt::print("{}: {} networks, mean |error| {:.1f}%, max {:.1f}%\n", title, totals.size(), 100 * sum / totals.size(),
             100 * worst);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Fit the Cortex-M7 profiles to the cycles of hwnas's generated code"};
  std::string space_ref = "dscnn", csv_path, work = "m7-fit-work";
  int samples = 24;
  uint64_t seed = 1;
  std::vector<std::string> holdout = {"dscnn-mlperf"};
  app.add_option("--space", space_ref, "space to sample")->capture_default_str();
  app.add_option("--samples", samples, "sampled networks (half fit, half test)")
      ->check(CLI::Range(2, 10000))
      ->capture_default_str();
  app.add_option("--seed", seed, "sampling and weights seed")->capture_default_str();
  app.add_option("--holdout", holdout, "built-in models measured and predicted, never fitted")->capture_default_str();
  app.add_option("--csv", csv_path, "write every operator (network, node, class, work, outputs, cycles)");
  app.add_option("--work", work, "scratch folder")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    const mcu::Toolchain tc = mcu::Toolchain::find();
    const auto space = target::resolve_space(space_ref);
    Rng rng(seed);
    const auto archs = space::sample_distinct(*space, static_cast<size_t>(samples), rng);
    std::vector<OpRow> train, test, held;
    for (size_t i = 0; i < archs.size(); ++i) {
      const std::string name = fmt::format("{}:{}", space_ref, space->to_string(archs[i]));
      const auto rows = measure(tc, name, space->decode(archs[i]), seed + i, fs::path(work) / std::to_string(i));
      double cycles = 0;
      for (const auto& r : rows) cycles += r.cycles;
      fmt::print(stderr, "[{}/{}] {}: {:.0f} cycles\n", i + 1, archs.size(), name, cycles);
      (i % 2 == 0 ? train : test).insert((i % 2 == 0 ? train : test).end(), rows.begin(), rows.end());
    }
    for (const auto& name : holdout) {
      const auto rows = measure(tc, name, target::resolve_model(name), seed, fs::path(work) / name);
      held.insert(held.end(), rows.begin(), rows.end());
    }

    const auto coef = fit(train);
    print_errors("held-out sampled networks (fit on the other half)", network_totals(test, coef));
    print_errors("fitted half", network_totals(train, coef));
    print_errors("held-out built-in models", network_totals(held, coef));

    std::vector<OpRow> all = train;
    all.insert(all.end(), test.begin(), test.end());
    const auto final_coef = fit(all);
    fmt::print("\nfit on all {} sampled networks ({} operators):\n", samples, all.size());
    fmt::print("    per_cycle (int8):\n");
    for (int k = 0; k < kN; ++k)
      if (final_coef[k] > 0) fmt::print("      {}: {:.3f}\n", hw::op_class_name(kClasses[k]), 1.0 / final_coef[k]);
    fmt::print("    cycles_per_output:\n");
    for (int k = 0; k < kN; ++k)
      fmt::print("      {}: {{int8: {:.2f}}}\n", hw::op_class_name(kClasses[k]), final_coef[kN + k]);
    fmt::print("    op overhead: {:.0f} cycles\n", final_coef[2 * kN]);
    for (const auto& [net, v] : network_totals(held, final_coef))
      fmt::print("{}: {:.0f} cycles estimated (issue model on the QEMU trace), {:.0f} by the fit ({:+.1f}%)\n", net,
                 v.first, v.second, 100 * (v.second - v.first) / v.first);

    if (!csv_path.empty()) {
      std::string csv = "network,node,class,work,outputs,cycles,instructions,split\n";
      const auto add = [&](const std::vector<OpRow>& rows, const char* split) {
        for (const auto& r : rows)
          csv += fmt::format("{},{},{},{},{},{:.1f},{},{}\n", core::csv_escape(r.network), core::csv_escape(r.node),
                             hw::op_class_name(r.cls), r.work, r.outputs, r.cycles, r.instructions, split);
      };
      add(train, "fit");
      add(test, "test");
      add(held, "holdout");
      write_file_atomic(csv_path, csv);
      fmt::print("wrote {}\n", csv_path);
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  }
  return 0;
}
