// eval::evaluate_detector on a runtime backend against a hand calculation: a one-map detector
// whose outputs are fixed by its biases (zero kernels), on a COCO folder written by hand from the
// spec (cocodataset.org/#format-data).
#include "hwnas/eval/detection_eval.h"

#include <opencv2/imgcodecs.hpp>

#include <gtest/gtest.h>

#include "hwnas/core/files.h"
#include "hwnas/ir/builder.h"
#include "testing.h"

namespace hwnas::eval {
namespace {

// Input 8x8x3 -> a 2x2 map (stride-4 1x1 convs), 1 anchor per cell, 1 class: "boxes" codes all 0
// (each box is its anchor), "scores" logits [0, bias1] everywhere.
ir::Graph one_map_detector() {
  ir::GraphBuilder b("tiny-detector");
  const int x = b.input({1, 8, 8, 3});
  // One map needs no concat: the reshapes are the outputs (models::anchor_layout reads either).
  const int box = b.reshape(b.conv(x, 4, 1, 4, {.bias = true}, "box"), {1, -1, 4}, "boxes");
  const int cls = b.reshape(b.conv(x, 2, 1, 4, {.bias = true}, "cls"), {1, -1, 2}, "scores");
  return b.finish({box, cls});
}

runtime::Weights fixed_weights(const ir::Graph& g, float class_logit) {
  runtime::Weights w = runtime::init_weights(g, {.seed = 1});
  for (auto& [name, tensors] : w.nodes)
    for (auto& [role, t] : tensors) std::fill(t.data.begin(), t.data.end(), 0.0f);
  w.nodes.at("cls").at("bias").data[1] = class_logit;
  return w;
}

std::filesystem::path one_object_coco() {
  const auto dir = hwnas::testing::temp_dir();
  std::filesystem::create_directories(dir / "annotations");
  std::filesystem::create_directories(dir / "test");
  cv::imwrite((dir / "test" / "a.png").string(), cv::Mat(8, 8, CV_8UC3, cv::Scalar(0, 0, 0)));
  // One object: the top-left anchor's box exactly. With one map, the scale is min_scale = 0.5:
  // a 4x4 pixel square centred at (2, 2).
  write_file_atomic(dir / "annotations" / "instances_test.json", R"({
    "images": [{"id": 1, "file_name": "a.png", "width": 8, "height": 8}],
    "annotations": [{"id": 1, "image_id": 1, "category_id": 7, "bbox": [0, 0, 4, 4], "iscrowd": 0}],
    "categories": [{"id": 7, "name": "dent"}]})");
  return dir;
}

TEST(DetectionEval, AnchorsAsBoxesScoredByHand) {
  const data::Coco coco = data::read_coco(one_object_coco());
  const ir::Graph g = one_map_detector();
  DetectionEvalOptions o{.backend = "reference", .anchors = {.min_scale = 0.5, .max_scale = 0.5}};
  // Logit 2: each of the 4 anchors is a detection of probability e^2 / (1 + e^2) = 0.881, the same
  // for all; the stable sort keeps anchor order, so the true one (anchor 0) comes first: precision
  // 1 at recall 1, AP 1 at every IoU threshold (the box is exact).
  const DetectionEvaluation e = evaluate_detector(g, fixed_weights(g, 2.0f), coco, o);
  EXPECT_EQ(e.images, 1);
  EXPECT_EQ(e.detections, 4);
  EXPECT_EQ(e.objects, (std::vector<int64_t>{1}));
  EXPECT_DOUBLE_EQ(e.map.map50, 1.0);
  EXPECT_DOUBLE_EQ(e.map.map, 1.0);
  // Logit -5: probability 1 / (1 + e^5) = 0.0067, under the 0.01 threshold: nothing found, AP 0.
  const DetectionEvaluation none = evaluate_detector(g, fixed_weights(g, -5.0f), coco, o);
  EXPECT_EQ(none.detections, 0);
  EXPECT_DOUBLE_EQ(none.map.map50, 0.0);
  EXPECT_EQ(to_json(e)["per_class"]["dent"]["objects"], 1);
  EXPECT_EQ(describe(e, coco, o).substr(0, 41), "measured (reference f32 on 1 test images ");
  // A split the folder does not have is an error naming it.
  EXPECT_HWNAS_ERROR(evaluate_detector(g, fixed_weights(g, 2.0f), coco, {.split = data::Split::validation}),
                     "has no validation split");
}

TEST(DetectionEval, ADetectorTheCallerRuns) {
  const data::Coco coco = data::read_coco(one_object_coco());
  const ir::Graph g = one_map_detector();
  // The caller's run: every box its anchor; only anchor 0 (the true box) scores, logit 2 against
  // the background's 0 (0.881); the other three -5 (0.0067, under the 0.01 threshold).
  int runs = 0;
  const DetectorRun run = [&](std::span<const float> image, std::span<float> boxes, std::span<float> scores) {
    ++runs;
    EXPECT_EQ(image.size(), 8u * 8u * 3u);
    ASSERT_EQ(boxes.size(), 4u * 4u);
    ASSERT_EQ(scores.size(), 4u * 2u);
    std::fill(boxes.begin(), boxes.end(), 0.0f);
    for (size_t a = 0; a < 4; ++a) {
      scores[a * 2] = 0.0f;
      scores[a * 2 + 1] = a == 0 ? 2.0f : -5.0f;
    }
  };
  const DetectionEvalOptions o{.backend = "int8 reference kernels", .anchors = {.min_scale = 0.5, .max_scale = 0.5}};
  const DetectionEvaluation e = evaluate_detector(g, coco, o, run);
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(e.detections, 1);
  EXPECT_DOUBLE_EQ(e.map.map50, 1.0);
  EXPECT_EQ(describe(e, coco, o).substr(0, 54), "measured (int8 reference kernels on 1 test images of c");
}

}  // namespace
}  // namespace hwnas::eval
