#include "hwnas/runtime/tensor.h"

#include <algorithm>
#include <cmath>

#include "hwnas/core/error.h"

namespace hwnas::runtime {

Tensor::Tensor(const ir::Shape& s, std::vector<float> values) : shape(s), data(std::move(values)) {
  if (static_cast<int64_t>(data.size()) != s.numel())
    fail("tensor", "shape {} needs {} values, got {}", s.str(), s.numel(), data.size());
}

double max_relative_error(std::span<const float> a, std::span<const float> b) {
  if (a.size() != b.size()) fail("max_relative_error", "sizes differ: {} vs {}", a.size(), b.size());
  double worst = 0.0, scale = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double err = std::fabs(static_cast<double>(a[i]) - b[i]);
    if (std::isnan(err)) return err;  // a NaN anywhere is the worst error there is
    worst = std::max(worst, err);
    scale = std::max(scale, std::fabs(static_cast<double>(b[i])));
  }
  return scale > 0.0 ? worst / scale : worst;
}

}  // namespace hwnas::runtime
