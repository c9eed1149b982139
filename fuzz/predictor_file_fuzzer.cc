// Measured latency predictor files (cost/predictor_file.h), read and written back.
#include "fuzz_json.h"
#include "fuzz_parser.h"
#include "hwnas/cost/predictor_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return hwnas::fuzz::run(data, size, [](std::string_view text) {
    const auto j = hwnas::fuzz::parse_json(text);
    if (!j) return;
    const hwnas::cost::PredictorFile p = hwnas::cost::predictor_from_json(*j, "fuzz.json");
    (void)hwnas::cost::to_json(p).dump();
  });
}
