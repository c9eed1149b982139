// hwnas report: an HTML page (Pareto plots, best trials, every trial, sources) of a search's
// output folder, finished or still running; self-contained, opens in a browser offline.
//
//   hwnas report runs/nb201-raspi4                          # -> runs/nb201-raspi4/report.html
//   hwnas report runs/nb201-raspi4 --out /tmp/r.html --x flops_M --y accuracy
//   hwnas report runs/nb201-raspi4 --compare --budget-ms 20   # + the trials compared as models (docs/compare.md)
//
// --compare rebuilds the run's experiment from its experiment.yaml (paths there are absolute) to
// know each figure's source, then writes comparison.csv and recommendation.json before the page.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "command.h"
#include "comparison_print.h"
#include "hwnas/core/error.h"
#include "hwnas/exp/config.h"
#include "hwnas/exp/experiment.h"
#include "hwnas/report/html_report.h"

namespace hwnas::cli {
namespace {

static CommandRegistration reg(70, [](CLI::App& app) {
  auto* cmd = app.add_subcommand("report", "Write an HTML report with Pareto plots of a search's output folder");
  auto dir = std::make_shared<std::string>();
  auto options = std::make_shared<report::ReportOptions>();
  cmd->add_option("dir", *dir, "the output folder of `hwnas search` (holds trials.csv, experiment.yaml)")->required();
  cmd->add_option_function<std::string>(
      "--out,-o", [options](const std::string& p) { options->out = p; },
      "HTML file to write (default: <dir>/report.html)");
  cmd->add_option("--x", options->x, "metric on the x axis: plot only this pair (with --y)");
  cmd->add_option("--y", options->y, "metric on the y axis: plot only this pair (with --x)");
  auto compare = std::make_shared<bool>(false);
  auto budget = std::make_shared<std::optional<double>>();
  cmd->add_flag("--compare", *compare, "compare the trials as models: table, front, recommendation (docs/compare.md)");
  cmd->add_option("--budget-ms", *budget, "--compare: the latency budget of the recommendation, in ms");
  cmd->callback([dir, options, compare, budget] {
    if (*budget && !*compare) fail("--budget-ms", "applies to --compare; add it");
    if (*budget && !(**budget > 0)) fail("--budget-ms", "must be > 0 ms, got {}", **budget);
    if (*compare) {
      exp::Experiment e = exp::build_experiment(exp::load_config(std::filesystem::path(*dir) / "experiment.yaml"));
      e.config.output = *dir;  // wherever the folder is now
      compare_run(e, *budget);
    }
    const auto page = report::write_report(*dir, *options);
    fmt::print("wrote {}\n", page.string());
  });
});

}  // namespace
}  // namespace hwnas::cli
