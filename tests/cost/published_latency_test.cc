// The analytical built-in profiles against published measurements of the same networks:
// devices/raspi4.yaml (written from the BCM2711's specifications, never fitted) against
// HW-NAS-Bench's Raspberry Pi 4 latencies of all 15,625 NB201 networks.
#include <algorithm>

#include <gtest/gtest.h>

#include "hwnas/core/csv.h"
#include "hwnas/cost/arch_latency.h"
#include "hwnas/cost/roofline.h"
#include "hwnas/hw/device.h"
#include "hwnas/learn/rank_correlation.h"
#include "hwnas/space/search_space.h"
#include "testing.h"

namespace hwnas::cost {
namespace {

TEST(PublishedLatency, Raspi4ProfileRanksNb201BetterThanFlopsWithinAFactorOfThree) {
  const core::CsvTable latency = core::read_csv(testing::shared_data() / "nb201" / "nb201_latency.csv");
  const core::CsvTable cifar = core::read_csv(testing::shared_data() / "nb201" / "nb201_cifar10.csv");
  ASSERT_EQ(latency.rows.size(), cifar.rows.size());
  const int arch = latency.column("arch_str"), measured_col = latency.column("raspi4_latency_ms");
  const int cifar_arch = cifar.column("arch_str"), flops_col = cifar.column("flops_M");

  const auto space = space::make_space("nb201");
  const RooflineModel model(hw::load_device("raspi4"));
  ArchLatency fast(*space, model, ir::DType::f32);
  std::vector<double> predicted, measured, flops, ratio;
  for (size_t r = 0; r < latency.rows.size(); ++r) {
    ASSERT_EQ(latency.rows[r][arch], cifar.rows[r][cifar_arch]) << "the two tables list the archs in one order";
    predicted.push_back(fast.ms(space->parse(latency.rows[r][arch])));
    measured.push_back(latency.number(r, measured_col));
    flops.push_back(cifar.number(r, flops_col));
    ratio.push_back(predicted.back() / measured.back());
  }
  // The published FLOPs rank the Pi's latencies at 0.873; the profile's roofline, which also
  // charges memory traffic and a per-operator overhead, must do better (it gets 0.90).
  const double by_flops = learn::spearman(flops, measured), by_profile = learn::spearman(predicted, measured);
  EXPECT_NEAR(by_flops, 0.873, 0.005);
  EXPECT_GT(by_profile, by_flops + 0.02);
  // Scale: analytical peak figures are optimistic (HW-NAS-Bench ran TFLite, whose per-op
  // costs on 32x32 CIFAR tensors the profile does not know); the median network is predicted
  // at 0.44 of its measured 25.7 ms. Within a factor of 3 is what an uncalibrated profile
  // promises (docs/devices.md); `hwnas predictor fit` closes the rest from measurements.
  std::nth_element(ratio.begin(), ratio.begin() + ratio.size() / 2, ratio.end());
  const double median_ratio = ratio[ratio.size() / 2];
  EXPECT_GT(median_ratio, 1.0 / 3);
  EXPECT_LT(median_ratio, 3.0);
}

}  // namespace
}  // namespace hwnas::cost
