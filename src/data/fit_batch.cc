#include "hwnas/data/fit_batch.h"

#include <fmt/format.h>

#include "hwnas/core/error.h"

namespace hwnas::data {
namespace {

void check(const Batch& b, std::array<int, 3> hwc) {
  const auto& s = b.shape;
  if (s[3] != hwc[2] && s[3] != 1)
    fail("batch", "has {} channels per example and the network takes {}; only 1 (gray) can be widened", s[3], hwc[2]);
  if (hwc[0] < 1 || hwc[1] < 1 || hwc[2] < 1) fail("batch", "cannot be fitted to {}x{}x{}", hwc[0], hwc[1], hwc[2]);
}

std::string resize_word(int from, int to) { return from < to ? "zero-padded" : "centre-cropped"; }

}  // namespace

Batch fit_batch(const Batch& b, std::array<int, 3> hwc) {
  check(b, hwc);
  const auto [n, h, w, c] = b.shape;
  const auto [oh, ow, oc] = hwc;
  Batch r;
  r.shape = {n, oh, ow, oc};
  r.y = b.y;
  r.x.assign(static_cast<size_t>(n) * oh * ow * oc, 0.0f);
  // Offsets of the source in the target: positive pads, negative crops (centred; an odd
  // difference puts the extra row at the bottom/right, as torchvision's CenterCrop pads).
  const int dy = (oh - h) / 2, dx = (ow - w) / 2;
  for (int i = 0; i < n; ++i)
    for (int y = 0; y < oh; ++y)
      for (int x = 0; x < ow; ++x) {
        const int sy = y - dy, sx = x - dx;
        if (sy < 0 || sy >= h || sx < 0 || sx >= w) continue;
        for (int k = 0; k < oc; ++k) {
          const int sk = c == 1 ? 0 : k;
          r.x[((static_cast<size_t>(i) * oh + y) * ow + x) * oc + k] =
              b.x[((static_cast<size_t>(i) * h + sy) * w + sx) * c + sk];
        }
      }
  return r;
}

std::string describe_fit(const Batch& b, std::array<int, 3> hwc) {
  check(b, hwc);
  const auto [n, h, w, c] = b.shape;
  if (h == hwc[0] && w == hwc[1] && c == hwc[2]) return fmt::format("{}x{}x{}, unchanged", h, w, c);
  std::string s = fmt::format("{}x{}x{}", h, w, c);
  if (h != hwc[0] || w != hwc[1])
    s += fmt::format(" {} to {}x{}", h == hwc[0] ? resize_word(w, hwc[1]) : resize_word(h, hwc[0]), hwc[0], hwc[1]);
  if (c != hwc[2]) s += fmt::format(", gray copied to {} channels", hwc[2]);
  return s;
}

}  // namespace hwnas::data
