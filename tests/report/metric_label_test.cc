#include "hwnas/report/metric_label.h"

#include <gtest/gtest.h>

namespace hwnas::report {
namespace {

TEST(MetricLabel, TakesTheUnitFromTheLastPart) {
  EXPECT_EQ(metric_label("latency_ms"), "latency (ms)");
  EXPECT_EQ(metric_label("raspi4_latency_ms"), "raspi4 latency (ms)");
  EXPECT_EQ(metric_label("peak_sram_kib"), "peak sram (KiB)");
  EXPECT_EQ(metric_label("flash_kib"), "flash (KiB)");
  EXPECT_EQ(metric_label("edgegpu_energy_mj"), "edgegpu energy (mJ)");
  EXPECT_EQ(metric_label("power_mw"), "power (mW)");
  EXPECT_EQ(metric_label("throughput_fps"), "throughput (FPS)");
  EXPECT_EQ(metric_label("flops_M"), "flops (M)");  // NB201's millions
  EXPECT_EQ(metric_unit("params_M"), "M");
}

TEST(MetricLabel, LeavesNamesWithoutAKnownUnitReadable) {
  EXPECT_EQ(metric_label("accuracy"), "accuracy");
  EXPECT_EQ(metric_label("test_acc_200ep"), "test acc 200ep");
  EXPECT_EQ(metric_unit("accuracy"), "");
  EXPECT_EQ(metric_label("ms"), "ms");          // the whole name is not a suffix
  EXPECT_EQ(metric_label("_ms"), " ms");        // nothing before the '_' either
  EXPECT_EQ(metric_label("size_m"), "size m");  // lower-case m is not "millions"
}

}  // namespace
}  // namespace hwnas::report
