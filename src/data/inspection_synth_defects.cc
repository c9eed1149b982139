// Defects of the inspection set: scratch, dent, spot, crack, missing part.
#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "inspection_synth_internal.h"

namespace hwnas::data::inspection {
namespace {

float uniform(Rng& rng, double lo, double hi) { return static_cast<float>(lo + (hi - lo) * rng.uniform()); }

// Lines and shapes are drawn anti-aliased into an 8-bit mask (OpenCV anti-aliases only
// 8-bit images), then become the defect's opacity.
Layer from_mask(const cv::Mat1b& mask, float strength, cv::Mat3f color, cv::Vec3f solid = {}) {
  Layer l;
  mask.convertTo(l.alpha, CV_32F, strength / 255.0);
  l.color = std::move(color);
  l.solid = solid;
  return l;
}

Layer solid(const cv::Mat1b& mask, float strength, cv::Vec3f c) { return from_mask(mask, strength, {}, c); }

// Mean brightness of the canvas around `c`: a defect must stand out from what it is on (a
// dark stain on a black board is no defect anyone can see, nor label).
float brightness(const cv::Mat3f& canvas, cv::Point2f c) {
  const cv::Rect r = cv::Rect(cvRound(c.x) - 6, cvRound(c.y) - 6, 13, 13) & cv::Rect(0, 0, canvas.cols, canvas.rows);
  if (r.area() == 0) return 0.5f;
  const cv::Scalar m = cv::mean(canvas(r));
  return static_cast<float>((m[0] + m[1] + m[2]) / 3);
}

cv::Point2f polar(float length, float angle) { return {length * std::cos(angle), length * std::sin(angle)}; }

// A random walk from `at`: `steps` steps of `step` pixels, turning up to `turn` radians each.
std::vector<cv::Point> walk(cv::Point2f at, float angle, int steps, float step, float turn, Rng& rng) {
  std::vector<cv::Point> pts{cv::Point(cvRound(at.x), cvRound(at.y))};
  for (int i = 0; i < steps; ++i) {
    angle += uniform(rng, -turn, turn);
    at += polar(step, angle);
    pts.emplace_back(cvRound(at.x), cvRound(at.y));
  }
  return pts;
}

// A thin, nearly straight line left by a tool or a part sliding past: bright where it cut
// through a coating or polished the surface, dark where it holds dirt.
Layer scratch(const cv::Mat3f& canvas, cv::Point2f c, double scale, Rng& rng) {
  cv::Mat1b mask(canvas.size(), uchar(0));
  const float length = uniform(rng, 12, 50) * static_cast<float>(scale), angle = uniform(rng, 0, 6.2832);
  const int steps = rng.uniform_int(3, 6);
  const auto pts = walk(c - polar(length / 2, angle), angle, steps, length / static_cast<float>(steps), 0.12f, rng);
  cv::polylines(mask, pts, false, cv::Scalar(255), scale > 1.5 ? 2 : 1, cv::LINE_AA);
  const float under = brightness(canvas, c);
  const bool bright = under < 0.35f ? true : under > 0.7f ? false : rng.bernoulli(0.5);
  const float v = bright ? uniform(rng, 0.85, 1.0) : uniform(rng, 0.03, 0.2);
  return solid(mask, uniform(rng, 0.7, 1.0), {v, v, v});
}

// A shallow ellipse pressed in: lit on one side, shadowed on the other.
Layer dent(const cv::Mat3f& canvas, cv::Point2f c, double scale, Rng& rng) {
  const float a = uniform(rng, 4, 12) * static_cast<float>(scale), b = a * uniform(rng, 0.5, 1.0);
  const float angle = uniform(rng, 0, 180), light = uniform(rng, 0, 6.2832), depth = uniform(rng, 0.4, 0.65);
  cv::Mat1b mask(canvas.size(), uchar(0));
  cv::ellipse(mask, cv::RotatedRect(c, cv::Size2f(2 * a, 2 * b), angle), cv::Scalar(255), cv::FILLED, cv::LINE_AA);
  cv::GaussianBlur(mask, mask, cv::Size(3, 3), 1.0);  // a soft rim
  cv::Mat3f color = canvas.clone();
  const float lx = std::cos(light), ly = std::sin(light);
  const cv::Rect roi = cv::Rect(cvFloor(c.x - a - 2), cvFloor(c.y - a - 2), cvCeil(2 * a + 5), cvCeil(2 * a + 5)) &
                       cv::Rect(0, 0, canvas.cols, canvas.rows);
  for (int y = roi.y; y < roi.y + roi.height; ++y)
    for (int x = roi.x; x < roi.x + roi.width; ++x) {
      // The wall facing the light is bright, the far one dark; the floor a little dark.
      const float t = ((static_cast<float>(x) - c.x) * lx + (static_cast<float>(y) - c.y) * ly) / a;
      // Multiplied, and added so that a dent shows on a dark surface too.
      const float shade = 0.85f - depth * t;
      color(y, x) = color(y, x) * std::max(0.0f, shade) + cv::Vec3f::all(0.4f * (shade - 0.85f));
    }
  return from_mask(mask, 1.0f, color);
}

// A stain: a few overlapping round blobs with soft edges, dark or coloured (rust, oil, paint).
Layer spot(const cv::Mat3f& canvas, cv::Point2f c, double scale, Rng& rng) {
  cv::Mat1b mask(canvas.size(), uchar(0));
  const int blobs = rng.uniform_int(2, 5);
  const float s = static_cast<float>(scale);
  for (int i = 0; i < blobs; ++i) {
    const cv::Point2f p = c + cv::Point2f(uniform(rng, -4, 4) * s, uniform(rng, -4, 4) * s);
    cv::circle(mask, cv::Point(cvRound(p.x), cvRound(p.y)), cvRound(uniform(rng, 2, 6) * s), cv::Scalar(255),
               cv::FILLED, cv::LINE_AA);
  }
  const double sigma = uniform(rng, 0.8, 1.6);
  cv::GaussianBlur(mask, mask, cv::Size(5, 5), sigma);
  static const cv::Vec3f kColours[] = {{0.08f, 0.07f, 0.06f},
                                       {0.55f, 0.28f, 0.10f},
                                       {0.18f, 0.20f, 0.28f},
                                       {0.25f, 0.18f, 0.10f}};
  cv::Vec3f colour = kColours[rng.uniform_int(4)];
  if (brightness(canvas, c) < 0.3f) colour = {0.80f, 0.78f, 0.72f};  // dust or dried residue on a dark surface
  if (rng.bernoulli(0.2)) colour = {uniform(rng, 0.1, 0.9), uniform(rng, 0.1, 0.9), uniform(rng, 0.1, 0.9)};  // paint
  return solid(mask, uniform(rng, 0.7, 1.0), colour);
}

// A jagged dark line that forks.
Layer crack(const cv::Mat3f& canvas, cv::Point2f c, double scale, Rng& rng) {
  cv::Mat1b mask(canvas.size(), uchar(0));
  const float step = uniform(rng, 2, 3) * static_cast<float>(scale), angle = uniform(rng, 0, 6.2832);
  const auto trunk = walk(c, angle, rng.uniform_int(6, 14), step, 0.6f, rng);
  const int thickness = scale > 1.5 ? 2 : 1;
  cv::polylines(mask, trunk, false, cv::Scalar(255), thickness, cv::LINE_AA);
  int branches = 0;
  for (size_t i = 1; i + 1 < trunk.size() && branches < 3; ++i) {
    if (!rng.bernoulli(0.25)) continue;
    const cv::Point d = trunk[i + 1] - trunk[i];
    const float side = rng.bernoulli(0.5) ? 1.0f : -1.0f;
    const float a = std::atan2(static_cast<float>(d.y), static_cast<float>(d.x)) + side * uniform(rng, 0.5, 1.2);
    cv::polylines(mask, walk(cv::Point2f(trunk[i]), a, rng.uniform_int(2, 6), step, 0.6f, rng), false, cv::Scalar(255),
                  thickness, cv::LINE_AA);
    ++branches;
  }
  // Dark where the crack is a shadow; light on a dark surface, where it bares the material below.
  const float v = brightness(canvas, c) > 0.3f ? uniform(rng, 0.02, 0.12) : uniform(rng, 0.6, 0.8);
  return solid(mask, uniform(rng, 0.85, 1.0), {v, v, v});
}

// A part gone: the board as it is without it, with what the part leaves (its solder lands, the
// mask opening of a pad, a via's hole: Surface::background), a pixel beyond its edge so that no
// rim of the part stays.
Layer missing(const Surface& s, const cv::Mat3f& canvas, int part) {
  const Part& p = s.parts.at(static_cast<size_t>(part));
  cv::Mat1b mask(canvas.size(), uchar(0));
  if (p.round) {
    const cv::Point c(p.rect.x + p.rect.width / 2, p.rect.y + p.rect.height / 2);
    cv::circle(mask, c, p.rect.width / 2 + 1, cv::Scalar(255), cv::FILLED);
  } else {
    cv::rectangle(mask, cv::Rect(p.rect.x - 1, p.rect.y - 1, p.rect.width + 2, p.rect.height + 2), cv::Scalar(255),
                  cv::FILLED);
  }
  return from_mask(mask, 1.0f, s.background);  // read only: shared, not copied
}

}  // namespace

Layer draw_defect(InspectionDefect kind, const Surface& surface, const cv::Mat3f& canvas, cv::Point2f center,
                  double scale, int part, Rng& rng) {
  switch (kind) {
    case InspectionDefect::scratch:
      return scratch(canvas, center, scale, rng);
    case InspectionDefect::dent:
      return dent(canvas, center, scale, rng);
    case InspectionDefect::spot:
      return spot(canvas, center, scale, rng);
    case InspectionDefect::crack:
      return crack(canvas, center, scale, rng);
    case InspectionDefect::missing:
      return missing(surface, canvas, part);
  }
  return {};
}

}  // namespace hwnas::data::inspection
