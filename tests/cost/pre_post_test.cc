#include "hwnas/cost/pre_post.h"

#include <gtest/gtest.h>

#include "hand_devices.h"
#include "hwnas/ir/builder.h"
#include "hwnas/models/mobilenetv2.h"
#include "hwnas/models/ssdlite.h"
#include "testing.h"

namespace hwnas::cost {
namespace {

// A detector small enough to count by hand: SSDLite heads with 2 anchors per location and
// 2 classes (3 score columns) on a 4x4x8 input and a 2x2 map from it: A = (16 + 4) x 2 = 40.
ir::Graph tiny_detector() {
  ir::GraphBuilder b("tiny-detector");
  const int x = b.input({1, 4, 4, 8});
  const int y = b.depthwise(x, 3, 2);
  const auto [boxes, scores] = models::ssdlite_predictors(b, {x, y}, {2, 2}, 3);
  return b.finish({boxes, scores});
}

TEST(PrePost, DetectorsAreFoundByTheirOutputs) {
  const auto det = detector_outputs(tiny_detector());
  ASSERT_TRUE(det);
  EXPECT_EQ(det->anchors, 40);
  EXPECT_EQ(det->score_columns, 3);
  const auto ssd = detector_outputs(models::ssdlite({.resolution = 300}));
  ASSERT_TRUE(ssd);
  EXPECT_EQ(ssd->anchors, 1917);  // the published SSDLite-MobileNetV2 at 300x300
  EXPECT_EQ(ssd->score_columns, 91);
  EXPECT_FALSE(detector_outputs(models::mobilenetv2({.resolution = 96})));
}

TEST(PrePost, AClassifierHasNone) {
  const PrePost pp = estimate_pre_post(testing::hand_npu(), models::mobilenetv2({.resolution = 96}), ir::DType::i8);
  EXPECT_FALSE(pp.detector);
  EXPECT_TRUE(pp.steps.empty());
  EXPECT_EQ(pp.ms, 0);
  EXPECT_EQ(pp.energy_mj, 0);
}

TEST(PrePost, OnAnAcceleratorsCpuByHand) {
  // hand_npu(): the CPU (processor 1) does 1 element per cycle at 1 GHz (int8 falls back to the
  // f32 rate), 1 GB/s, 1 us per step, 100 mW, 5 pJ per byte; the link 100 MB/s, 10 us a transfer.
  const hw::Device d = testing::hand_npu();
  const PrePost pp = estimate_pre_post(d, tiny_detector(), ir::DType::i8, {.nms_candidates = 64});  // 640x480x3
  ASSERT_TRUE(pp.detector);
  EXPECT_EQ(pp.processor, 1);
  ASSERT_EQ(pp.steps.size(), 5u);
  // resize: 8 x 128 input values = 1,024 ops (1.024 us) against 921,600 + 128 bytes (921.728 us).
  EXPECT_EQ(pp.steps[0].name, "resize");
  EXPECT_NEAR(pp.steps[0].ms, (921.728 + 1) * 1e-3, 1e-9);
  // handoff: 128 input bytes + 40 x (4 + 3) output bytes = 408 bytes: 2 x 10 us + 4.08 us.
  EXPECT_EQ(pp.steps[1].name, "handoff");
  EXPECT_EQ(pp.steps[1].bytes, 408);
  EXPECT_NEAR(pp.steps[1].ms, 24.08e-3, 1e-9);
  // decode: 38 x 40 = 1,520 ops against 40 x (4 + 16 + 16) = 1,440 bytes: 1.52 + 1 us.
  EXPECT_NEAR(pp.steps[2].ms, 2.52e-3, 1e-9);
  // threshold: 2 x 40 x 3 = 240 ops against 120 bytes: 0.24 + 1 us.
  EXPECT_NEAR(pp.steps[3].ms, 1.24e-3, 1e-9);
  // nms: N = min(40 x 2, 64) = 64: 64 x 12 + 2 x 64 x log2(64) + 12 x 64 x 63 / 2 = 768 + 768
  // + 24,192 = 25,728 ops against 64 x 48 bytes: 25.728 + 1 us.
  EXPECT_NEAR(pp.steps[4].ms, 26.728e-3, 1e-9);
  const double ms = 0.922728 + 0.02408 + 0.00252 + 0.00124 + 0.026728;
  EXPECT_NEAR(pp.ms, ms, 1e-9);
  // energy: 100 mW x ms, plus (921,728 + 408 + 1,440 + 120 + 3,072) bytes x 5 pJ.
  EXPECT_NEAR(pp.compute_mj, 100 * ms * 1e-3, 1e-12);
  EXPECT_NEAR(pp.memory_mj, 926768 * 5e-9, 1e-12);
  EXPECT_NEAR(pp.energy_mj, pp.compute_mj + pp.memory_mj, 1e-15);
  EXPECT_NE(pp.source.find("estimated (CPU pre/post-processing on cpu: 640x480 frame resize, handoff"),
            std::string::npos)
      << pp.source;
}

TEST(PrePost, OnACpuThereIsNoHandoffAndTheFrameIsAParameter) {
  const hw::Device d = testing::hand_cpu();
  const PrePost pp = estimate_pre_post(d, tiny_detector(), ir::DType::f32, {.frame_width = 32, .frame_height = 16});
  EXPECT_EQ(pp.processor, 0);
  ASSERT_EQ(pp.steps.size(), 4u);
  // resize: 1,024 ops (1.024 us) against 32 x 16 x 3 = 1,536 frame bytes + 128 x 4 (f32) =
  // 2,048 bytes (2.048 us).
  EXPECT_NEAR(pp.steps[0].ms, 3.048e-3, 1e-9);
  // decode reads f32 boxes: 40 x (16 + 16 + 16) = 1,920 bytes (1.92 us), more than its 1.52 us
  // of ops: memory-bound.
  EXPECT_NEAR(pp.steps[1].ms, 2.92e-3, 1e-9);
}

TEST(PrePost, AnAcceleratorWithoutACpuIsAnError) {
  hw::Device d = testing::hand_npu();
  d.fallback = {};
  EXPECT_HWNAS_ERROR(estimate_pre_post(d, tiny_detector(), ir::DType::i8), "add a fallback CPU to the profile");
  EXPECT_HWNAS_ERROR(estimate_pre_post(testing::hand_cpu(), tiny_detector(), ir::DType::i8, {.frame_width = 0}),
                     "must be positive");
}

TEST(PrePost, FramePowerAddsTheCpuWork) {
  const hw::Device d = testing::hand_npu();
  const PrePost pp = estimate_pre_post(d, tiny_detector(), ir::DType::i8, {.nms_candidates = 64});
  const Energy network{.latency_ms = 10, .compute_mj = 0.8, .memory_mj = 0.2, .energy_mj = 1, .max_fps = 100};
  const Energy frame = frame_energy(network, pp);
  // The previous test's 0.977296 ms and 0.0977296 + 0.00463384 mJ on top of the network's.
  EXPECT_NEAR(frame.latency_ms, 10.977296, 1e-9);
  EXPECT_NEAR(frame.energy_mj, 1.10236344, 1e-9);
  EXPECT_NEAR(frame.max_fps, 1000 / 10.977296, 1e-9);
  // At 30 FPS: 1.10236344 mJ x 30 + 10 mW idle x (1 - 30 x 0.010977296 s).
  EXPECT_NEAR(average_power_mw(d, frame, 30), 1.10236344 * 30 + 10 * (1 - 30 * 0.010977296), 1e-9);
}

}  // namespace
}  // namespace hwnas::cost
