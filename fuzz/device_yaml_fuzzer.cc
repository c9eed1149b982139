// Device profiles (hw/device.h), then written back as `hwnas device calibrate` writes them.
#include "fuzz_parser.h"
#include "hwnas/hw/device.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return hwnas::fuzz::run(data, size, [](std::string_view text) {
    const hwnas::hw::Device d = hwnas::hw::parse_device(text, "/fuzz/device.yaml");
    (void)hwnas::hw::to_yaml(d);
  });
}
