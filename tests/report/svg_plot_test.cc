#include "hwnas/report/svg_plot.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "testing.h"
#include "xml_check.h"

namespace hwnas::report {
namespace {

using testing::check_xml;

TEST(NiceTicks, PicksTheSmallest125StepThatFits) {
  // 4.2..57.9, at most 8 intervals: step 5 needs floor(0.84)=0..ceil(11.58)=12 -> 12 intervals,
  // too many; step 10 needs 0..6 -> 6 intervals: ticks 0, 10, ..., 60.
  Ticks t = nice_ticks(4.2, 57.9, 8);
  EXPECT_EQ(t.step, 10);
  EXPECT_EQ(t.values, (std::vector<double>{0, 10, 20, 30, 40, 50, 60}));
  EXPECT_EQ(t.decimals, 0);

  // 80.1..94.37: step 1 -> 80..95 = 15 intervals; step 2 -> 40..48 (x2) = 8 intervals: fits.
  t = nice_ticks(80.1, 94.37, 8);
  EXPECT_EQ(t.step, 2);
  EXPECT_EQ(t.lo, 80);
  EXPECT_EQ(t.hi, 96);
  EXPECT_EQ(t.values.size(), 9u);

  // 0.013..0.0475, at most 5: 0.005 -> 2..10 = 8 intervals; 0.01 -> 1..5 = 4: fits.
  t = nice_ticks(0.013, 0.0475, 5);
  EXPECT_DOUBLE_EQ(t.step, 0.01);
  ASSERT_EQ(t.values.size(), 5u);
  EXPECT_EQ(t.decimals, 2);
  EXPECT_EQ(t.label(t.values[0]), "0.01");
  EXPECT_EQ(t.label(t.values[2]), "0.03");  // exactly 3/100, not 0.030000000000000002
  EXPECT_EQ(t.values[2], 0.03);

  // Negative data, at most 4: step 2 -> floor(-1.5)=-2..ceil(3.5)=4 = 6; step 5 -> -1..2 = 3.
  t = nice_ticks(-3, 7, 4);
  EXPECT_EQ(t.values, (std::vector<double>{-5, 0, 5, 10}));
  EXPECT_EQ(t.label(0), "0");
}

TEST(NiceTicks, BoundsOnATickAddNoExtraInterval) {
  // 0.3/0.1 is 2.9999999999999996 in binary; the axis must still start at 0.3.
  const Ticks t = nice_ticks(0.3, 0.9, 6);
  EXPECT_DOUBLE_EQ(t.step, 0.1);
  EXPECT_DOUBLE_EQ(t.lo, 0.3);
  EXPECT_DOUBLE_EQ(t.hi, 0.9);
}

TEST(NiceTicks, WidensASingleValue) {
  // 5 +- 0.25 = 4.75..5.25; 0.05 -> 95..105 = 10 > 8; 0.1 -> 47..53 = 6: 4.7..5.3.
  const Ticks t = nice_ticks(5, 5, 8);
  EXPECT_DOUBLE_EQ(t.step, 0.1);
  EXPECT_DOUBLE_EQ(t.lo, 4.7);
  EXPECT_DOUBLE_EQ(t.hi, 5.3);
  EXPECT_EQ(t.label(5), "5.0");
}

TEST(NiceTicks, RejectsBadBounds) {
  EXPECT_HWNAS_ERROR(nice_ticks(std::nan(""), 1, 5), "must be finite");
  EXPECT_HWNAS_ERROR(nice_ticks(0, std::numeric_limits<double>::infinity(), 5), "must be finite");
  EXPECT_HWNAS_ERROR(nice_ticks(2, 1, 5), "lower bound 2 is above upper bound 1");
  EXPECT_HWNAS_ERROR(nice_ticks(0, 1, 0), "max_intervals must be at least 1");
}

// Without a legend the plot area of a 560x380 plot is x 64..544 (480 px), y 16..336 (320 px).
// Data 0..10 on both axes: 480/80 = 6 and 320/50 = 6 intervals at most -> step 2, axis 0..10.
TEST(SvgPlot, MapsDataToPixels) {
  SvgPlot plot("x", "y");
  plot.scatter("", {{0, 0, ""}, {10, 10, ""}, {5, 2.5, ""}}, {.fill = "#000"});
  const auto xml = check_xml(plot.svg());
  ASSERT_EQ(xml.error, "");
  const auto circles = xml.all("circle");
  ASSERT_EQ(circles.size(), 3u);
  EXPECT_EQ(circles[0]->attrs.at("cx"), "64.0");
  EXPECT_EQ(circles[0]->attrs.at("cy"), "336.0");
  EXPECT_EQ(circles[1]->attrs.at("cx"), "544.0");
  EXPECT_EQ(circles[1]->attrs.at("cy"), "16.0");
  EXPECT_EQ(circles[2]->attrs.at("cx"), "304.0");  // 64 + 0.5 * 480
  EXPECT_EQ(circles[2]->attrs.at("cy"), "256.0");  // 336 - 0.25 * 320
  // Tick labels 0, 2, ..., 10 on each axis.
  int tick_labels = 0;
  for (const auto* t : xml.all("text")) tick_labels += t->text == "4" || t->text == "10";
  EXPECT_EQ(tick_labels, 4);
}

TEST(SvgPlot, StepLineGoesAcrossThenUpOrDown) {
  SvgPlot plot("x", "y");
  plot.step_line("", {{0, 10, ""}, {4, 6, ""}, {10, 0, ""}}, {.stroke = "red"});
  const auto xml = check_xml(plot.svg());
  ASSERT_EQ(xml.error, "");
  const auto paths = xml.all("path");
  ASSERT_EQ(paths.size(), 1u);
  // x 4 -> 64 + 0.4 * 480 = 256; y 6 -> 336 - 0.6 * 320 = 144.
  EXPECT_EQ(paths[0]->attrs.at("d"), "M64.0,16.0H256.0V144.0H544.0V336.0");
}

TEST(SvgPlot, ReferenceLinesAreDashedWithTheChosenSideShaded) {
  SvgPlot plot("x", "y");
  plot.scatter("", {{0, 0, ""}, {10, 10, ""}}, {.fill = "#000"});
  plot.hline("", 5, {.fill = "#f00", .stroke = "#333", .dash = "6 4", .opacity = 0.1}, Side::above);
  plot.vline("", 2, {.fill = "#00f", .stroke = "#333", .dash = "6 4", .opacity = 0.1}, Side::below);
  const auto xml = check_xml(plot.svg());
  ASSERT_EQ(xml.error, "");
  std::vector<const testing::XmlElement*> shades, dashed;
  for (const auto* r : xml.all("rect"))
    if (r->attrs.at("fill") != "#ffffff") shades.push_back(r);
  for (const auto* l : xml.all("line"))
    if (l->attrs.count("stroke-dasharray")) dashed.push_back(l);
  ASSERT_EQ(shades.size(), 2u);
  // y = 5 -> 176 px; above it up to the top 16: height 160.
  EXPECT_EQ(shades[0]->attrs.at("y"), "16.0");
  EXPECT_EQ(shades[0]->attrs.at("height"), "160.0");
  // x = 2 -> 64 + 96 = 160 px; the left side is 96 px wide.
  EXPECT_EQ(shades[1]->attrs.at("x"), "64.0");
  EXPECT_EQ(shades[1]->attrs.at("width"), "96.0");
  ASSERT_EQ(dashed.size(), 2u);
  EXPECT_EQ(dashed[0]->attrs.at("y1"), "176.0");
  EXPECT_EQ(dashed[1]->attrs.at("x1"), "160.0");
}

TEST(SvgPlot, RangeIncludesReferenceLinesOutsideTheData) {
  SvgPlot plot("x", "y");
  plot.scatter("", {{1, 1, ""}, {3, 3, ""}}, {.fill = "#000"});
  plot.vline("", 10, {.stroke = "#333"});
  const auto xml = check_xml(plot.svg());
  ASSERT_EQ(xml.error, "");
  // x spans 1..10 -> ticks 0..10 step 2; the line at 10 is on the right edge, 544 px.
  int reference_lines = 0;
  for (const auto* l : xml.all("line")) {
    if (l->attrs.count("stroke") == 0 || l->attrs.at("stroke") != "#333") continue;
    EXPECT_EQ(l->attrs.at("x1"), "544.0");
    ++reference_lines;
  }
  EXPECT_EQ(reference_lines, 1);
}

TEST(SvgPlot, IncludeExtendsAnAxisWithoutDrawing) {
  SvgPlot plot("x", "y");
  plot.scatter("", {{0, 0, ""}, {10, 10, ""}}, {.fill = "#000"});
  plot.include_x(12);   // 0..12: 2 -> 6 intervals fits 6: axis 0..12, x = 10 at 64 + 480 * 10/12 = 464
  plot.include_y(-10);  // -10..10: 2 -> 10 intervals > 6, 5 -> 4: axis -10..10, y = 10 at the top
  const auto xml = check_xml(plot.svg());
  ASSERT_EQ(xml.error, "");
  EXPECT_EQ(xml.all("circle")[1]->attrs.at("cx"), "464.0");
  EXPECT_EQ(xml.all("circle")[1]->attrs.at("cy"), "16.0");
  EXPECT_EQ(xml.all("circle")[0]->attrs.at("cy"), "176.0");  // 0 is mid-axis now
  EXPECT_EQ(xml.all("circle").size(), 2u);
  for (const auto* l : xml.all("line")) EXPECT_EQ(l->attrs.count("stroke"), 0u);  // grid lines only
}

TEST(SvgPlot, LegendMovesThePlotAreaDownAndEscapesNames) {
  SvgPlot plot("lat <ms>", "acc & \"more\"");
  plot.scatter("trials <all> & 'some'", {{0, 0, "#1 <script>alert(1)</script>"}, {10, 10, ""}}, {.fill = "#000"});
  const std::string svg = plot.svg();
  const auto xml = check_xml(svg);
  ASSERT_EQ(xml.error, "");
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_NE(svg.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(svg.find("trials &lt;all&gt; &amp; &#39;some&#39;"), std::string::npos);
  EXPECT_NE(svg.find("acc &amp; &quot;more&quot;"), std::string::npos);
  // One legend row: the plot area starts at 16 + 18 = 34.
  EXPECT_EQ(xml.all("rect")[0]->attrs.at("y"), "34");
  ASSERT_EQ(xml.all("title").size(), 1u);
}

TEST(SvgPlot, LongLegendsWrapToMoreRows) {
  SvgPlot plot("x", "y", 400, 300);
  // Each entry is 26 + 6.6 * 30 + 18 = 242 px wide; 400 - 80 = 320 px fit one per row.
  const std::string name(30, 'n');
  plot.scatter(name, {{0, 0, ""}}, {.fill = "#000"});
  plot.scatter(name, {{1, 1, ""}}, {.fill = "#111"});
  plot.scatter(name, {{2, 2, ""}}, {.fill = "#222"});
  const auto xml = check_xml(plot.svg());
  ASSERT_EQ(xml.error, "");
  EXPECT_EQ(xml.all("rect")[0]->attrs.at("y"), "70");  // 16 + 3 * 18
}

TEST(SvgPlot, RejectsWhatCannotBePlotted) {
  SvgPlot plot("x", "y");
  EXPECT_HWNAS_ERROR(plot.scatter("front", {{1, std::nan(""), ""}}, {}), "svg plot: 'front': y coordinate is nan");
  EXPECT_HWNAS_ERROR(plot.svg(), "nothing to plot");
  plot.hline("limit", 3, {});
  EXPECT_HWNAS_ERROR(plot.svg(), "nothing to plot on both axes");  // a y but no x
  EXPECT_HWNAS_ERROR(SvgPlot("x", "y", 100, 100), "too small");
}

}  // namespace
}  // namespace hwnas::report
