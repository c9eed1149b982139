// The checker used by the other report tests must itself reject what is not well-formed.
#include "xml_check.h"

#include <gtest/gtest.h>

namespace hwnas::report::testing {
namespace {

TEST(XmlCheck, AcceptsWellFormedDocuments) {
  const auto r = check_xml(
      "<!DOCTYPE html>\n<html><head><style>a > b {}</style><script>if (a < b) x();</script></head>"
      "<body><p class=\"x\">1 &lt; 2 &amp; &#39;ok&#39;<br/></p></body></html>\n");
  ASSERT_EQ(r.error, "");
  ASSERT_EQ(r.all("p").size(), 1u);
  EXPECT_EQ(r.all("p")[0]->attrs.at("class"), "x");
  EXPECT_EQ(r.all("p")[0]->depth, 2);
}

TEST(XmlCheck, RejectsMalformedDocuments) {
  EXPECT_NE(check_xml("<a><b></a></b>").error.find("does not match"), std::string::npos);
  EXPECT_NE(check_xml("<a>").error.find("never closed"), std::string::npos);
  EXPECT_NE(check_xml("<a x=1></a>").error.find("not name=\"value\""), std::string::npos);
  EXPECT_NE(check_xml("<a>1 < 2</a>").error.find("'<' not followed by a tag name"), std::string::npos);
  EXPECT_NE(check_xml("<a>R&D</a>").error.find("'&' without ';'"), std::string::npos);
  EXPECT_NE(check_xml("<a>&nbsp;</a>").error.find("unknown entity"), std::string::npos);
  EXPECT_NE(check_xml("<a t=\"<\"></a>").error.find("'<' in text"), std::string::npos);
  EXPECT_NE(check_xml("<a x=\"1\" x=\"2\"/>").error.find("duplicate attribute"), std::string::npos);
  EXPECT_NE(check_xml("<a/><b/>").error.find("more than one root"), std::string::npos);
  EXPECT_NE(check_xml("hi <a/>").error.find("text outside"), std::string::npos);
  EXPECT_NE(check_xml("").error.find("no root"), std::string::npos);
}

}  // namespace
}  // namespace hwnas::report::testing
