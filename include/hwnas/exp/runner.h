#pragma once
// exp::run_experiment: the search loop. It wraps the configured strategy in the constraints
// middleware, asks for candidates in fixed rounds of kRoundSize (independent of the number
// of workers), evaluates a round's expensive metrics on the executor's workers, commits each
// finished trial to the trial store at once, and tells the strategy the round's results in
// ask order. So a run gives the same trials with 1 or 8 workers, and resuming is exact:
//
// Resume: on an output folder that already holds trials.db, the strategy is rebuilt with
// the same seed and the stored trials are told to it again in id order while it re-proposes
// them (a proposal that differs from the stored arch is an error: the configuration changed);
// only trials not stored yet are evaluated. Settings that would change the search (space,
// strategy, metrics, objectives, constraints) must match the stored run, else an error names
// the key and suggests a new output folder. The budget may be raised to continue a run: the
// strategy is always built with the budget of the first run (stored in trials.db), so one that
// plans by its budget (`auto` picks its strategy by it) replays the same decisions and goes on.
//
// The expensive metrics run on the executor the configuration names (exp/executor.h): threads,
// or worker processes started with RunOptions::worker_command. A trial whose metric throws,
// exceeds trial_timeout_s or crashes its worker is recorded Failed with its error and the
// search goes on. Budget: trials (expensive evaluations, failed ones included);
// candidates skipped by hard limits on cheap metrics are free.
//
// Multi-fidelity (`fidelity:` in the config, exp/config.h): each round is a successive-halving
// bracket. Its candidates are evaluated at the first rung's epochs, the best 1/eta (by the
// fidelity metric) go on to the next rung, and so on; the others are recorded as pruned, with
// the values of the rung they stopped at. A trial counts once against the budget however many
// rungs it climbs, and only trials of the last rung are results (Pareto front, best). Every
// rung evaluation is committed as it finishes (trial store table `rungs`), so a search killed
// mid-bracket resumes without evaluating any of them again. Strategies are told each trial
// once, when its bracket ends, pruned ones as pruned.
//
//   exp::Experiment e = exp::build_experiment(exp::load_config("exp.yaml"));
//   exp::RunSummary s = exp::run_experiment(e, {.on_progress = [](const exp::Progress& p) {...}});
#include <functional>
#include <string>
#include <vector>

#include "hwnas/exp/experiment.h"
#include "hwnas/exp/summary.h"

namespace hwnas::exp {

inline constexpr int kRoundSize = 8;

struct Progress {
  const RunInfo* info = nullptr;
  const std::vector<search::Trial>* trials = nullptr;  // known so far (replayed and new), unordered
  int budget = 0;
  int64_t skipped = 0;       // infeasible candidates that cost no trial
  int replayed = 0;          // trials taken from the store on resume
  int evaluated = 0;         // trials evaluated by this invocation
  double elapsed_s = 0;      // wall time of this invocation
  bool finished = false;     // the last call of a run
  int rung_evaluations = 0;  // multi-fidelity: evaluations at a rung by this invocation
  int rungs_replayed = 0;    // multi-fidelity: rung evaluations taken from the store on resume
};

struct RunOptions {
  std::function<void(const Progress&)> on_progress;  // called on the calling thread
  // No output folder: the trial store lives in memory and no file is written (config.output
  // is ignored; nothing to resume). Benchmarks run thousands of searches this way.
  bool in_memory = false;
  // The worker of executor kind process (argv), e.g. {"/usr/bin/hwnas", "trial-worker",
  // "/abs/exp.yaml", "--set", ...}: it must build the same metrics as this experiment.
  std::vector<std::string> worker_command;
};

RunInfo run_info(const Experiment& e);
// Writes trials.db, trials.csv, pareto.csv, best.json and experiment.yaml into config.output
// (the CSV and JSON files at least every 2 s during the run, and at the end), unless
// options.in_memory.
RunSummary run_experiment(const Experiment& e, const RunOptions& options = {});

}  // namespace hwnas::exp
