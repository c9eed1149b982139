// CSV tables (core/csv.h): the reader, then every cell read as a number, as table metrics and
// predictor fits read measurements.
#include "fuzz_parser.h"
#include "hwnas/core/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return hwnas::fuzz::run(data, size, [](std::string_view text) {
    const hwnas::core::CsvTable t = hwnas::core::parse_csv(text, "fuzz.csv");
    for (size_t r = 0; r < t.rows.size(); ++r)
      for (size_t c = 0; c < t.header.size(); ++c) {
        try {
          (void)t.number_or_empty(r, static_cast<int>(c));
        } catch (const hwnas::Error&) {
          // Not a number: the next cell may still be one.
        }
      }
    if (!t.header.empty()) (void)t.column(t.header.back());
  });
}
