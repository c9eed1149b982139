// Few-shot latency model files (cost/few_shot_prior.h), with their XGBoost residual, read and
// written back.
#include "fuzz_json.h"
#include "fuzz_parser.h"
#include "hwnas/cost/few_shot_prior.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return hwnas::fuzz::run(data, size, [](std::string_view text) {
    const auto j = hwnas::fuzz::parse_json(text);
    if (!j) return;
    const hwnas::cost::FewShotModel m = hwnas::cost::few_shot_from_json(*j, "fuzz.json");
    (void)hwnas::cost::to_json(m).dump();
  });
}
