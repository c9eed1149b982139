// hwnas trial-worker (hidden): a worker process of the process executor. `hwnas search` starts
// it with the experiment file and --set overrides of the search, so it builds the same metrics,
// then it serves trials on stdin/stdout (exp/trial_worker.h) until its input ends.
//
//   hwnas trial-worker /abs/path/exp.yaml --set budget.trials=50
#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "hwnas/core/error.h"
#include "hwnas/exp/config.h"
#include "hwnas/exp/trial_evaluator.h"
#include "hwnas/exp/trial_worker.h"

namespace hwnas::cli {
namespace {

struct WorkerArgs {
  std::string file;
  std::vector<std::string> sets;
};

CommandRegistration trial_worker_command(1000, [](CLI::App& app) {
  auto* cmd = app.add_subcommand("trial-worker", "Serve trials of an experiment on stdin/stdout (process executor)");
  cmd->group("");  // hidden: `hwnas search` starts it
  auto a = std::make_shared<WorkerArgs>();
  cmd->add_option("experiment", a->file, "the experiment file")->required();
  cmd->add_option("--set", a->sets, "an override of the search, as given to it")->take_all()->allow_extra_args(false);
  cmd->callback([a] {
    const exp::Experiment e = exp::build_experiment(exp::load_config(a->file, a->sets));
    if (exp::serve_trials_on_stdio(exp::make_trial_evaluator(e), exp::metric_fingerprints(e)) != 0)
      fail("trial-worker", "stopped: its input is not the trial protocol");
  });
});

}  // namespace
}  // namespace hwnas::cli
