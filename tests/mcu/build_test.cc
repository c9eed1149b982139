#include "hwnas/mcu/build.h"

#include <gtest/gtest.h>

#include "hwnas/core/files.h"
#include "hwnas/core/subprocess.h"
#include "mcu_testing.h"
#include "testing.h"

namespace hwnas::mcu {
namespace {

using testing::build_program;
using testing::program;

TEST(McuBuildElf, LinksAnArmElfWithTheStartupAndLinkerScript) {
  HWNAS_MCU_TOOLCHAIN_OR_SKIP(tc);
  const auto dir = hwnas::testing::temp_dir();
  const auto elf = build_program(tc, "matmul_crc.c", dir);
  const std::string bytes = read_file(elf);
  ASSERT_GT(bytes.size(), 52u);
  EXPECT_EQ(bytes.substr(0, 4), "\x7f" "ELF");
  EXPECT_EQ(bytes[4], 1);   // ELFCLASS32
  EXPECT_EQ(bytes[18], 40);  // e_machine EM_ARM
  for (const auto& entry : std::filesystem::directory_iterator(dir))  // no temporary left behind
    EXPECT_EQ(entry.path().extension(), ".elf") << entry.path();
}

TEST(McuBuildElf, CompilerErrorCarriesTheDiagnosticAndLeavesNoElf) {
  HWNAS_MCU_TOOLCHAIN_OR_SKIP(tc);
  const auto dir = hwnas::testing::temp_dir();
  const auto elf = dir / "bad.elf";
  EXPECT_HWNAS_ERROR(build_elf(tc, {.sources = {program("syntax_error.c")}, .output = elf}),
                     "'undeclared_variable_for_the_test' undeclared");
  EXPECT_HWNAS_ERROR(build_elf(tc, {.sources = {program("syntax_error.c")}, .output = elf}), "bad.elf: arm-none-eabi-gcc exited with code 1");
  EXPECT_TRUE(std::filesystem::is_empty(dir));  // neither the ELF nor a temporary
}

TEST(McuBuildElf, FailedBuildLeavesAnEarlierElfWhole) {
  HWNAS_MCU_TOOLCHAIN_OR_SKIP(tc);
  const auto dir = hwnas::testing::temp_dir();
  const auto elf = build_program(tc, "forever.c", dir);
  const std::string before = read_file(elf);
  EXPECT_THROW(build_elf(tc, {.sources = {program("syntax_error.c")}, .output = elf}), hwnas::Error);
  EXPECT_EQ(read_file(elf), before);
}

TEST(McuBuildElf, LinkErrorIsReported) {
  HWNAS_MCU_TOOLCHAIN_OR_SKIP(tc);
  const auto dir = hwnas::testing::temp_dir();
  write_file_atomic(dir / "calls.c", "void not_defined_anywhere(void);\nint main(void) { not_defined_anywhere(); return 0; }\n");
  EXPECT_HWNAS_ERROR(build_elf(tc, {.sources = {dir / "calls.c"}, .output = dir / "calls.elf"}),
                     "undefined reference to `not_defined_anywhere'");
  EXPECT_FALSE(std::filesystem::exists(dir / "calls.elf"));
}

TEST(McuBuildElf, MissingInputsNameTheFile) {
  HWNAS_MCU_TOOLCHAIN_OR_SKIP(tc);
  const auto dir = hwnas::testing::temp_dir();
  EXPECT_HWNAS_ERROR(build_elf(tc, {.sources = {dir / "nope.c"}, .output = dir / "x.elf"}), "nope.c: no such source file");
  EXPECT_HWNAS_ERROR(build_elf(tc, {.sources = {program("forever.c")}, .include_dirs = {dir / "inc"}, .output = dir / "x.elf"}),
                     "inc: no such include folder");
  EXPECT_HWNAS_ERROR(build_elf(tc, {.sources = {program("forever.c")}, .output = dir / "no/x.elf"}),
                     "the output folder");
  EXPECT_HWNAS_ERROR(build_elf(tc, {.output = dir / "x.elf"}), "no sources");
}

TEST(McuBuildElf, SeesNoCLibraryHeaders) {
  // Builds must not depend on newlib (installed or not): <string.h> is not there, the
  // compiler's own <stdint.h> and <arm_acle.h> are.
  HWNAS_MCU_TOOLCHAIN_OR_SKIP(tc);
  const auto dir = hwnas::testing::temp_dir();
  write_file_atomic(dir / "libc.c", "#include <string.h>\nint main(void) { return 0; }\n");
  EXPECT_HWNAS_ERROR(build_elf(tc, {.sources = {dir / "libc.c"}, .output = dir / "libc.elf"}), "string.h");
  write_file_atomic(dir / "acle.c",
                    "#include <stdint.h>\n#include <arm_acle.h>\n"
                    "int main(void) { return (int)__smlad(0x00010002, 0x00030004, 0) - 10; }\n");
  build_elf(tc, {.sources = {dir / "acle.c"}, .output = dir / "acle.elf"});
  EXPECT_TRUE(std::filesystem::exists(dir / "acle.elf"));
}

TEST(McuBuildElf, StackSizeIsTheLinkersStackSection) {
  HWNAS_MCU_TOOLCHAIN_OR_SKIP(tc);
  const auto dir = hwnas::testing::temp_dir();
  build_elf(tc, {.sources = {program("forever.c")}, .output = dir / "s.elf", .stack_bytes = 3000});
  const auto r = run_process({"arm-none-eabi-size", "-A", (dir / "s.elf").string()}, {}, 30);
  EXPECT_NE(r.out.find(".stack"), std::string::npos);
  EXPECT_NE(r.out.find("3000"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace hwnas::mcu
