// hwnas search | status: run an experiment file; see where a run stands.
//
//   hwnas search examples/nb201-raspi4.yaml
//   hwnas search examples/nb201-raspi4.yaml --set strategy.name=evolution --set budget.trials=100
//   hwnas status runs/nb201-raspi4
//
// `search` resumes when the output folder already holds a run with the same settings (a
// finished run returns at once), shows a progress bar on a terminal (plain lines every 25
// trials otherwise, or with --plain), and ends by printing the status and the output files; an
// experiment with a deploy: section then deploys its best trial (search_deploy.h).
// `status` reads the trial store read-only, so it works while a search is running.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>

#include "command.h"
#include "comparison_print.h"
#include "hwnas/core/error.h"
#include "hwnas/exp/config.h"
#include "hwnas/exp/experiment.h"
#include "hwnas/exp/progress.h"
#include "hwnas/exp/runner.h"
#include "hwnas/exp/status.h"
#include "hwnas/report/html_report.h"
#include "search_deploy.h"

namespace hwnas::cli {
namespace {

struct SearchArgs {
  std::string file;
  std::vector<std::string> sets;
  bool plain = false;
  int every = 25;
};

// The process executor's workers: this very binary as `hwnas trial-worker` on the same file and
// overrides (the file made absolute; --set paths stay relative to the current directory, which
// the workers inherit), so they build the same metrics.
std::vector<std::string> worker_command(const SearchArgs& a) {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) fail("/proc/self/exe", "cannot find the hwnas binary to start trial workers: {}", ec.message());
  std::vector<std::string> cmd = {self.string(), "trial-worker", std::filesystem::absolute(a.file).string()};
  for (const auto& s : a.sets) cmd.insert(cmd.end(), {"--set", s});
  return cmd;
}

void run_search(const SearchArgs& a) {
  exp::Experiment e = exp::build_experiment(exp::load_config(a.file, a.sets));
  const auto& c = e.config;
  const int workers = c.executor.workers;
  const bool processes = c.executor.kind == exp::ExecutorConfig::Kind::Process;
  fmt::print(stderr, "hwnas search: {} (space {}, strategy {} seed {}, budget {} trials, {} worker{}{}) -> {}\n",
             c.name, e.space->name(), c.strategy.name, c.strategy.seed, c.budget_trials, workers,
             processes ? " process" : "", workers == 1 ? "" : (processes ? "es" : "s"), c.output.string());
  for (const auto& m : e.metrics)
    fmt::print(stderr, "  {}: {} [{}]\n", m->name(), m->source(), eval::cost_class_name(m->cost()));
  exp::ProgressPrinter printer(stderr, !a.plain && ::isatty(STDERR_FILENO), a.every);
  exp::run_experiment(e, {.on_progress = [&](const exp::Progress& p) { printer.update(p); },
                          .worker_command = processes ? worker_command(a) : std::vector<std::string>{}});
  fmt::print("{}", exp::format_status(exp::read_status(c.output), 10));
  if (c.compare) compare_run(e, std::nullopt);  // a list of models, or compare: asked for
  const auto page = report::write_report(c.output);
  fmt::print(
      "results in {}: trials.csv, pareto.csv, best.json, experiment.yaml, trials.db{}\n"
      "report: {} (open it in a browser; `hwnas status {}` during a run)\n",
      c.output.string(), c.compare ? ", comparison.csv, recommendation.json" : "", page.string(), c.output.string());
  if (!c.deploy) return;
  deploy_best_trial(e);
  report::write_report(c.output);  // again, with the deployments
}

CommandRegistration search_command(50, [](CLI::App& app) {
  auto* cmd = app.add_subcommand("search", "Run (or resume) an architecture search from an experiment file");
  auto a = std::make_shared<SearchArgs>();
  cmd->add_option("experiment", a->file, "the experiment file (YAML; see examples/nb201-raspi4.yaml)")->required();
  cmd->add_option("--set", a->sets, "override a setting: dotted.key=value (YAML value), e.g. budget.trials=100")
      ->take_all()
      ->allow_extra_args(false);
  cmd->add_flag("--plain", a->plain, "plain progress lines even on a terminal");
  cmd->add_option("--every", a->every, "plain progress: one line every N trials")->check(CLI::Range(1, 1000000));
  cmd->callback([a] { run_search(*a); });
});

CommandRegistration status_command(60, [](CLI::App& app) {
  auto* cmd = app.add_subcommand("status", "Show where a search stands (during or after the run)");
  auto dir = std::make_shared<std::string>();
  auto rows = std::make_shared<size_t>(20);
  cmd->add_option("output", *dir, "the output folder of `hwnas search`")->required();
  cmd->add_option("--front", *rows, "Pareto front rows to list");
  cmd->callback([dir, rows] { fmt::print("{}", exp::format_status(exp::read_status(*dir), *rows)); });
});

}  // namespace
}  // namespace hwnas::cli
