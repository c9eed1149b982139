// Surfaces of the inspection set: brushed metal, wood, woven fabric, printed circuit board.
#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "inspection_synth_internal.h"

namespace hwnas::data::inspection {
namespace {

float uniform(Rng& rng, double lo, double hi) { return static_cast<float>(lo + (hi - lo) * rng.uniform()); }

// Uniform noise in [0, 1), one value per pixel.
cv::Mat1f white(int side, Rng& rng) {
  cv::Mat1f m(side, side);
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) m(y, x) = static_cast<float>(rng.uniform());
  return m;
}

// Smooth noise in [0, 1): a cells x cells grid of random values, interpolated.
cv::Mat1f smooth(int side, int cells, Rng& rng) {
  cv::Mat1f grid = white(cells, rng), m;
  cv::resize(grid, m, cv::Size(side, side), 0, 0, cv::INTER_CUBIC);
  return m;
}

// Streaks along x: noise averaged along a row, centred on 0, about +-1.
cv::Mat1f streaks(int side, int length, Rng& rng) {
  cv::Mat1f m;
  cv::blur(white(side, rng), m, cv::Size(length, 1), cv::Point(-1, -1), cv::BORDER_REFLECT);
  cv::Scalar mean, sd;
  cv::meanStdDev(m, mean, sd);
  m = (m - mean[0]) / std::max(sd[0], 1e-6);
  return m;
}

cv::Mat3f tinted(const cv::Mat1f& v, cv::Vec3f dark, cv::Vec3f light) {
  cv::Mat3f out(v.size());
  for (int y = 0; y < v.rows; ++y)
    for (int x = 0; x < v.cols; ++x) {
      const float t = std::clamp(v(y, x), 0.0f, 1.0f);
      out(y, x) = dark * (1 - t) + light * t;
    }
  return out;
}

// Grain runs along x or y: half the surfaces are turned by 90 degrees.
cv::Mat3f maybe_turned(cv::Mat3f m, Rng& rng) {
  if (rng.bernoulli(0.5)) return m;
  cv::Mat3f t;
  cv::transpose(m, t);
  return t;
}

Surface metal(int side, Rng& rng) {
  const float g = uniform(rng, 0.45, 0.75);
  const cv::Vec3f base(g, g + uniform(rng, -0.02, 0.02), g + uniform(rng, 0.0, 0.05));  // steel leans blue
  const cv::Mat1f s = streaks(side, side / 3, rng), low = smooth(side, 4, rng);
  const float amp = uniform(rng, 0.03, 0.07);
  cv::Mat1f v = 0.5f + amp * s + 0.08f * (low - 0.5f);
  const cv::Mat3f img = tinted(v, base * 0.5f, base * 1.5f);
  const cv::Mat3f out = maybe_turned(img, rng);
  return {out, out, {}};
}

Surface wood(int side, Rng& rng) {
  // Growth rings: bands across y, bent by smooth noise, sharpened towards the dark late wood.
  const cv::Mat1f warp = smooth(side, 4, rng), grain = streaks(side, side / 4, rng);
  const float bend = uniform(rng, 8, 30), period = uniform(rng, 6, 16), phase = uniform(rng, 0, 6.3);
  cv::Mat1f v(side, side);
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) {
      const float r = 0.5f + 0.5f * std::sin((static_cast<float>(y) + bend * warp(y, x)) * 6.2832f / period + phase);
      v(y, x) = 1.0f - r * r * r + 0.06f * grain(y, x);
    }
  const float k = uniform(rng, 0.8, 1.15);
  const cv::Vec3f dark(0.40f * k, 0.24f * k, 0.12f * k), light(0.80f * k, 0.60f * k, 0.38f * k);
  const cv::Mat3f out = maybe_turned(tinted(v, dark, light), rng);
  return {out, out, {}};
}

Surface fabric(int side, Rng& rng) {
  // Plain weave: in each cell either the weft (along x) or the warp (along y) is on top,
  // alternating like a chequerboard; a thread is brightest along its middle.
  const int p = rng.uniform_int(4, 7);
  const cv::Vec3f c(uniform(rng, 0.2, 0.85), uniform(rng, 0.2, 0.85), uniform(rng, 0.2, 0.85));
  const cv::Vec3f weft = c, warp = c * uniform(rng, 0.8, 1.0);
  const cv::Mat1f fuzz = white(side, rng);
  cv::Mat3f out(side, side);
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) {
      const bool weft_on_top = ((x / p) + (y / p)) % 2 == 0;
      const int along = weft_on_top ? y % p : x % p;
      const float profile = std::sin(3.1416f * (static_cast<float>(along) + 0.5f) / static_cast<float>(p));
      const float shade = 0.55f + 0.45f * profile + 0.08f * (fuzz(y, x) - 0.5f);
      out(y, x) = (weft_on_top ? weft : warp) * shade;
    }
  return {out, out, {}};
}

bool overlaps(const cv::Rect& r, const std::vector<Part>& parts, int margin) {
  const cv::Rect grown(r.x - margin, r.y - margin, r.width + 2 * margin, r.height + 2 * margin);
  for (const auto& p : parts)
    if ((grown & p.rect).area() > 0) return true;
  return false;
}

Surface pcb(int side, Rng& rng) {
  // Solder mask (green, sometimes blue or black) over glass weave; traces under the mask
  // show lighter; pads and components sit on top and are the parts that can go missing.
  static const cv::Vec3f kMasks[] = {{0.10f, 0.38f, 0.16f},
                                     {0.08f, 0.30f, 0.12f},
                                     {0.10f, 0.18f, 0.45f},
                                     {0.08f, 0.08f, 0.09f}};
  const cv::Vec3f mask = kMasks[rng.bernoulli(0.75) ? rng.uniform_int(2) : 2 + rng.uniform_int(2)];
  const cv::Mat1f weave = smooth(side, side / 6, rng), fuzz = white(side, rng);
  cv::Mat3f board(side, side);
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) board(y, x) = mask * (0.9f + 0.15f * weave(y, x) + 0.05f * fuzz(y, x));
  const cv::Scalar trace(mask[0] * 1.5 + 0.04, mask[1] * 1.5 + 0.04, mask[2] * 1.5 + 0.04);

  // Traces: Manhattan paths with 45-degree corners, two pixels or more wide.
  std::vector<cv::Point> ends;
  const int traces = rng.uniform_int(8, 18);
  for (int t = 0; t < traces; ++t) {
    cv::Point p(rng.uniform_int(side), rng.uniform_int(side));
    ends.push_back(p);
    const int width = rng.uniform_int(2, 3), legs = rng.uniform_int(2, 4);
    for (int l = 0; l < legs; ++l) {
      static const cv::Point kDirs[] = {{1, 0}, {0, 1}, {-1, 0}, {0, -1}, {1, 1}, {1, -1}, {-1, 1}, {-1, -1}};
      const cv::Point d = kDirs[l % 2 == 0 ? rng.uniform_int(4) : rng.uniform_int(8)];
      const cv::Point q = p + d * rng.uniform_int(side / 10, side / 3);
      cv::line(board, p, q, trace, width, cv::LINE_8);
      p = q;
    }
    ends.push_back(p);
  }

  // What a part leaves when it goes missing, as automated optical inspection sees it: a
  // component's solder lands (tinned copper), a pad's opening in the solder mask (bare laminate),
  // a via's drilled hole. Drawn on `remnants`, which the missing-part defect shows.
  cv::Mat3f img = board.clone(), remnants = board.clone();
  const cv::Scalar laminate(0.50, 0.42, 0.30), hole(0.05, 0.05, 0.05);  // laminate: duller than any land
  std::vector<Part> parts;
  const cv::Scalar tin(0.80, 0.80, 0.78), black(0.08, 0.08, 0.09);
  const cv::Vec3f pad_colour = rng.bernoulli(0.5) ? cv::Vec3f(0.85f, 0.68f, 0.30f) : cv::Vec3f(0.80f, 0.80f, 0.78f);
  const cv::Scalar pad(pad_colour[0], pad_colour[1], pad_colour[2]);
  // Components first (they need room), then a pad or via at trace ends.
  const int components = rng.uniform_int(2, 6);
  for (int c = 0, tries = 0; c < components && tries < 40; ++tries) {
    const bool ic = rng.bernoulli(0.4);
    const int w = ic ? rng.uniform_int(14, 28) : rng.uniform_int(7, 11), h = ic ? rng.uniform_int(10, 22) : 4;
    const bool turn = !ic && rng.bernoulli(0.5);
    const cv::Rect r(rng.uniform_int(2, side - 30), rng.uniform_int(2, side - 30), turn ? h : w, turn ? w : h);
    if (overlaps(r, parts, 3)) continue;
    if (ic) {
      // Pins along the long sides, then the black body between them.
      for (int x = r.x + 2; x + 2 <= r.x + r.width - 2; x += 4)
        for (cv::Mat3f* m : {&img, &remnants}) {  // the lands under the pins stay
          cv::rectangle(*m, cv::Rect(x, r.y, 2, 3), tin, cv::FILLED);
          cv::rectangle(*m, cv::Rect(x, r.y + r.height - 3, 2, 3), tin, cv::FILLED);
        }
      cv::rectangle(img, cv::Rect(r.x, r.y + 3, r.width, r.height - 6), black, cv::FILLED);
      cv::circle(img, cv::Point(r.x + 3, r.y + 6), 1, cv::Scalar(0.3, 0.3, 0.3), cv::FILLED);  // pin-1 dot
    } else {
      // A chip resistor or capacitor: a beige or brown body between two tinned ends.
      const cv::Scalar body = rng.bernoulli(0.5) ? cv::Scalar(0.15, 0.13, 0.12) : cv::Scalar(0.70, 0.60, 0.42);
      cv::rectangle(img, r, tin, cv::FILLED);
      const cv::Rect mid =
          turn ? cv::Rect(r.x, r.y + 2, r.width, r.height - 4) : cv::Rect(r.x + 2, r.y, r.width - 4, r.height);
      cv::rectangle(img, mid, body, cv::FILLED);
      // Its two lands stay, the mask bare between them.
      cv::rectangle(remnants, r, tin, cv::FILLED);
      cv::rectangle(remnants, mid, cv::Scalar(board(mid.y + mid.height / 2, mid.x + mid.width / 2)), cv::FILLED);
    }
    parts.push_back({r, false});
    ++c;
  }
  for (const cv::Point& e : ends) {
    const bool via = rng.bernoulli(0.4);
    const int s = via ? rng.uniform_int(5, 7) : rng.uniform_int(4, 8);
    const cv::Rect r(e.x - s / 2, e.y - s / 2, s, s);
    if (r.x < 0 || r.y < 0 || r.x + s > side || r.y + s > side || overlaps(r, parts, 1)) continue;
    if (via) {
      cv::circle(img, e, s / 2, pad, cv::FILLED);
      cv::circle(img, e, 1, hole, cv::FILLED);  // the drilled hole
      cv::circle(remnants, e, s / 2, laminate, cv::FILLED);
      cv::circle(remnants, e, 1, hole, cv::FILLED);
    } else {
      cv::rectangle(img, r, pad, cv::FILLED);
      cv::rectangle(remnants, r, laminate, cv::FILLED);
    }
    parts.push_back({r, via});
  }
  return {img, remnants, parts};
}

}  // namespace

Surface render_surface(InspectionSurface kind, int side, Rng& rng) {
  switch (kind) {
    case InspectionSurface::metal:
      return metal(side, rng);
    case InspectionSurface::wood:
      return wood(side, rng);
    case InspectionSurface::fabric:
      return fabric(side, rng);
    case InspectionSurface::pcb:
      return pcb(side, rng);
    case InspectionSurface::flat:
      break;
  }
  cv::Mat3f flat(side, side, cv::Vec3f(0.5f, 0.5f, 0.5f));
  return {flat, flat, {}};
}

}  // namespace hwnas::data::inspection
