#pragma once
// exp::ThreadExecutor: evaluates trials on worker threads of this process (the default
// executor). Cheap to start and fine for table lookups and cost models; but a thread cannot be
// killed, so a trial past its timeout is only abandoned: reported TimedOut, its thread left to
// finish in the background (it holds the evaluator, so what it uses stays alive) and its result
// dropped, while a fresh thread takes over the remaining trials. Trials that may hang or crash
// (training, foreign code) belong in the ProcessExecutor.
//
//   exp::ThreadExecutor ex(exp::make_trial_evaluator(experiment), /*workers=*/2);
//   ex.run(requests, [&](exp::TrialResult r) { ... });   // on this thread, in completion order
#include "hwnas/exp/executor.h"

namespace hwnas::exp {

class ThreadExecutor : public Executor {
 public:
  ThreadExecutor(TrialEvaluator evaluator, int workers);
  std::string describe() const override;
  void run(const std::vector<TrialRequest>& requests, const std::function<void(TrialResult)>& on_done) override;

 private:
  TrialEvaluator evaluator_;
  int workers_;
};

}  // namespace hwnas::exp
