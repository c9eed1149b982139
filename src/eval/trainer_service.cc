#include "hwnas/eval/trainer_service.h"

#include <atomic>

#include "hwnas/core/error.h"

namespace hwnas::eval {
namespace {

std::atomic<TrainerFn> registered{nullptr};

}  // namespace

void register_trainer(TrainerFn trainer) { registered.store(trainer); }

TrainOutcome train_candidate(const TrainJob& job) {
  const TrainerFn trainer = registered.load();
  if (!trainer)
    fail("train",
         "no trainer in this program: training runs in the hwnas CLI, which loads libtorch from its interop "
         "plugin (a build with -DHWNAS_WITH_INTEROP=ON)");
  return trainer(job);
}

}  // namespace hwnas::eval
