#include "hwnas/mcu/elf.h"

#include <algorithm>
#include <cstring>

#include <elf.h>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"

namespace hwnas::mcu {
namespace {

// A bounds-checked view of an ELF32 little-endian Arm file in memory. Every offset read from
// the file is checked against its size, so a truncated or corrupt file is an error, not a crash.
class ElfFile {
 public:
  explicit ElfFile(const std::filesystem::path& path) : where_(path.string()), bytes_(read_file(path)) {
    if (bytes_.size() < EI_NIDENT || std::memcmp(bytes_.data(), ELFMAG, SELFMAG) != 0)
      fail(where_, "not an ELF file (no \\x7fELF magic); expected an ELF built for the Cortex-M7");
    if (static_cast<unsigned char>(bytes_[EI_CLASS]) != ELFCLASS32 ||
        static_cast<unsigned char>(bytes_[EI_DATA]) != ELFDATA2LSB)
      fail(where_, "not a 32-bit little-endian ELF; expected one built for the Cortex-M7 (arm-none-eabi-gcc)");
    header_ = at<Elf32_Ehdr>(0, "the ELF header");
    if (header_.e_machine != EM_ARM)
      fail(where_, "an ELF for machine {}, not Arm (EM_ARM = 40); build it with arm-none-eabi-gcc",
           header_.e_machine);
    if (header_.e_shentsize != sizeof(Elf32_Shdr))
      fail(where_, "section header entries of {} bytes, expected {}", header_.e_shentsize, sizeof(Elf32_Shdr));
    for (unsigned i = 0; i < header_.e_shnum; ++i)
      sections_.push_back(at<Elf32_Shdr>(header_.e_shoff + uint64_t{i} * sizeof(Elf32_Shdr), "a section header"));
    if (header_.e_shstrndx >= sections_.size()) fail(where_, "no section name table (truncated or stripped?)");
  }

  const std::vector<Elf32_Shdr>& sections() const { return sections_; }
  std::string section_name(const Elf32_Shdr& s) const { return string_at(sections_[header_.e_shstrndx], s.sh_name); }

  // The NUL-terminated string at `offset` of string table section `table`.
  std::string string_at(const Elf32_Shdr& table, uint32_t offset) const {
    const uint64_t start = uint64_t{table.sh_offset} + offset;
    if (table.sh_type == SHT_NOBITS || offset >= table.sh_size || start >= bytes_.size())
      fail(where_, "a name points outside its string table (truncated file?)");
    const uint64_t end = std::min<uint64_t>(uint64_t{table.sh_offset} + table.sh_size, bytes_.size());
    const char* p = bytes_.data() + start;
    return std::string(p, strnlen(p, end - start));
  }

  template <class T>
  T at(uint64_t offset, const char* what) const {
    if (offset + sizeof(T) > bytes_.size())
      fail(where_, "{} at byte {} lies past the end of the file ({} bytes): truncated?", what, offset, bytes_.size());
    T value;
    std::memcpy(&value, bytes_.data() + offset, sizeof(T));
    return value;
  }

  // The contents of a section, checked to lie inside the file.
  void check_contents(const Elf32_Shdr& s, const char* what) const {
    if (uint64_t{s.sh_offset} + s.sh_size > bytes_.size())
      fail(where_, "the {} ({} bytes at {}) lies past the end of the file ({} bytes): truncated?", what, s.sh_size,
           s.sh_offset, bytes_.size());
  }

  const std::string& where() const { return where_; }

 private:
  std::string where_;
  std::string bytes_;
  Elf32_Ehdr header_{};
  std::vector<Elf32_Shdr> sections_;
};

}  // namespace

bool ElfSection::allocated() const { return flags & SHF_ALLOC; }
bool ElfSection::in_flash() const { return allocated() && type != SHT_NOBITS && size > 0; }
bool ElfSection::in_ram() const { return allocated() && (flags & SHF_WRITE) && size > 0; }

std::vector<ElfSection> elf_sections(const std::filesystem::path& elf) {
  const ElfFile f(elf);
  std::vector<ElfSection> out;
  for (const auto& s : f.sections()) {
    if (s.sh_type == SHT_NULL) continue;
    out.push_back({.name = f.section_name(s), .address = s.sh_addr, .size = s.sh_size, .type = s.sh_type,
                   .flags = s.sh_flags});
  }
  return out;
}

std::vector<ElfSymbol> elf_symbols(const std::filesystem::path& elf) {
  const ElfFile f(elf);
  const auto& sections = f.sections();
  std::vector<ElfSymbol> out;
  for (const auto& table : sections) {
    if (table.sh_type != SHT_SYMTAB) continue;
    f.check_contents(table, "symbol table");
    if (table.sh_entsize != sizeof(Elf32_Sym))
      fail(f.where(), "symbol table entries of {} bytes, expected {}", table.sh_entsize, sizeof(Elf32_Sym));
    if (table.sh_link >= sections.size()) fail(f.where(), "the symbol table names no string table");
    const auto& names = sections[table.sh_link];
    f.check_contents(names, "symbol name table");
    for (uint64_t off = table.sh_offset; off + sizeof(Elf32_Sym) <= uint64_t{table.sh_offset} + table.sh_size;
         off += sizeof(Elf32_Sym)) {
      const auto sym = f.at<Elf32_Sym>(off, "a symbol");
      const int type = ELF32_ST_TYPE(sym.st_info);
      if (sym.st_shndx == SHN_UNDEF || type == STT_SECTION || type == STT_FILE || sym.st_name == 0) continue;
      ElfSymbol s{.name = f.string_at(names, sym.st_name), .address = sym.st_value, .size = sym.st_size};
      // Arm mapping symbols ($t, $d, $a) mark code and data inside sections; they are not objects.
      if (s.name.empty() || s.name[0] == '$') continue;
      s.kind = type == STT_FUNC ? ElfSymbol::Kind::function
               : type == STT_OBJECT ? ElfSymbol::Kind::object
                                    : ElfSymbol::Kind::other;
      if (s.kind == ElfSymbol::Kind::function) s.address &= ~1u;  // the Thumb bit is not part of the address
      const int bind = ELF32_ST_BIND(sym.st_info);
      s.global = bind == STB_GLOBAL || bind == STB_WEAK;
      if (sym.st_shndx < sections.size()) s.section = f.section_name(sections[sym.st_shndx]);
      out.push_back(std::move(s));
    }
  }
  return out;
}

uint32_t ElfMemory::symbol_size(std::string_view name) const {
  const auto it = symbol_sizes.find(name);
  if (it == symbol_sizes.end()) fail(std::string(name), "no symbol of that name with a size in the ELF");
  return it->second;
}

ElfMemory elf_memory(const std::filesystem::path& elf) {
  ElfMemory m;
  m.sections = elf_sections(elf);
  for (const auto& s : m.sections) {
    if (s.in_flash()) m.flash += s.size;
    if (s.in_ram()) m.ram += s.size;
    if (!s.allocated()) continue;
    if (s.name == ".vectors") m.vectors += s.size;
    else if (s.name == ".text") m.text += s.size;
    else if (s.name == ".rodata" || s.name == ".ARM.exidx" || s.name == ".ARM.extab") m.rodata += s.size;
    else if (s.name == ".data") m.data += s.size;
    else if (s.name == ".bss") m.bss += s.size;
    else if (s.name == ".arena") m.arena += s.size;
    else if (s.name == ".stack") m.stack += s.size;
  }
  // A name defined more than once (a static in two files) maps to its global definition, else
  // to the first.
  for (const auto& s : elf_symbols(elf)) {
    if (s.size == 0) continue;
    auto [it, inserted] = m.symbol_sizes.emplace(s.name, s.size);
    if (!inserted && s.global) it->second = s.size;
  }
  return m;
}

}  // namespace hwnas::mcu
