// space::parse_arch_list / read_arch_list: the arch-list files of `hwnas predict --archs`.
#include "hwnas/space/arch_list.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/space/nb201_space.h"
#include "testing.h"

namespace hwnas::space {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kBest =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|";
const std::string kNone = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|";

TEST(ArchList, SkipsCommentsBlankLinesAndTrailingWhitespace) {
  Nb201Space s;
  // line 1 comment, 2 blank, 3 arch with CRLF, 4 spaces only, 5 arch with trailing spaces and tab
  const std::string text = "# two archs\n\n" + kBest + "\r\n   \n" + kNone + "  \t\n# end";
  const std::vector<ArchLine> l = parse_arch_list(text, "a.txt", s);
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].text, kBest);
  EXPECT_EQ(l[0].line, 3);
  EXPECT_EQ(l[0].arch, s.parse(kBest));
  EXPECT_EQ(l[1].text, kNone);
  EXPECT_EQ(l[1].line, 5);
  EXPECT_EQ(l[1].arch, s.parse(kNone));
  EXPECT_EQ(l[1].arch.choice, (std::vector<int>{0, 0, 0, 0, 0, 0}));  // "none" is choice 0 of every edge
}

TEST(ArchList, LastLineWithoutNewline) {
  Nb201Space s;
  const std::vector<ArchLine> l = parse_arch_list(kBest, "a.txt", s);
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0].line, 1);
}

TEST(ArchList, BadArchIsAnErrorAtFileAndLine) {
  Nb201Space s;
  try {
    parse_arch_list("# c\n" + kBest + "\nnot-an-arch\n", "a.txt", s);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.where(), StartsWith("a.txt:3"));
  }
}

TEST(ArchList, NoArchitecturesIsAnError) {
  Nb201Space s;
  EXPECT_HWNAS_ERROR(parse_arch_list("# only a comment\n\n", "empty.txt", s), "empty.txt: has no architectures");
  EXPECT_HWNAS_ERROR(parse_arch_list("", "empty.txt", s), "one nb201 arch string per line");
}

TEST(ArchList, ReadsAFile) {
  Nb201Space s;
  const auto path = testing::temp_dir() / "archs.txt";
  write_file_atomic(path, kNone + "\n" + kBest + "\n");
  const std::vector<ArchLine> l = read_arch_list(path, s);
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].text, kNone);
  EXPECT_EQ(l[1].text, kBest);
  EXPECT_EQ(l[1].line, 2);
  EXPECT_THROW(read_arch_list(testing::temp_dir() / "missing.txt", s), Error);
}

}  // namespace
}  // namespace hwnas::space
