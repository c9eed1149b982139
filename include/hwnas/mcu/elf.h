#pragma once
// Reads a linked 32-bit Arm ELF (as build_elf() writes) and says what it costs on the part:
// its sections, its symbols with addresses and sizes, and its flash and RAM.
//
//   auto m = mcu::elf_memory("model.elf");
//   m.flash;                      // bytes in flash: vectors + code + constants + .data's initial values
//   m.ram;                        // bytes of SRAM: .data + .bss + .arena + .stack
//   m.symbol_size("weights_conv1");   // bytes of one named symbol (throws if it has none)
//   for (auto& s : mcu::elf_symbols("model.elf")) ...   // per-function code size, arena, weights
//
// Flash counts every allocated section that has contents in the file (SHT_PROGBITS and the
// like: what the linker places in the FLASH region, .data included as its load image); RAM
// counts every allocated writable section (.data, and the NOBITS .bss, .arena and .stack).
// The figures are the section sizes, as `arm-none-eabi-size -A` prints them; alignment gaps
// between sections are not counted.
//
// Errors (hwnas::Error, naming the file): not an ELF, not 32-bit little-endian Arm, or
// truncated (a header, section or symbol table that points past the end of the file).
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace hwnas::mcu {

struct ElfSection {
  std::string name;
  uint32_t address = 0;  // where it runs (VMA)
  uint32_t size = 0;
  uint32_t type = 0;     // SHT_*
  uint32_t flags = 0;    // SHF_*
  bool allocated() const;   // occupies memory on the part (SHF_ALLOC)
  bool in_flash() const;    // allocated with contents in the image
  bool in_ram() const;      // allocated and writable
};

struct ElfSymbol {
  enum class Kind { function, object, other };
  std::string name;
  uint32_t address = 0;  // for a Thumb function, its address without the Thumb bit
  uint32_t size = 0;
  Kind kind = Kind::other;
  bool global = false;   // STB_GLOBAL or STB_WEAK (not a file-local static)
  std::string section;   // the section it is defined in; empty for absolute or undefined
};

struct ElfMemory {
  uint64_t flash = 0, ram = 0;
  // The parts, by section (0 when absent): vectors, code, read-only data (with unwind tables),
  // .data (counted in both flash and RAM), .bss, the arena and the stack.
  uint64_t vectors = 0, text = 0, rodata = 0, data = 0, bss = 0, arena = 0, stack = 0;
  std::vector<ElfSection> sections;
  std::map<std::string, uint32_t, std::less<>> symbol_sizes;  // named symbols with a size

  uint32_t symbol_size(std::string_view name) const;  // throws hwnas::Error when absent
};

std::vector<ElfSection> elf_sections(const std::filesystem::path& elf);
// Defined symbols that have a name (section and file symbols excluded), in file order.
std::vector<ElfSymbol> elf_symbols(const std::filesystem::path& elf);
ElfMemory elf_memory(const std::filesystem::path& elf);

}  // namespace hwnas::mcu
