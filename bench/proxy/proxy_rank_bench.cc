// How well each zero-cost proxy ranks architectures: reads the CSV `hwnas proxy` wrote
// (arch,<proxy>...) and a published table (NB201's nb201_cifar10.csv), and prints each proxy's
// Spearman rho and Kendall tau-b with the table's accuracy (learn/rank_correlation.h), plus the
// ensemble's margin over the best single proxy. bench/run_proxy_bench.sh runs it.
//
//   hwnas_proxy_rank_bench --proxies out.csv --table ../shared/data/nb201/nb201_cifar10.csv
#include <cmath>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/learn/rank_correlation.h"

int main(int argc, char** argv) {
  CLI::App app{"Rank correlation of zero-cost proxies with published accuracy"};
  std::string proxies, table, key = "arch_str", column = "test_acc_200ep";
  app.add_option("--proxies", proxies, "the CSV of `hwnas proxy` (arch,<proxy>...)")->required();
  app.add_option("--table", table, "the published table")->required();
  app.add_option("--key", key, "the table's arch column")->capture_default_str();
  app.add_option("--column", column, "the table's accuracy column")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    using namespace hwnas;
    const core::CsvTable p = core::read_csv(proxies), t = core::read_csv(table);
    const int k = t.column(key), acc_col = t.column(column);
    std::unordered_map<std::string, double> acc;
    for (size_t r = 0; r < t.rows.size(); ++r) acc[t.rows[r][k]] = t.number(r, acc_col);
    const int arch_col = p.column("arch");
    std::vector<double> truth;
    for (size_t r = 0; r < p.rows.size(); ++r) {
      const auto it = acc.find(p.rows[r][arch_col]);
      if (it == acc.end()) fail(p.source + ":" + std::to_string(p.line_of(r)), "arch not in {}", table);
      truth.push_back(it->second);
    }
    fmt::print("{} archs; accuracy: {} of {} (looked up)\n", truth.size(), column, table);
    fmt::print("{:<12} {:>9} {:>9}\n", "proxy", "spearman", "kendall");
    double best_single = -2, ensemble = std::nan("");
    std::string best_name;
    for (int c = 0; c < static_cast<int>(p.header.size()); ++c) {
      if (c == arch_col) continue;
      std::vector<double> v;
      for (size_t r = 0; r < p.rows.size(); ++r) {
        const double x = p.number(r, c);
        v.push_back(std::isnan(x) ? -INFINITY : x);
      }
      const double rho = learn::spearman(v, truth), tau = learn::kendall_tau(v, truth);
      fmt::print("{:<12} {:>9.4f} {:>9.4f}\n", p.header[c], rho, tau);
      if (p.header[c] == "ensemble") {
        ensemble = rho;
      } else if (rho > best_single) {
        best_single = rho;
        best_name = p.header[c];
      }
    }
    if (!std::isnan(ensemble))
      fmt::print("ensemble - best single ({}): {:+.4f} spearman ({})\n", best_name, ensemble - best_single,
                 ensemble > best_single ? "ensemble ahead" : "ensemble NOT ahead");
  } catch (const hwnas::Error& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 2;
  }
  return 0;
}
