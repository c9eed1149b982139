// Search spaces written in YAML (space/yaml_space.h).
#include "fuzz_parser.h"
#include "hwnas/space/yaml_space.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return hwnas::fuzz::run(data, size, [](std::string_view text) {
    (void)hwnas::space::parse_yaml_space(text, "/fuzz/space.yaml");
  });
}
