#include "hwnas/mcu/elf.h"

#include <set>
#include <sstream>
#include <tuple>

#include <gtest/gtest.h>

#include "hwnas/core/files.h"
#include "hwnas/core/subprocess.h"
#include "mcu_testing.h"
#include "testing.h"

namespace hwnas::mcu {
namespace {

using testing::build_program;

std::string tool_output(const std::vector<std::string>& argv) {
  const auto r = run_process(argv, {}, 30);
  if (!r.exited_ok()) throw std::runtime_error(argv[0] + " " + r.describe() + ": " + r.err);
  return r.out;
}

// A program with a named weight table, a zero-initialised buffer, initialised data and an
// arena section, as generated code will have.
std::filesystem::path memory_program(const Toolchain& tc, const std::filesystem::path& dir) {
  write_file_atomic(dir / "mem.c",
                    "#include <stdint.h>\n"
                    "const int8_t weights[1000] = {1, 2, 3};\n"
                    "int32_t counters[77];\n"
                    "int32_t scales[5] = {1, 2, 3, 4, 5};\n"
                    "__attribute__((section(\".arena\"), aligned(16))) int8_t arena[4096];\n"
                    "static int helper(int i) { return weights[i] + scales[i % 5] + counters[i % 77]; }\n"
                    "int main(void) { arena[7] = (int8_t)helper(arena[3]); return arena[7]; }\n");
  const auto elf = dir / "mem.elf";
  build_elf(tc, {.sources = {dir / "mem.c"}, .output = elf, .stack_bytes = 8192});
  return elf;
}

TEST(McuElfMemory, SectionSizesEqualArmNoneEabiSize) {
  HWNAS_MCU_TOOLCHAIN_OR_SKIP(tc);
  const auto dir = hwnas::testing::temp_dir();
  for (const auto& elf : {memory_program(tc, dir), build_program(tc, "matmul_crc.c", dir)}) {
    const ElfMemory m = elf_memory(elf);
    // `size -A`: "name size addr" per section, between a header and a Total line.
    std::istringstream lines(tool_output({"arm-none-eabi-size", "-A", elf.string()}));
    std::string line;
    int compared = 0;
    while (std::getline(lines, line)) {
      std::istringstream fields(line);
      std::string name;
      uint64_t size, addr;
      if (!(fields >> name >> size >> addr) || name == "Total") continue;
      bool found = false;
      for (const auto& s : m.sections)
        if (s.name == name) {
          EXPECT_EQ(s.size, size) << name;
          EXPECT_EQ(s.address, addr) << name;
          found = true;
        }
      EXPECT_TRUE(found) << name;
      ++compared;
    }
    EXPECT_GE(compared, 6);
    // `size -B`: text (read-only: vectors, code, constants), data (initialised RAM), bss (NOBITS
    // RAM: .bss, .arena, .stack). Flash is text + data; RAM is data + bss.
    std::istringstream berkeley(tool_output({"arm-none-eabi-size", "-B", elf.string()}));
    std::getline(berkeley, line);  // header
    uint64_t text, data, bss;
    ASSERT_TRUE(berkeley >> text >> data >> bss);
    EXPECT_EQ(m.flash, text + data) << elf;
    EXPECT_EQ(m.ram, data + bss) << elf;
    EXPECT_EQ(m.flash, m.vectors + m.text + m.rodata + m.data);
    EXPECT_EQ(m.ram, m.data + m.bss + m.arena + m.stack);
  }
}

TEST(McuElfMemory, PartsOfAKnownProgram) {
  HWNAS_MCU_TOOLCHAIN_OR_SKIP(tc);
  const ElfMemory m = elf_memory(memory_program(tc, hwnas::testing::temp_dir()));
  EXPECT_EQ(m.vectors, 48u * 4);  // 16 system exceptions + 32 IRQs, 4 bytes each
  EXPECT_EQ(m.arena, 4096u);
  EXPECT_EQ(m.stack, 8192u);
  EXPECT_GE(m.rodata, 1000u);
  EXPECT_GE(m.bss, 77u * 4);
  EXPECT_GE(m.data, 5u * 4);
  EXPECT_EQ(m.symbol_size("weights"), 1000u);
  EXPECT_EQ(m.symbol_size("counters"), 77u * 4);
  EXPECT_EQ(m.symbol_size("scales"), 5u * 4);
  EXPECT_EQ(m.symbol_size("arena"), 4096u);
  EXPECT_GT(m.symbol_size("main"), 0u);
  EXPECT_HWNAS_ERROR(m.symbol_size("no_such_symbol"), "no_such_symbol: no symbol of that name");
}

TEST(McuElfSymbols, EqualArmNoneEabiNm) {
  HWNAS_MCU_TOOLCHAIN_OR_SKIP(tc);
  const auto dir = hwnas::testing::temp_dir();
  const auto elf = memory_program(tc, dir);
  // `nm -S`: "address size type name" for every symbol with a size.
  std::set<std::tuple<std::string, uint32_t, uint32_t>> nm, ours;
  std::istringstream lines(tool_output({"arm-none-eabi-nm", "-S", elf.string()}));
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string addr, size, type, name;
    if (!(fields >> addr >> size >> type >> name)) continue;  // no size column
    if (name[0] == '$') continue;
    nm.emplace(name, std::stoul(addr, nullptr, 16), std::stoul(size, nullptr, 16));
  }
  for (const auto& s : elf_symbols(elf))
    if (s.size > 0) ours.emplace(s.name, s.address, s.size);
  EXPECT_EQ(ours, nm);
  EXPECT_GE(nm.size(), 8u);
  bool helper_is_local_function = false;
  for (const auto& s : elf_symbols(elf))
    if (s.name == "main" || s.name == "weights") EXPECT_TRUE(s.global) << s.name;
    else if (s.name == "hwnas_reset_handler") EXPECT_EQ(s.section, ".text");
    else if (s.name == "arena") EXPECT_EQ(s.section, ".arena");
    else if (s.name == "helper" && s.kind == ElfSymbol::Kind::function) helper_is_local_function = !s.global;
  (void)helper_is_local_function;  // GCC may inline it away at -O2
}

TEST(McuElfMemory, BadFilesAreClearErrors) {
  HWNAS_MCU_TOOLCHAIN_OR_SKIP(tc);
  const auto dir = hwnas::testing::temp_dir();
  const std::string good = read_file(build_program(tc, "forever.c", dir));
  EXPECT_HWNAS_ERROR(elf_memory(dir / "missing.elf"), "missing.elf: no such file");
  write_file_atomic(dir / "text.elf", "hello");
  EXPECT_HWNAS_ERROR(elf_memory(dir / "text.elf"), "text.elf: not an ELF file");
  // Cut short: the section headers sit at the end of the file.
  write_file_atomic(dir / "short.elf", good.substr(0, good.size() / 2));
  EXPECT_HWNAS_ERROR(elf_memory(dir / "short.elf"), "short.elf: a section header at byte");
  write_file_atomic(dir / "header.elf", good.substr(0, 30));
  EXPECT_HWNAS_ERROR(elf_memory(dir / "header.elf"), "past the end of the file");
  // Another machine (e_machine = 3, x86) and another class (64-bit).
  std::string x86 = good;
  x86[18] = 3, x86[19] = 0;
  write_file_atomic(dir / "x86.elf", x86);
  EXPECT_HWNAS_ERROR(elf_memory(dir / "x86.elf"), "x86.elf: an ELF for machine 3, not Arm");
  std::string wide = good;
  wide[4] = 2;  // ELFCLASS64
  write_file_atomic(dir / "wide.elf", wide);
  EXPECT_HWNAS_ERROR(elf_symbols(dir / "wide.elf"), "wide.elf: not a 32-bit little-endian ELF");
}

}  // namespace
}  // namespace hwnas::mcu
