// The generated C's fixed-point helpers, compiled with the host's cc -O2, equal quant's C++
// (fixed_point.h, the definition) on edge cases and random operands: hwnas_srdhm,
// hwnas_rdbp, hwnas_mbqm, hwnas_mbqm_right (for shifts <= 0) and hwnas_round (std::round of
// a float, half away from zero).
#include <cmath>
#include <cstring>
#include <limits>

#include <gtest/gtest.h>

#include "hwnas/codegen/generate.h"
#include "hwnas/core/files.h"
#include "hwnas/core/rng.h"
#include "hwnas/core/subprocess.h"
#include "hwnas/quant/fixed_point.h"
#include "testing.h"

namespace hwnas::codegen {
namespace {

struct Case {
  int32_t x, m, shift;
  float f;
};

// Reads cases (x, m, shift, f) and writes per case: srdhm(x, m), rdbp(x, |shift| % 32),
// mbqm(x, m, shift), mbqm_right(x, m, -shift) or 0 when shift > 0 or m < 0, round(f).
constexpr const char* kHarness = R"(
#include <stdio.h>
int main(void) {
  FILE* in = fopen("cases.bin", "rb");
  FILE* out = fopen("results.bin", "wb");
  struct { int32_t x, m, shift; float f; } c;
  while (fread(&c, sizeof c, 1, in) == 1) {
    const int e = (c.shift < 0 ? -c.shift : c.shift) % 32;
    const int32_t r[5] = {hwnas_srdhm(c.x, c.m), hwnas_rdbp(c.x, e), hwnas_mbqm(c.x, c.m, c.shift),
                          c.shift <= 0 && c.m >= 0 ? hwnas_mbqm_right(c.x, c.m, -c.shift) : 0, hwnas_round(c.f)};
    fwrite(r, sizeof r, 1, out);
  }
  fclose(out);
  return 0;
}
)";

TEST(CodegenPrelude, FixedPointHelpersEqualQuant) {
  constexpr int32_t kMin = std::numeric_limits<int32_t>::min(), kMax = std::numeric_limits<int32_t>::max();
  std::vector<Case> cases;
  const int32_t xs[] = {kMin, kMin + 1, -65536, -3, -2, -1, 0, 1, 2, 3, 65535, kMax - 1, kMax};
  const int32_t ms[] = {kMin, 0, 1, 1 << 30, (1 << 30) + 1, 1518500250, kMax};
  const float fs[] = {-2.5f, -1.5f, -0.5f, -0.49999997f, 0.0f, 0.49999997f, 0.5f, 1.5f, 2.5f, 1e9f, -1e9f};
  int k = 0;
  for (int32_t x : xs)
    for (int32_t m : ms)
      for (int32_t shift : {-31, -20, -8, -1, 0, 1, 7, 30}) cases.push_back({x, m, shift, fs[k++ % std::size(fs)]});
  Rng rng(17);
  for (int i = 0; i < 20000; ++i) {
    const auto x = static_cast<int32_t>(static_cast<uint32_t>(rng.uniform() * 4294967296.0));
    // Multipliers as quantize_multiplier gives them, [2^30, 2^31), and any int32.
    const auto m = i % 2 ? static_cast<int32_t>((1u << 30) + static_cast<uint32_t>(rng.uniform() * 1073741824.0))
                         : static_cast<int32_t>(static_cast<uint32_t>(rng.uniform() * 4294967296.0));
    const int32_t shift = rng.uniform_int(-31, 30);
    const float f = static_cast<float>((rng.uniform() - 0.5) * std::ldexp(1.0, rng.uniform_int(0, 30)));
    cases.push_back({i % 3 ? x >> rng.uniform_int(0, 31) : x, m, shift, f});
  }

  const auto dir = hwnas::testing::temp_dir();
  write_file_atomic(dir / "helpers.c", "#include <stdint.h>\n" + c_prelude() + kHarness);
  write_file_atomic(dir / "cases.bin",
                    std::string_view(reinterpret_cast<const char*>(cases.data()), cases.size() * sizeof(Case)));
  const auto built = run_process({"cc", "-O2", "-std=c11", "-Wall", "-Werror", "-Wno-unused-function",
                                       "helpers.c", "-o", "helpers"},
                                      dir, 120);
  ASSERT_TRUE(built.exited_ok()) << built.err;
  const auto ran = run_process({(dir / "helpers").string()}, dir, 120);
  ASSERT_TRUE(ran.exited_ok()) << ran.describe();
  const std::string bytes = read_file(dir / "results.bin");
  ASSERT_EQ(bytes.size(), cases.size() * 5 * sizeof(int32_t));
  std::vector<int32_t> r(cases.size() * 5);
  std::memcpy(r.data(), bytes.data(), bytes.size());

  int mismatches = 0;
  for (size_t i = 0; i < cases.size() && mismatches < 10; ++i) {
    const Case& c = cases[i];
    const int e = std::abs(c.shift) % 32;
    const int32_t want[5] = {
        quant::saturating_rounding_doubling_high_mul(c.x, c.m), quant::rounding_divide_by_pot(c.x, e),
        quant::multiply_by_quantized_multiplier(c.x, {c.m, c.shift}),
        c.shift <= 0 && c.m >= 0 ? quant::multiply_by_quantized_multiplier(c.x, {c.m, c.shift}) : 0,
        static_cast<int32_t>(std::round(c.f))};
    for (int j = 0; j < 5; ++j)
      if (r[i * 5 + j] != want[j]) {
        ++mismatches;
        ADD_FAILURE() << "helper " << j << " (srdhm, rdbp, mbqm, mbqm_right, round) on x=" << c.x << " m=" << c.m
                      << " shift=" << c.shift << " f=" << c.f << ": C " << r[i * 5 + j] << ", quant " << want[j];
      }
  }
  EXPECT_EQ(mismatches, 0);
}

}  // namespace
}  // namespace hwnas::codegen
