#include "hwnas/eval/trainer_service.h"

#include <atomic>

#include "hwnas/core/error.h"

namespace hwnas::eval {
namespace {

std::atomic<TrainerFn> registered{nullptr};
std::atomic<TrainOptionsCheck> registered_check{nullptr};

}  // namespace

void register_trainer(TrainerFn trainer, TrainOptionsCheck check) {
  registered.store(trainer);
  registered_check.store(check);
}

void check_train_options(const nlohmann::json& options) {
  if (const TrainOptionsCheck check = registered_check.load()) check(options);
}

TrainOutcome train_candidate(const TrainJob& job) {
  const TrainerFn trainer = registered.load();
  if (!trainer)
    fail("train",
         "no trainer in this program: training runs in the hwnas CLI, which loads libtorch from its interop "
         "plugin (a build with -DHWNAS_WITH_INTEROP=ON)");
  return trainer(job);
}

}  // namespace hwnas::eval
