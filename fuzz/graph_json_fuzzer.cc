// Graph JSON (ir/serialize.h): the reader every command uses for a model given as a file.
// A graph it accepts must also survive the writer and read back (the format's round trip).
#include "fuzz_json.h"
#include "fuzz_parser.h"
#include "hwnas/ir/serialize.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return hwnas::fuzz::run(data, size, [](std::string_view text) {
    const auto j = hwnas::fuzz::parse_json(text);
    if (!j) return;
    const hwnas::ir::Graph g = hwnas::ir::graph_from_json(*j, "fuzz.json");
    hwnas::ir::graph_from_json(hwnas::ir::to_json(g), "fuzz.json (written back)");
  });
}
