#include "hwnas/data/boxes.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "hwnas/core/error.h"

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

std::vector<Detection> select_detections(std::span<const std::array<float, 4>> boxes, std::span<const float> logits,
                                         int classes, const DetectionSelectOptions& options) {
  if (classes < 1) fail("select_detections", "classes = {}; expected at least 1", classes);
  const size_t row = static_cast<size_t>(classes) + 1;
  if (logits.size() != boxes.size() * row)
    fail("select_detections", "{} boxes need {} class logits ({} per box: background and {} classes), got {}",
         boxes.size(), boxes.size() * row, row, classes, logits.size());
  std::vector<Detection> candidates;
  std::vector<double> p(row);
  for (size_t a = 0; a < boxes.size(); ++a) {
    const std::span<const float> z = logits.subspan(a * row, row);
    const float top = *std::max_element(z.begin(), z.end());  // softmax without overflow
    double sum = 0;
    for (size_t c = 0; c < row; ++c) sum += p[c] = std::exp(static_cast<double>(z[c] - top));
    for (size_t c = 1; c < row; ++c) {
      const double score = p[c] / sum;
      if (score < options.score_threshold) continue;
      const auto& b = boxes[a];
      candidates.push_back({.box = {b[0], b[1], b[2], b[3]}, .label = static_cast<int>(c) - 1, .score = score});
    }
  }
  std::vector<Detection> out;
  for (size_t i : nms(candidates, options.nms)) out.push_back(candidates[i]);
  return out;
}

}  // namespace hwnas::data
