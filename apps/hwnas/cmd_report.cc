// hwnas report: an HTML page (Pareto plots, best trials, every trial, sources) of a search's
// output folder, finished or still running; self-contained, opens in a browser offline.
//
//   hwnas report runs/nb201-raspi4                          # -> runs/nb201-raspi4/report.html
//   hwnas report runs/nb201-raspi4 --out /tmp/r.html --x flops_M --y accuracy
#include <memory>
#include <string>

#include <fmt/format.h>

#include "command.h"
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
  cmd->callback([dir, options] {
    const auto page = report::write_report(*dir, *options);
    fmt::print("wrote {}\n", page.string());
  });
});

}  // namespace
}  // namespace hwnas::cli
