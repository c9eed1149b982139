#include "hwnas/exp/executor.h"

#include "hwnas/core/error.h"
#include "hwnas/exp/process_executor.h"
#include "hwnas/exp/thread_executor.h"

namespace hwnas::exp {

std::string_view executor_kind_name(ExecutorConfig::Kind k) {
  return k == ExecutorConfig::Kind::Thread ? "thread" : "process";
}

std::unique_ptr<Executor> make_executor(const ExecutorConfig& config, TrialEvaluator evaluator,
                                        const std::vector<std::string>& worker_command,
                                        const std::map<std::string, std::string>& metrics) {
  if (config.kind == ExecutorConfig::Kind::Thread)
    return std::make_unique<ThreadExecutor>(std::move(evaluator), config.workers);
  if (worker_command.empty())
    fail("executor",
         "kind: process needs a worker command (the hwnas CLI provides `hwnas trial-worker`; a "
         "program calling run_experiment sets RunOptions::worker_command)");
  return std::make_unique<ProcessExecutor>(worker_command, config.workers, metrics);
}

}  // namespace hwnas::exp
