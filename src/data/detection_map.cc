// detection_map (detection_map.h): pycocotools' COCOeval.evaluateImg and accumulate for one
// area range ("all") and one maxDets, step for step, so that figures agree with it.
#include "hwnas/data/detection_map.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "hwnas/core/error.h"

namespace hwnas::data {
namespace {

constexpr int kRecalls = 101;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// np.linspace(0, 1, 101): i * 0.01, and exactly 1 at the end.
double recall_threshold(int r) { return r == kRecalls - 1 ? 1.0 : r * (1.0 / 100); }

// COCO's IoU of a detection with a ground truth: a crowd region counts as covering whatever
// of the detection lies inside it, so the denominator is the detection's area alone.
double coco_iou(const Box& d, const Object& g) {
  if (!g.crowd) return iou(d, g.box);
  const double iw = std::min(d.x + d.w, g.box.x + g.box.w) - std::max(d.x, g.box.x);
  const double ih = std::min(d.y + d.h, g.box.y + g.box.h) - std::max(d.y, g.box.y);
  if (iw <= 0 || ih <= 0 || d.area() <= 0) return 0;
  return iw * ih / d.area();
}

// One detection of one class after matching in its image: its score and, per threshold,
// whether it matched a ground truth and whether it is ignored (matched a crowd).
struct Scored {
  double score;
  std::array<bool, kIouThresholds> matched{};
  std::array<bool, kIouThresholds> ignored{};
};

// evaluateImg for one image and class: appends the image's detections to `out`, returns the
// number of non-crowd ground truths.
int64_t match_image(const std::vector<Object>& gt_all, const std::vector<Detection>& det_all, int label,
                    size_t max_detections, std::vector<Scored>& out) {
  // Ground truths with the non-crowd ones first (a stable sort, as np.argsort(kind='mergesort')).
  std::vector<const Object*> gt;
  for (const auto& g : gt_all)
    if (g.label == label && !g.crowd) gt.push_back(&g);
  const int64_t positives = static_cast<int64_t>(gt.size());
  for (const auto& g : gt_all)
    if (g.label == label && g.crowd) gt.push_back(&g);
  std::vector<const Detection*> det;
  for (const auto& d : det_all)
    if (d.label == label) det.push_back(&d);
  std::stable_sort(det.begin(), det.end(), [](const auto* a, const auto* b) { return a->score > b->score; });
  if (det.size() > max_detections) det.resize(max_detections);

  std::vector<double> ious(det.size() * gt.size());
  for (size_t d = 0; d < det.size(); ++d)
    for (size_t g = 0; g < gt.size(); ++g) ious[d * gt.size() + g] = coco_iou(det[d]->box, *gt[g]);

  const size_t first = out.size();
  for (const auto* d : det) out.push_back({d->score, {}, {}});
  for (int t = 0; t < kIouThresholds; ++t) {
    std::vector<bool> taken(gt.size(), false);
    for (size_t d = 0; d < det.size(); ++d) {
      double best = std::min(iou_threshold(t), 1 - 1e-10);
      int m = -1;
      for (size_t g = 0; g < gt.size(); ++g) {
        if (taken[g] && !gt[g]->crowd) continue;  // a crowd may be matched again
        // Once a real object matched, stop at the crowds (they come last).
        if (m > -1 && !gt[m]->crowd && gt[g]->crowd) break;
        if (ious[d * gt.size() + g] < best) continue;
        best = ious[d * gt.size() + g];  // ties: the later ground truth, as COCOeval's loop does
        m = static_cast<int>(g);
      }
      if (m == -1) continue;
      taken[m] = true;
      out[first + d].matched[t] = true;
      out[first + d].ignored[t] = gt[m]->crowd;
    }
  }
  return positives;
}

// accumulate's 101-point interpolated precision for one class at threshold t; `dets` is
// sorted by score, highest first.
double average_precision(const std::vector<Scored>& dets, int t, int64_t positives) {
  const size_t n = dets.size();
  std::vector<double> recall(n), precision(n);
  double tp = 0, fp = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!dets[i].ignored[t]) (dets[i].matched[t] ? tp : fp) += 1;
    recall[i] = tp / static_cast<double>(positives);
    // COCOeval adds np.spacing(1) to the denominator only to avoid 0 / 0 (leading ignored
    // detections); this gives 0 there too, and exact fractions elsewhere (within 2e-16 of it).
    precision[i] = tp + fp > 0 ? tp / (tp + fp) : 0;
  }
  for (size_t i = n; i-- > 1;) precision[i - 1] = std::max(precision[i - 1], precision[i]);
  double sum = 0;
  for (int r = 0; r < kRecalls; ++r) {
    // np.searchsorted(recall, threshold, side='left'): the first recall >= threshold.
    const auto it = std::lower_bound(recall.begin(), recall.end(), recall_threshold(r));
    if (it == recall.end()) break;  // not reached: precision 0 from here on
    sum += precision[static_cast<size_t>(it - recall.begin())];
  }
  return sum / kRecalls;
}

}  // namespace

double iou_threshold(int t) { return t == kIouThresholds - 1 ? 0.95 : 0.5 + t * ((0.95 - 0.5) / 9); }

DetectionMap detection_map(std::span<const std::vector<Object>> ground_truth,
                           std::span<const std::vector<Detection>> detections, int classes,
                           const DetectionMapOptions& options) {
  if (ground_truth.size() != detections.size())
    fail("detection_map", "ground truth for {} images but detections for {}; give both per image, in the same order",
         ground_truth.size(), detections.size());
  if (classes <= 0) fail("detection_map", "classes = {}; expected at least 1", classes);
  for (size_t i = 0; i < ground_truth.size(); ++i) {
    for (const auto& g : ground_truth[i])
      if (g.label < 0 || g.label >= classes)
        fail(fmt::format("detection_map: ground truth of image {}", i), "label {} is not in 0..{}", g.label,
             classes - 1);
    for (const auto& d : detections[i])
      if (d.label < 0 || d.label >= classes)
        fail(fmt::format("detection_map: detections of image {}", i), "label {} is not in 0..{}", d.label, classes - 1);
  }

  DetectionMap out;
  out.ap.resize(static_cast<size_t>(classes));
  double sum50 = 0, sum75 = 0, sum = 0;
  for (int c = 0; c < classes; ++c) {
    std::vector<Scored> dets;
    int64_t positives = 0;
    for (size_t i = 0; i < ground_truth.size(); ++i)
      positives += match_image(ground_truth[i], detections[i], c, options.max_detections, dets);
    auto& ap = out.ap[static_cast<size_t>(c)];
    if (positives == 0) {
      ap.fill(kNaN);
      continue;
    }
    // All images' detections by score; stable (np.argsort(kind='mergesort')), so equal scores
    // keep image order.
    std::stable_sort(dets.begin(), dets.end(), [](const Scored& a, const Scored& b) { return a.score > b.score; });
    for (int t = 0; t < kIouThresholds; ++t) ap[static_cast<size_t>(t)] = average_precision(dets, t, positives);
    ++out.classes_with_ground_truth;
    sum50 += ap[0];
    sum75 += ap[5];
    sum += std::accumulate(ap.begin(), ap.end(), 0.0) / kIouThresholds;
  }
  const int n = out.classes_with_ground_truth;
  out.map50 = n > 0 ? sum50 / n : kNaN;
  out.map75 = n > 0 ? sum75 / n : kNaN;
  out.map = n > 0 ? sum / n : kNaN;
  return out;
}

}  // namespace hwnas::data
