#pragma once
// What every fuzz target here checks: a parser of user input either returns or throws
// hwnas::Error. Any other outcome is a bug that libFuzzer reports: a crash, a sanitizer
// report, a hang (-timeout), an allocation past -rss_limit_mb or -malloc_limit_mb, and any
// other exception (yaml-cpp's, nlohmann's, std::out_of_range ...), which escapes the target,
// reaches std::terminate and aborts with its type and what() printed.
//
//   extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
//     return hwnas::fuzz::run(data, size, [](std::string_view text) { core::parse_csv(text, "fuzz.csv"); });
//   }
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hwnas/core/error.h"

namespace hwnas::fuzz {

template <typename Parse>
int run(const uint8_t* data, size_t size, Parse&& parse) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    parse(text);
  } catch (const hwnas::Error&) {
    // Bad input, reported the way the library reports it: fine.
  }
  return 0;
}

}  // namespace hwnas::fuzz
