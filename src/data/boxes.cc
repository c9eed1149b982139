#include "hwnas/data/boxes.h"

#include <algorithm>
#include <numeric>

namespace hwnas::data {

double iou(const Box& a, const Box& b) {
  const double iw = std::min(a.x + a.w, b.x + b.w) - std::max(a.x, b.x);
  const double ih = std::min(a.y + a.h, b.y + b.h) - std::max(a.y, b.y);
  if (iw <= 0 || ih <= 0) return 0;
  const double inter = iw * ih;
  return inter / (a.area() + b.area() - inter);
}

std::vector<size_t> nms(std::span<const Detection> detections, const NmsOptions& options) {
  std::vector<size_t> order(detections.size());
  std::iota(order.begin(), order.end(), size_t{0});
  // Stable, so that equal scores keep their input order and the result is deterministic.
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return detections[a].score > detections[b].score; });
  std::vector<size_t> kept;
  for (size_t i : order) {
    if (options.top_k > 0 && kept.size() >= options.top_k) break;
    const Detection& d = detections[i];
    const bool suppressed = std::any_of(kept.begin(), kept.end(), [&](size_t k) {
      return detections[k].label == d.label && iou(detections[k].box, d.box) > options.iou_threshold;
    });
    if (!suppressed) kept.push_back(i);
  }
  return kept;
}

}  // namespace hwnas::data
