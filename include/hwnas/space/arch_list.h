#pragma once
// A list of architectures of a space in a text file: one arch string per line; empty lines and
// lines starting with '#' are skipped, trailing spaces, tabs and '\r' are dropped. What
// `hwnas predict --space S --archs FILE` reads.
//
//   std::vector<space::ArchLine> l = space::read_arch_list("archs.txt", nb201);
//   l[0].text;   // "|nor_conv_3x3~0|+|...|", as written
//   l[0].line;   // its line in the file (1-based)
//   l[0].arch;   // nb201.parse(l[0].text)
//
// An arch the space cannot parse is an Error within "<file>:<line>"; a list without any
// architecture is an Error naming the file.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "hwnas/space/search_space.h"

namespace hwnas::space {

struct ArchLine {
  std::string text;  // the arch string as written (trailing whitespace dropped)
  Arch arch;
  int line = 0;  // 1-based
};

// `source` names the text in errors ("<source>:<line>").
std::vector<ArchLine> parse_arch_list(std::string_view text, const std::string& source, const SearchSpace& space);
std::vector<ArchLine> read_arch_list(const std::filesystem::path& path, const SearchSpace& space);

}  // namespace hwnas::space
