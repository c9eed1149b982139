#include "hwnas/data/image_options.h"

#include "hwnas/core/error.h"

namespace hwnas::data {

void image_to_floats(const uint8_t* hwc, int h, int w, int c, const ImageOptions& o, bool augment, Rng& rng,
                     float* out) {
  if ((!o.mean.empty() && static_cast<int>(o.mean.size()) != c) ||
      (!o.std.empty() && static_cast<int>(o.std.size()) != c))
    fail("image options", "mean and std need one value per channel ({}), got {} and {}", c, o.mean.size(),
         o.std.size());
  bool flip = false;
  int dy = 0, dx = 0;  // output (y, x) reads input (y + dy, x + dx); outside is zero padding
  if (augment) {
    flip = o.flip && rng.bernoulli(0.5);
    if (o.pad_crop > 0) {
      dy = rng.uniform_int(-o.pad_crop, o.pad_crop);
      dx = rng.uniform_int(-o.pad_crop, o.pad_crop);
    }
  }
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const int sy = y + dy, sx0 = x + dx, sx = flip ? w - 1 - sx0 : sx0;
      const bool inside = sy >= 0 && sy < h && sx0 >= 0 && sx0 < w;
      for (int ch = 0; ch < c; ++ch) {
        const float v = inside ? hwc[(static_cast<size_t>(sy) * w + sx) * c + ch] / 255.0f : 0.0f;
        const float m = o.mean.empty() ? 0.0f : o.mean[ch], s = o.std.empty() ? 1.0f : o.std[ch];
        out[(static_cast<size_t>(y) * w + x) * c + ch] = (v - m) / s;
      }
    }
}

}  // namespace hwnas::data
