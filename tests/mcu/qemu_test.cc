#include "hwnas/mcu/qemu.h"

#include <cstdint>
#include <random>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include "hwnas/core/files.h"
#include "hwnas/core/subprocess.h"
#include "mcu_testing.h"
#include "testing.h"

namespace hwnas::mcu {
namespace {

using testing::build_program;
using testing::program;

constexpr int M = 12, K = 40, N = 20;  // as in programs/matmul_crc.c

// Random A, B and bias in matmul_crc.c's input layout.
std::string matmul_input(uint32_t seed, std::vector<int8_t>& a, std::vector<int8_t>& b, std::vector<int32_t>& bias) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> i8(-128, 127), i32(-100000, 100000);
  a.resize(M * K), b.resize(K * N), bias.resize(N);
  std::string bytes;
  for (auto& v : a) bytes += static_cast<char>(v = static_cast<int8_t>(i8(rng)));
  for (auto& v : b) bytes += static_cast<char>(v = static_cast<int8_t>(i8(rng)));
  for (auto& v : bias) {
    v = i32(rng);
    for (int s = 0; s < 32; s += 8) bytes += static_cast<char>(static_cast<uint32_t>(v) >> s);
  }
  return bytes;
}

TEST(McuRun, MatmulOnTheM7EqualsTheHostBuildByteForByte) {
  HWNAS_MCU_TOOLCHAIN_OR_SKIP(tc);
  const auto dir = hwnas::testing::temp_dir();
  std::vector<int8_t> a, b;
  std::vector<int32_t> bias;
  const std::string input = matmul_input(7, a, b, bias);
  const auto m7_dir = dir / "m7", host_dir = dir / "host";
  std::filesystem::create_directories(m7_dir), std::filesystem::create_directories(host_dir);
  write_file_atomic(m7_dir / "input.bin", input);
  write_file_atomic(host_dir / "input.bin", input);

  const auto elf = build_program(tc, "matmul_crc.c", dir);
  const RunResult m7 = run(tc, elf, m7_dir, 60);
  EXPECT_EQ(m7.exit_code, 0) << m7.output << m7.diagnostics;
  EXPECT_GT(m7.wall_s, 0);

  // The same C with the host's compiler and the host's semihosting stand-in.
  const auto cc = find_on_path("cc").empty() ? std::string("gcc") : std::string("cc");
  const auto host_exe = dir / "matmul_crc_host";
  const auto built = run_process({cc, "-O2", "-std=c11", "-Wall", "-I" + (tc.target_dir).string(),
                                  program("matmul_crc.c").string(),
                                  (tc.target_dir.parent_path() / "host/semihost_host.c").string(), "-o",
                                  host_exe.string()},
                                 {}, 120);
  ASSERT_TRUE(built.exited_ok()) << built.err;
  const auto host = run_process({host_exe.string()}, host_dir, 60);
  ASSERT_TRUE(host.exited_ok()) << host.describe();

  const std::string m7_out = read_file(m7_dir / "output.bin"), host_out = read_file(host_dir / "output.bin");
  EXPECT_EQ(m7_out.size(), size_t{M * N * 5 + 4});
  EXPECT_TRUE(m7_out == host_out) << "the M7 and host outputs differ";
  EXPECT_EQ(m7.output, host.out);
  EXPECT_EQ(m7.output.substr(0, 6), "crc32 ");

  // And the int32 part is the matrix product this test computes itself.
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      int32_t s = bias[j];
      for (int k = 0; k < K; ++k) s += int32_t{a[i * K + k]} * int32_t{b[k * N + j]};
      uint32_t got = 0;
      for (int byte = 0; byte < 4; ++byte)
        got |= uint32_t{static_cast<uint8_t>(m7_out[4 * (i * N + j) + byte])} << (8 * byte);
      ASSERT_EQ(static_cast<int32_t>(got), s) << "C[" << i << "][" << j << "]";
    }
}

TEST(McuRun, ExitCodeIsMainsReturnValue) {
  HWNAS_MCU_TOOLCHAIN_OR_SKIP(tc);
  const auto dir = hwnas::testing::temp_dir();
  // The matmul program returns 2 when its input is missing: main's value reaches QEMU's status.
  const RunResult r = run(tc, build_program(tc, "matmul_crc.c", dir), dir, 60);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir / "output.bin"));
  // Floating point works (the start-up enabled the FPU) and a fault is reported as one.
  write_file_atomic(dir / "fp.c",
                    "volatile float x = 1.5f;\nint main(void) { x = x * 4.0f; return (int)x + 40; }\n");
  build_elf(tc, {.sources = {dir / "fp.c"}, .output = dir / "fp.elf"});
  EXPECT_EQ(run(tc, dir / "fp.elf", dir, 60).exit_code, 46);
  write_file_atomic(dir / "fault.c",
                    "int main(void) { return *(volatile int*)0xF0000000u; }\n");  // no memory there: a bus fault
  build_elf(tc, {.sources = {dir / "fault.c"}, .output = dir / "fault.elf"});
  EXPECT_EQ(run(tc, dir / "fault.elf", dir, 60).exit_code, kFaultExitCode);
}

TEST(McuRun, ProgramThatNeverExitsIsKilledAtTheTimeout) {
  HWNAS_MCU_TOOLCHAIN_OR_SKIP(tc);
  const auto dir = hwnas::testing::temp_dir();
  const auto elf = build_program(tc, "forever.c", dir);
  EXPECT_HWNAS_ERROR(run(tc, elf, dir, 1.0), "forever.elf: did not exit within 1 s in QEMU, which was killed");
}

TEST(McuRun, NonElfAndMissingFilesAreClearErrors) {
  HWNAS_MCU_TOOLCHAIN_OR_SKIP(tc);
  const auto dir = hwnas::testing::temp_dir();
  write_file_atomic(dir / "text.elf", "this is not an ELF file\n");
  EXPECT_HWNAS_ERROR(run(tc, dir / "text.elf", dir, 10), "text.elf: not an ELF file");
  EXPECT_HWNAS_ERROR(run(tc, dir / "missing.elf", dir, 10), "missing.elf: no such file");
}

// The instruction counter against loops counted by hand (programs/icount_loop.c): k
// instructions per iteration, n iterations. Differences between two n are exactly k * dn;
// each count is k*n plus the same few instructions of the call for every n.
TEST(McuRun, InstructionCounterMatchesHandCountedLoops) {
  HWNAS_MCU_TOOLCHAIN_OR_SKIP(tc);
  const auto dir = hwnas::testing::temp_dir();
  const RunResult r = run(tc, build_program(tc, "icount_loop.c", dir), dir, 120);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::istringstream lines(r.output);
  std::map<int, std::map<uint64_t, uint64_t>> counts;  // k -> n -> count
  uint64_t k, n, count;
  while (lines >> k >> n >> count) counts[static_cast<int>(k)][n] = count;
  ASSERT_EQ(counts.size(), 2u) << r.output;
  for (const auto& [k_per_iter, by_n] : counts) {
    ASSERT_EQ(by_n.size(), 5u) << r.output;
    const uint64_t call = by_n.begin()->second - by_n.begin()->first * k_per_iter;  // the constant of n = 1
    // The loop call itself: moves of the saved count, mov r0, bl, bx lr; 6 and 4 with GCC 12
    // (hand-counted from the disassembly in docs/mcu.md).
    EXPECT_LE(call, 8u) << "instructions around the loop";
    for (const auto& [iterations, c] : by_n)
      EXPECT_EQ(c, iterations * k_per_iter + call) << k_per_iter << " instructions x " << iterations;
  }
}

// The 32-bit counter wraps every 1.34e9 instructions; hwnas_mcu_icount() extends it to 64
// bits. programs/icount_wrap.c sets the counter just short of 2^32 and measures across the wrap.
TEST(McuRun, InstructionCounterSurvivesTheCounterWrap) {
  HWNAS_MCU_TOOLCHAIN_OR_SKIP(tc);
  const auto dir = hwnas::testing::temp_dir();
  const RunResult r = run(tc, build_program(tc, "icount_wrap.c", dir), dir, 60);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::istringstream fields(r.output);
  uint64_t plain = 0, wrapped = 0;
  ASSERT_TRUE(fields >> plain >> wrapped) << r.output;
  EXPECT_GE(plain, 40000u);
  EXPECT_LE(plain, 40000u + 40);  // 4 x 10000 plus the calls
  // Exactly equal: the wrap is seen by the second call, whose extra branch instructions come
  // after its counter read.
  EXPECT_EQ(wrapped, plain);
}

TEST(McuRun, QemuCommandLine) {
  const Toolchain tc{.gcc = "arm-none-eabi-gcc", .qemu = "/usr/bin/qemu-system-arm", .target_dir = "t"};
  const auto cmd = qemu_command(tc, "/x/a.elf");
  const std::string joined = fmt::format("{}", fmt::join(cmd, " "));
  EXPECT_EQ(joined,
            "/usr/bin/qemu-system-arm -machine mps2-an500 -cpu cortex-m7 -nographic -monitor none -serial none "
            "-semihosting-config enable=on,target=native -icount shift=7,sleep=off -kernel /x/a.elf");
}

}  // namespace
}  // namespace hwnas::mcu
