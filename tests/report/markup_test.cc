#include "hwnas/report/markup.h"

#include <gtest/gtest.h>

#include "xml_check.h"

namespace hwnas::report {
namespace {

TEST(Escape, EscapesTheFiveMarkupCharacters) {
  EXPECT_EQ(escape("a < b & c > \"d\" 'e'"), "a &lt; b &amp; c &gt; &quot;d&quot; &#39;e&#39;");
  EXPECT_EQ(escape("|nor_conv_3x3~0|+|skip_connect~1|"), "|nor_conv_3x3~0|+|skip_connect~1|");
  EXPECT_EQ(escape(""), "");
  EXPECT_EQ(escape("&amp;"), "&amp;amp;");  // already-escaped text is escaped again, not trusted
}

TEST(Escape, ResultIsSafeAsTextAndAsAttribute) {
  const std::string nasty = "</td><script>x('\"')</script>&";
  const auto check = testing::check_xml("<p title=\"" + escape(nasty) + "\">" + escape(nasty) + "</p>");
  EXPECT_EQ(check.error, "");
  ASSERT_EQ(check.elements.size(), 1u);
}

}  // namespace
}  // namespace hwnas::report
