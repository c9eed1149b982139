#pragma once
// exp::write_outputs: the files a run leaves in its output folder besides trials.db, each
// written atomically (a reader never sees half a file) and loadable by pandas.read_csv /
// json.load:
//   trials.csv   id,arch,<every metric in config order>,status,penalty,seconds,error
//                (empty cell: the metric was not evaluated, e.g. a failed trial)
//   pareto.csv   the feasible non-dominated trials, same columns
//   best.json    {"name", "objectives", "constraints", "counts": {ok, failed, infeasible,
//                 skipped}, "best": {<objective metric>: trial or null}, "front": [trial...]}
//                where a trial is {"id", "arch", "model", "penalty", "metrics": {<name>:
//                {"value", "source"}}}, source says where the figure came from ("looked up
//                (table nb201_cifar10.csv:test_acc_200ep)") and model names the network for
//                every other command (`hwnas predict|measure|export <model>`):
//                "mbconv@npu-generic:<arch>"
//
//   exp::write_outputs("runs/x", info, exp::summarize(info, store.trials(), skipped));
#include <filesystem>
#include <string>

#include "hwnas/exp/summary.h"

namespace hwnas::exp {

void write_outputs(const std::filesystem::path& dir, const RunInfo& info, const RunSummary& summary);

// The CSV text of trials.csv for `rows` (indices into summary.trials); exposed for tests.
std::string trials_csv(const RunInfo& info, const RunSummary& summary, const std::vector<size_t>& rows);
nlohmann::json best_json(const RunInfo& info, const RunSummary& summary);

}  // namespace hwnas::exp
