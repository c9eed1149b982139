#include "hwnas/space/arch_list.h"

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"

namespace hwnas::space {

std::vector<ArchLine> parse_arch_list(std::string_view text, const std::string& source, const SearchSpace& space) {
  std::vector<ArchLine> out;
  int line_no = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    start = end + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    try {
      Arch a = space.parse(line);
      out.push_back({std::move(line), std::move(a), line_no});
    } catch (const Error& e) {
      throw e.within(fmt::format("{}:{}", source, line_no));
    }
  }
  if (out.empty()) fail(source, "has no architectures; write one {} arch string per line", space.name());
  return out;
}

std::vector<ArchLine> read_arch_list(const std::filesystem::path& path, const SearchSpace& space) {
  return parse_arch_list(read_file(path), path.string(), space);
}

}  // namespace hwnas::space
