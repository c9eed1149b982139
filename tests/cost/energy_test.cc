#include "hwnas/cost/energy.h"

#include <gtest/gtest.h>

#include "hand_devices.h"
#include "testing.h"

namespace hwnas::cost {
namespace {

// Two kernels by hand: 2 ms on the CPU moving 1,000,000 bytes, 1 ms on the NPU moving 500,000.
LatencyPrediction two_kernels() {
  LatencyPrediction p;
  p.kernels.push_back({.nodes = {1}, .processor = 1, .ms = 2.0, .bytes = 1'000'000});
  p.kernels.push_back({.nodes = {2}, .processor = 0, .ms = 1.0, .bytes = 500'000});
  p.total_ms = 3.0;
  return p;
}

TEST(Energy, HandCalculated) {
  const hw::Device d = testing::hand_npu();  // npu 500 mW, cpu 100 mW, 5 pJ/byte, idle 10 mW
  const Energy e = estimate_energy(d, two_kernels());
  // 100 mW x 2 ms + 500 mW x 1 ms = 200 uJ + 500 uJ = 0.7 mJ.
  EXPECT_NEAR(e.compute_mj, 0.7, 1e-12);
  // 1,500,000 bytes x 5 pJ = 7.5 uJ = 0.0075 mJ.
  EXPECT_NEAR(e.memory_mj, 0.0075, 1e-12);
  EXPECT_NEAR(e.energy_mj, 0.7075, 1e-12);
  EXPECT_NEAR(e.max_fps, 1000.0 / 3.0, 1e-9);
  // At 100 FPS: 0.7075 mJ x 100/s = 70.75 mW busy 30% of the time, + 10 mW x 70% idle = 77.75 mW.
  EXPECT_NEAR(average_power_mw(d, e, 100), 77.75, 1e-9);
  // At the maximum rate the device never idles: energy x fps only.
  EXPECT_NEAR(average_power_mw(d, e, e.max_fps), 0.7075 * 1000.0 / 3.0, 1e-9);
}

TEST(Energy, InvokeOverheadKeepsThePrimaryActive) {
  LatencyPrediction p = two_kernels();
  p.total_ms = 3.5;  // 0.5 ms outside the kernels, on the NPU (primary, 500 mW): +0.25 mJ
  EXPECT_NEAR(estimate_energy(testing::hand_npu(), p).compute_mj, 0.95, 1e-12);
}

TEST(Energy, FrameRateAboveTheMaximumIsAnError) {
  const hw::Device d = testing::hand_npu();
  const Energy e = estimate_energy(d, two_kernels());
  EXPECT_HWNAS_ERROR(average_power_mw(d, e, 400), "above the maximum of 333.3 FPS (one inference takes 3 ms)");
  EXPECT_HWNAS_ERROR(average_power_mw(d, e, 0), "must be positive");
}

TEST(Energy, KernelOnAnUnknownProcessorIsAnError) {
  LatencyPrediction p = two_kernels();
  p.kernels[0].processor = 5;
  EXPECT_HWNAS_ERROR(estimate_energy(testing::hand_cpu(), p), "runs on processor 5, but the device has 1");
}

}  // namespace
}  // namespace hwnas::cost
