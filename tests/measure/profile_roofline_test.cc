// measure::device_roofline and measure::choose_roofline (what `hwnas profile --roofline`
// uses), against the figures of the device profiles written out by hand.
#include "hwnas/measure/profile_roofline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "testing.h"

namespace hwnas::measure {
namespace {

using ::testing::HasSubstr;

// One processor at 2 GHz: conv 4 (f32) / 16 (int8) MACs per cycle, depthwise 1 / 2; 5 GB/s.
constexpr const char* kHandYaml = R"(name: hand
description: a hand-made device
kind: cpu
default_dtype: f32
calibration: "fitted by hand"
primary: cpu
processors:
  cpu:
    clock_mhz: 2000
    per_cycle:
      conv: {f32: 4, int8: 16}
      depthwise: {f32: 1, int8: 2}
      fc: {f32: 1}
      elementwise: {f32: 1}
      pool: {f32: 1}
      data: {f32: 1}
    bandwidth_gb_s: 5
    op_overhead_us: 1
    active_power_mw: 1000
power:
  idle_mw: 100
  energy_pj_per_byte: 10
)";

TEST(DeviceRoofline, PrimaryProcessorRatesAndBandwidth) {
  const hw::Device d = hw::parse_device(kHandYaml, "hand.yaml");
  const Roofline f32 = device_roofline(d, ir::DType::f32, ", why");
  EXPECT_DOUBLE_EQ(f32.peak_macs_per_s, 2e9 * 4);            // 8 GMAC/s
  EXPECT_DOUBLE_EQ(f32.depthwise_peak_macs_per_s, 2e9 * 1);  // 2 GMAC/s
  ASSERT_EQ(f32.levels.size(), 1u);
  EXPECT_EQ(f32.levels[0].max_bytes, 0);
  EXPECT_DOUBLE_EQ(f32.levels[0].bytes_per_s, 5e9);
  EXPECT_DOUBLE_EQ(f32.ridge(f32.levels[0]), 8e9 / 5e9);  // 1.6 MAC/B
  EXPECT_EQ(f32.source, "device profile 'hand' (hand.yaml; calibration: fitted by hand), why");
  const Roofline i8 = device_roofline(d, ir::DType::i8);
  EXPECT_DOUBLE_EQ(i8.peak_macs_per_s, 2e9 * 16);
  EXPECT_DOUBLE_EQ(i8.depthwise_peak_macs_per_s, 2e9 * 2);
  EXPECT_NO_THROW(check_roofline(f32));
}

TEST(ChooseRoofline, MeasureMeansMeasuredByTheProfile) {
  EXPECT_FALSE(choose_roofline("measure", ir::DType::f32).has_value());
}

TEST(ChooseRoofline, NamedDeviceOrYamlFile) {
  // The built-in host: 3 GHz x 10 conv, x 4 depthwise MACs per cycle (f32); 20 GB/s.
  const std::optional<Roofline> host = choose_roofline("host", ir::DType::f32);
  ASSERT_TRUE(host.has_value());
  EXPECT_DOUBLE_EQ(host->peak_macs_per_s, 30e9);
  EXPECT_DOUBLE_EQ(host->depthwise_peak_macs_per_s, 12e9);
  EXPECT_DOUBLE_EQ(host->levels.at(0).bytes_per_s, 20e9);
  EXPECT_THAT(host->source, HasSubstr("device profile 'host'"));

  const auto path = testing::temp_dir() / "hand_roofline.yaml";
  write_file_atomic(path, kHandYaml);
  const std::optional<Roofline> hand = choose_roofline(path.string(), ir::DType::i8);
  ASSERT_TRUE(hand.has_value());
  EXPECT_DOUBLE_EQ(hand->peak_macs_per_s, 32e9);
  EXPECT_DOUBLE_EQ(hand->depthwise_peak_macs_per_s, 4e9);

  EXPECT_THROW(choose_roofline("no-such-device", ir::DType::f32), Error);
}

TEST(ChooseRoofline, AutoUsesTheHostOnlyOnceCalibrated) {
  // The built-in host profile says "uncalibrated defaults": auto leaves the roofline to be measured.
  const hw::Device host = hw::load_device("host");
  const std::optional<Roofline> r = choose_roofline("auto", ir::DType::f32);
  if (host.calibration.starts_with("uncalibrated")) {
    EXPECT_FALSE(r.has_value());
  } else {
    ASSERT_TRUE(r.has_value());
    EXPECT_THAT(r->source, HasSubstr(", calibrated"));
  }
}

}  // namespace
}  // namespace hwnas::measure
