// Experiment files (exp/config.h): parsed as `hwnas search` does, then written back as the
// effective configuration that a run saves beside its results.
#include "fuzz_parser.h"
#include "hwnas/exp/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return hwnas::fuzz::run(data, size, [](std::string_view text) {
    const hwnas::exp::ExperimentConfig c = hwnas::exp::parse_config(text, "/fuzz/experiment.yaml");
    (void)c.effective_yaml();
  });
}
