#include "hwnas/report/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/report/markup.h"

namespace hwnas::report {
namespace {

constexpr int kLeft = 64, kRight = 16, kTop = 16, kBottom = 44, kLegendRow = 18;
constexpr double kCharWidth = 6.6;  // average width of a 12 px sans-serif character

// Estimated pixel width of one legend entry: swatch, gap, text, spacing to the next entry.
double legend_entry_width(const std::string& text) { return 26 + kCharWidth * text.size() + 18; }

// Legend entries laid out left to right, wrapping to new rows; returns the row of each.
std::vector<int> legend_rows(const std::vector<std::string>& texts, double available) {
  std::vector<int> rows;
  int row = 0;
  double used = 0;
  for (const auto& t : texts) {
    const double w = legend_entry_width(t);
    if (used > 0 && used + w > available) {
      ++row;
      used = 0;
    }
    rows.push_back(row);
    used += w;
  }
  return rows;
}

std::string num(double v) { return fmt::format("{:.1f}", v); }

std::string style_attrs(const Style& s) {
  std::string a =
      fmt::format(R"(fill="{}" stroke="{}" stroke-width="{}")", escape(s.fill), escape(s.stroke), s.stroke_width);
  if (!s.dash.empty()) a += fmt::format(R"( stroke-dasharray="{}")", escape(s.dash));
  if (s.opacity != 1) a += fmt::format(R"( opacity="{}")", s.opacity);
  return a;
}

// A reference line or legend swatch: the stroke of the style only (its fill paints shading).
std::string line_attrs(const Style& s) {
  return style_attrs({.stroke = s.stroke, .stroke_width = s.stroke_width, .dash = s.dash});
}

void check_finite(double v, const std::string& legend, const char* what) {
  if (!std::isfinite(v))
    fail("svg plot: " + (legend.empty() ? std::string("unnamed item") : "'" + legend + "'"),
         "{} coordinate is {}; only finite values can be plotted (leave such points out)", what, v);
}

}  // namespace

std::string Ticks::label(double v) const {
  if (std::abs(v) < step * 1e-9) v = 0;  // never print "-0"
  return fmt::format("{:.{}f}", v, decimals);
}

Ticks nice_ticks(double lo, double hi, int max_intervals) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) fail("nice_ticks", "axis bounds must be finite, got [{}, {}]", lo, hi);
  if (lo > hi) fail("nice_ticks", "lower bound {} is above upper bound {}", lo, hi);
  if (max_intervals < 1) fail("nice_ticks", "max_intervals must be at least 1, got {}", max_intervals);
  if (lo == hi) {
    const double pad = 0.05 * std::max(std::abs(lo), 1.0);
    lo -= pad;
    hi += pad;
  }
  // Start one 1-2-5 step below span/max_intervals and walk up until the ticks fit.
  int exponent = static_cast<int>(std::floor(std::log10((hi - lo) / max_intervals)));
  static constexpr int kMantissas[] = {1, 2, 5};
  for (int i = 0;; ++i) {
    const int mantissa = kMantissas[i % 3];
    const int e = exponent + i / 3;
    // Multiples of mantissa * 10^e, computed as integers scaled once, so 0.1 * 3 prints 0.3.
    const double scale = std::pow(10.0, std::abs(e));
    const double step = e >= 0 ? mantissa * scale : mantissa / scale;
    const double first = std::floor(lo / step + 1e-9), last = std::ceil(hi / step - 1e-9);
    if (last - first > max_intervals) continue;
    Ticks t;
    t.step = step;
    t.decimals = std::max(0, -e);
    for (double k = first; k <= last; ++k) t.values.push_back(e >= 0 ? k * mantissa * scale : k * mantissa / scale);
    t.lo = t.values.front();
    t.hi = t.values.back();
    return t;
  }
}

SvgPlot::SvgPlot(std::string x_label, std::string y_label, int width, int height)
    : x_label_(std::move(x_label)), y_label_(std::move(y_label)), width_(width), height_(height) {
  if (width < kLeft + kRight + 100 || height < kTop + kBottom + 100)
    fail("svg plot", "size {}x{} px is too small; use at least {}x{}", width, height, kLeft + kRight + 100,
         kTop + kBottom + 100);
}

void SvgPlot::add(Item item) {
  for (const auto& p : item.points) {
    if (uses_x(item.kind)) check_finite(p.x, item.legend, "x");
    if (uses_y(item.kind)) check_finite(p.y, item.legend, "y");
  }
  items_.push_back(std::move(item));
}

void SvgPlot::scatter(std::string legend, std::vector<PlotPoint> points, Style style) {
  add({Kind::scatter, std::move(legend), std::move(points), std::move(style), Side::none});
}
void SvgPlot::step_line(std::string legend, std::vector<PlotPoint> points, Style style) {
  add({Kind::step, std::move(legend), std::move(points), std::move(style), Side::none});
}
void SvgPlot::hline(std::string legend, double y, Style style, Side shade) {
  add({Kind::hline, std::move(legend), {{0, y, ""}}, std::move(style), shade});
}
void SvgPlot::vline(std::string legend, double x, Style style, Side shade) {
  add({Kind::vline, std::move(legend), {{x, 0, ""}}, std::move(style), shade});
}
void SvgPlot::include_x(double v) { add({Kind::x_extent, "", {{v, 0, ""}}, {}, Side::none}); }
void SvgPlot::include_y(double v) { add({Kind::y_extent, "", {{0, v, ""}}, {}, Side::none}); }

std::string SvgPlot::svg() const {
  // Data ranges over every coordinate that is used on each axis.
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const auto& it : items_)
    for (const auto& p : it.points) {
      if (uses_x(it.kind)) x0 = std::min(x0, p.x), x1 = std::max(x1, p.x);
      if (uses_y(it.kind)) y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
    }
  if (!(x0 <= x1) || !(y0 <= y1))
    fail("svg plot '" + y_label_ + "' vs '" + x_label_ + "'", "nothing to plot on both axes; add points first");

  std::vector<std::string> legends;
  for (const auto& it : items_)
    if (!it.legend.empty()) legends.push_back(it.legend);
  const std::vector<int> rows = legend_rows(legends, width_ - kLeft - kRight);
  const int top = kTop + (rows.empty() ? 0 : (rows.back() + 1) * kLegendRow);
  const double left = kLeft, right = width_ - kRight, bottom = height_ - kBottom;
  const double plot_w = right - left, plot_h = bottom - top;
  const Ticks xt = nice_ticks(x0, x1, std::max(2, static_cast<int>(plot_w / 80)));
  const Ticks yt = nice_ticks(y0, y1, std::max(2, static_cast<int>(plot_h / 50)));
  const auto px = [&](double x) { return left + (x - xt.lo) / (xt.hi - xt.lo) * plot_w; };
  const auto py = [&](double y) { return bottom - (y - yt.lo) / (yt.hi - yt.lo) * plot_h; };

  std::string s =
      fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" viewBox="0 0 {0} {1}" )"
                  R"(font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="12">)"
                  "\n",
                  width_, height_);
  s += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="#ffffff" stroke="#c8ccd2"/>)"
                   "\n",
                   left, top, plot_w, plot_h);

  // Shaded sides of reference lines go under everything else.
  for (const auto& it : items_) {
    if (it.shade == Side::none || (it.kind != Kind::hline && it.kind != Kind::vline)) continue;
    double rx = left, ry = top, rw = plot_w, rh = plot_h;
    if (it.kind == Kind::hline) {
      const double y = py(it.points[0].y);
      if (it.shade == Side::above) rh = y - top;
      else ry = y, rh = bottom - y;
    } else {
      const double x = px(it.points[0].x);
      if (it.shade == Side::above) rx = x, rw = right - x;
      else rw = x - left;
    }
    s += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}" opacity="{}"/>)"
                     "\n",
                     num(rx), num(ry), num(rw), num(rh), escape(it.style.fill), it.style.opacity);
  }

  // Grid, ticks and tick labels.
  s += R"(<g stroke="#e6e8eb" stroke-width="1">)";
  for (double v : xt.values)
    s += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}"/>)", num(px(v)), top, bottom);
  for (double v : yt.values)
    s += fmt::format(R"(<line x1="{1}" y1="{0}" x2="{2}" y2="{0}"/>)", num(py(v)), left, right);
  s += "</g>\n<g fill=\"#3c4650\">";
  for (double v : xt.values)
    s += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle">{}</text>)", num(px(v)), bottom + 16, xt.label(v));
  for (double v : yt.values)
    s += fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{}</text>)", left - 6, num(py(v) + 4), yt.label(v));
  s += "</g>\n";
  s += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle" fill="#1f2933">{}</text>)"
                   "\n",
                   num(left + plot_w / 2), height_ - 8, escape(x_label_));
  s += fmt::format(
      R"svg(<text transform="translate(16 {}) rotate(-90)" text-anchor="middle" fill="#1f2933">{}</text>)svg"
      "\n",
      num(top + plot_h / 2), escape(y_label_));

  // Reference lines, then series in the order added.
  for (const auto& it : items_) {
    if (it.kind == Kind::hline)
      s += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" {}/>)"
                       "\n",
                       left, num(py(it.points[0].y)), right, num(py(it.points[0].y)), line_attrs(it.style));
    if (it.kind == Kind::vline)
      s += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" {}/>)"
                       "\n",
                       num(px(it.points[0].x)), top, num(px(it.points[0].x)), bottom, line_attrs(it.style));
  }
  for (const auto& it : items_) {
    if (it.kind == Kind::step && !it.points.empty()) {
      std::string d = "M" + num(px(it.points[0].x)) + "," + num(py(it.points[0].y));
      for (size_t i = 1; i < it.points.size(); ++i) d += "H" + num(px(it.points[i].x)) + "V" + num(py(it.points[i].y));
      s += fmt::format(R"(<path d="{}" {} stroke-linejoin="round"/>)"
                       "\n",
                       d, style_attrs(it.style));
    } else if (it.kind == Kind::scatter) {
      s += fmt::format("<g {}>", style_attrs(it.style));
      for (const auto& p : it.points) {
        s += fmt::format(R"(<circle cx="{}" cy="{}" r="{}">)", num(px(p.x)), num(py(p.y)), it.style.radius);
        if (!p.tooltip.empty()) s += "<title>" + escape(p.tooltip) + "</title>";
        s += "</circle>";
      }
      s += "</g>\n";
      for (const auto& p : it.points) {
        if (p.label.empty()) continue;
        // Right of the marker in the left half, left of it in the right half: inside the plot.
        const bool right_half = px(p.x) > (left + right) / 2;
        s += fmt::format(R"(<text x="{}" y="{}" font-size="11" fill="#1f2933" text-anchor="{}">{}</text>)"
                         "\n",
                         num(px(p.x) + (right_half ? -6 : 6)), num(py(p.y) - 6), right_half ? "end" : "start",
                         escape(p.label));
      }
    }
  }

  // Legend above the plot area.
  double lx = left;
  int row = -1;
  size_t k = 0;
  for (const auto& it : items_) {
    if (it.legend.empty()) continue;
    if (rows[k] != row) row = rows[k], lx = left;
    const double cy = kTop / 2.0 + 4 + row * kLegendRow;
    if (it.kind == Kind::scatter)
      s += fmt::format(R"(<circle cx="{}" cy="{}" r="{}" {}/>)", num(lx + 10), num(cy), it.style.radius,
                       style_attrs(it.style));
    else
      s += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" {}/>)", num(lx), num(cy), num(lx + 20), num(cy),
                       line_attrs(it.style));
    s += fmt::format(R"(<text x="{}" y="{}" fill="#1f2933">{}</text>)"
                     "\n",
                     num(lx + 26), num(cy + 4), escape(it.legend));
    lx += legend_entry_width(it.legend);
    ++k;
  }
  s += "</svg>\n";
  return s;
}

}  // namespace hwnas::report
