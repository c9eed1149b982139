#pragma once
// The pooling window walk, written once for every kernel set (the fp32 reference kernels,
// quant's int8 kernels): the in-image input pixels of one output position's window, padded
// pixels skipped (each kernel decides what they count for).
//
//   runtime::for_each_in_window(xs, node.attrs, pads, b, oh, ow, c, [&](int64_t i) { acc += x[i]; ++count; });
#include <cstdint>

#include "hwnas/ir/graph.h"
#include "hwnas/ir/shape_inference.h"

namespace hwnas::runtime {

// Calls f(i) for the NHWC index i of every in-image pixel of channel c in the window of output
// (b, oh, ow) over input shape xs.
template <typename F>
void for_each_in_window(const ir::Shape& xs, const ir::Attrs& a, const ir::Pads& pad, int64_t b, int64_t oh,
                        int64_t ow, int64_t c, F f) {
  for (int kh = 0; kh < a.kernel_h; ++kh) {
    const int64_t ih = oh * a.stride_h - pad.top + kh;
    if (ih < 0 || ih >= xs.h()) continue;
    for (int kw = 0; kw < a.kernel_w; ++kw) {
      const int64_t iw = ow * a.stride_w - pad.left + kw;
      if (iw < 0 || iw >= xs.w()) continue;
      f(((b * xs.h() + ih) * xs.w() + iw) * xs.c() + c);
    }
  }
}

}  // namespace hwnas::runtime
