#include "hwnas/train/train_loader.h"

#include "hwnas/core/error.h"
#include "hwnas/interop/plugin_loader.h"

namespace hwnas::train {

const TrainApi& train_api() {
  const interop::PluginApi& p = interop::plugin();
  const auto* api = static_cast<const TrainApi*>(p.train_api ? p.train_api() : nullptr);
  if (!api) fail("interop plugin", "was built without the trainer (train/); rebuild it with -DHWNAS_WITH_INTEROP=ON");
  if (api->version != kTrainApiVersion)
    fail("interop plugin", "has trainer API version {}, this hwnas needs {}; rebuild it with this hwnas", api->version,
         kTrainApiVersion);
  return *api;
}

}  // namespace hwnas::train
