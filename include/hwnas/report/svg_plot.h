#pragma once
// A small SVG plotting library for reports: scatter series, step lines, horizontal and
// vertical reference lines with an optional shaded side, axes with "nice" 1-2-5 ticks, grid
// and a legend. Output is one self-contained <svg> element (no CSS or scripts needed), valid
// XML, every user string escaped; points carry a <title> so browsers show it on hover.
//
//   report::SvgPlot plot("latency (ms)", "accuracy (%)");
//   plot.scatter("all trials", {{12.3, 91.2, "#4 |nor_conv_3x3~0|..."}}, {.fill = "#9aa5b1"});
//   plot.step_line("Pareto front", front, {.stroke = "#d1495b", .stroke_width = 2});
//   plot.vline("latency <= 20", 20.0, {.fill = "#d1495b", .stroke = "#555", .dash = "6 4",
//              .opacity = 0.08}, report::Side::above);   // shades the infeasible right side
//   std::string svg = plot.svg();
//
// The axis ranges are computed when svg() is called, from every point and every reference
// line, so the caller never has to; nice_ticks() is public for tests and for other plots.
//
// Geometry (pixels): the plot area spans x in [64, width - 16] and y in [top, height - 44],
// where top = 16 + 18 * (rows of legend entries); 0 legend rows when no item has a legend.
#include <string>
#include <vector>

namespace hwnas::report {

// Axis ticks at multiples of a step 1, 2 or 5 times a power of ten.
struct Ticks {
  double lo = 0, hi = 0;  // the axis extent: the multiples of step just enclosing the data
  double step = 0;
  std::vector<double> values;  // lo, lo + step, ..., hi
  int decimals = 0;            // digits after the point that the step needs (0.05 -> 2)
  std::string label(double v) const;
};

// The smallest 1-2-5 step for which [floor(lo/step), ceil(hi/step)] * step has at most
// max_intervals intervals. lo == hi is widened by 5% of max(|lo|, 1) on each side. Throws
// hwnas::Error for non-finite bounds, lo > hi or max_intervals < 1.
Ticks nice_ticks(double lo, double hi, int max_intervals);

struct Style {
  std::string fill = "none";
  std::string stroke = "none";
  double stroke_width = 1;
  std::string dash = "";  // SVG stroke-dasharray, "" for solid
  double opacity = 1;
  double radius = 3;  // markers of scatter series
};
// For reference lines, stroke/dash draw the line and fill/opacity paint the shaded side.

struct PlotPoint {
  double x = 0, y = 0;
  std::string tooltip = "";  // shown on hover; "" for none
  std::string label = "";    // written beside the marker (a few named points: models compared); "" for none
};

// Which side of a reference line to shade: below/above in data units, i.e. for a vertical
// line `below` is the left side (smaller x) and `above` the right side.
enum class Side { none, below, above };

class SvgPlot {
 public:
  SvgPlot(std::string x_label, std::string y_label, int width = 560, int height = 380);

  // An empty legend leaves the item out of the legend. Series are drawn in the order added,
  // above all reference lines and shading. Non-finite coordinates throw hwnas::Error.
  void scatter(std::string legend, std::vector<PlotPoint> points, Style style);
  // Joined "step after": horizontal to the next point's x, then vertical to its y.
  void step_line(std::string legend, std::vector<PlotPoint> points, Style style);
  void hline(std::string legend, double y, Style style, Side shade = Side::none);
  void vline(std::string legend, double x, Style style, Side shade = Side::none);
  // Makes an axis reach `v` although nothing is drawn there, e.g. to leave room for the
  // shaded side of a reference line that would otherwise sit on the plot's edge.
  void include_x(double v);
  void include_y(double v);

  // Throws hwnas::Error if nothing with a coordinate on each axis was added.
  std::string svg() const;

 private:
  enum class Kind { scatter, step, hline, vline, x_extent, y_extent };
  static bool uses_x(Kind k) { return k != Kind::hline && k != Kind::y_extent; }
  static bool uses_y(Kind k) { return k != Kind::vline && k != Kind::x_extent; }
  struct Item {
    Kind kind;
    std::string legend;
    std::vector<PlotPoint> points;  // one point for reference lines (only x or y used)
    Style style;
    Side shade;
  };
  void add(Item item);

  std::string x_label_, y_label_;
  int width_, height_;
  std::vector<Item> items_;
};

}  // namespace hwnas::report
