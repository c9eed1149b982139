// Few-shot calibration on NAS-Bench-201 (issue 4's acceptance): for each device column of
// shared/data/nb201/nb201_latency.csv, fit the calibrated model (cost/calibrated.h) on 10
// random architectures, 20 draws, and score Spearman over every architecture with a
// latency, beside the FLOPs-proportional baseline. Run by bench/run_predictor_bench.sh.
//
//   hwnas_calibration_bench [--base raspi4] [--train 10] [--repeats 20] [--csv path]
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/cost/calibrated.h"
#include "hwnas/cost/predictor_eval.h"
#include "hwnas/hw/device.h"
#include "hwnas/ir/stats.h"
#include "hwnas/space/search_space.h"
#include "hwnas/target/resolver.h"

int main(int argc, char** argv) {
  CLI::App app("few-shot calibration on NB201 latency tables");
  std::string base_name = "raspi4", csv = std::string(HWNAS_SHARED_DATA_DIR) + "/nb201/nb201_latency.csv";
  int train = 10, repeats = 20;
  app.add_option("--base", base_name, "base device profile");
  app.add_option("--train", train);
  app.add_option("--repeats", repeats);
  app.add_option("--csv", csv);
  CLI11_PARSE(app, argc, argv);
  try {
    using namespace hwnas;
    const hw::Device base = hw::load_device(base_name);
    const auto space = target::resolve_space("nb201");
    const core::CsvTable t = core::read_csv(csv);
    const int arch = t.column("arch_str");
    // Terms and MACs once per architecture; each column then selects its rows.
    std::vector<std::vector<double>> terms;
    std::vector<double> macs;
    const cost::RooflineModel roofline(base);
    for (size_t r = 0; r < t.rows.size(); ++r) {
      const ir::Graph g = space->decode(space->parse(t.rows[r][arch]));
      terms.push_back(cost::calibration_terms(roofline.predict(g, ir::DType::f32), g));
      macs.push_back(static_cast<double>(ir::compute_stats(g).macs));
    }
    fmt::print(
        "calibrated model on base '{}', {} random archs per fit, {} draws; Spearman over every arch with a value\n",
        base.name, train, repeats);
    fmt::print("{:<26} {:>6}  {:>14} {:>8}  {:>10} {:>10}  {:>14}\n", "device column", "rows", "Spearman mean", "min",
               "Kendall", "within10%", "FLOPs Spearman");
    double sum = 0;
    int devices = 0;
    for (const std::string& col : t.header) {
      if (col.find("latency_ms") == std::string::npos) continue;
      const int c = t.column(col);
      std::vector<std::vector<double>> x;
      std::vector<double> y, m;
      for (size_t r = 0; r < t.rows.size(); ++r) {
        const auto v = t.number_or_empty(r, c);
        if (!v) continue;
        x.push_back(terms[r]);
        y.push_back(*v);
        m.push_back(macs[r]);
      }
      const auto draws =
          cost::few_shot_eval(x, cost::calibration_prior(base), y, m, {.train = train, .repeats = repeats, .seed = 1});
      double mean = 0, lo = 1, kendall = 0, within = 0;
      for (const auto& d : draws) {
        mean += d.model.spearman / draws.size();
        lo = std::min(lo, d.model.spearman);
        kendall += d.model.kendall / draws.size();
        within += d.model.within_10 / draws.size();
      }
      fmt::print("{:<26} {:>6}  {:>14.3f} {:>8.3f}  {:>10.3f} {:>9.1f}%  {:>14.3f}\n", col, y.size(), mean, lo, kendall,
                 100 * within, draws.front().baseline.spearman);
      sum += mean;
      ++devices;
    }
    fmt::print("mean Spearman over {} devices: {:.3f} (acceptance: >= 0.93)\n", devices, sum / devices);
  } catch (const hwnas::Error& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  }
  return 0;
}
