// cost::fit_device (`hwnas predictor fit` without --prior): a table whose latencies are
// exactly twice what the base profile implies is fitted by the factors 2 x the prior, with no
// error; the fitted profile is named, written as YAML and predicts the table back.
#include "hwnas/cost/device_fit.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hand_devices.h"
#include "hwnas/core/files.h"
#include "hwnas/core/rng.h"
#include "testing.h"

namespace hwnas::cost {
namespace {

using ::testing::HasSubstr;

struct Table {
  std::vector<std::string> archs;
  std::vector<double> ms;
};

// Eight sampled NB201 archs, each "measured" at twice the base profile's additive prediction
// (sum of its calibration terms x the prior factors); one row without a latency.
Table write_table(const std::filesystem::path& csv, const space::SearchSpace& s, const hw::Device& base) {
  Table t;
  const std::vector<double> prior = calibration_prior(base);
  Rng rng(3);
  std::string text = "arch_str,ms\n";
  while (t.archs.size() < 8) {
    const space::Arch a = s.sample(rng);
    const std::vector<double> terms = calibration_terms(s.decode(a), base, ir::DType::f32);
    double ms = 0;
    for (size_t j = 0; j < terms.size(); ++j) ms += prior[j] * terms[j];
    if (!(ms > 0)) continue;
    t.archs.push_back(s.to_string(a));
    t.ms.push_back(2 * ms);
    text += fmt::format("{},{:.17g}\n", t.archs.back(), t.ms.back());
  }
  text += t.archs[0] + ",\n";
  write_file_atomic(csv, text);
  return t;
}

TEST(DeviceFit, TwiceTheProfileIsFittedWrittenAndPredictedBack) {
  const auto dir = testing::temp_dir();
  const auto s = space::make_space("nb201");
  const hw::Device base = testing::hand_cpu();
  const Table t = write_table(dir / "m.csv", *s, base);
  const DeviceFit f = fit_device(
      base, *s,
      {.measurements = dir / "m.csv", .arch_column = "arch_str", .latency_column = "ms", .out = dir / "fitted.yaml"});
  EXPECT_EQ(f.measured_ms, t.ms);
  EXPECT_EQ(f.skipped, 1);
  EXPECT_EQ(f.prior, calibration_prior(base));
  EXPECT_NEAR(f.fit.scale, 2, 1e-6);
  EXPECT_LT(f.fit.train_rel_rmse, 1e-6);
  ASSERT_EQ(f.predicted.size(), 8u);
  for (size_t i = 0; i < 8; ++i) EXPECT_NEAR(f.predicted[i], t.ms[i], 1e-6 * t.ms[i]);
  EXPECT_EQ(f.accuracy.n, 8);
  EXPECT_DOUBLE_EQ(f.accuracy.within_10, 1.0);
  EXPECT_NEAR(f.accuracy.spearman, 1.0, 1e-12);

  EXPECT_EQ(f.device.name, "hand-cpu-fitted");
  EXPECT_EQ(f.device.source, (dir / "fitted.yaml").string());
  EXPECT_THAT(f.device.calibration,
              HasSubstr("calibrated model fitted to 8 measured nb201 archs (" + (dir / "m.csv").string() +
                        ", column ms) on base hand-cpu; RMS error 0.0%"));

  // The YAML written is that device: read back, it predicts the measurements.
  const hw::Device read = hw::load_device((dir / "fitted.yaml").string());
  EXPECT_EQ(read.name, "hand-cpu-fitted");
  const CalibratedModel model(read);
  for (size_t i = 0; i < 8; ++i)
    EXPECT_NEAR(model.predict_ms(s->decode(s->parse(t.archs[i])), ir::DType::f32), t.ms[i], 1e-4 * t.ms[i]);
}

TEST(DeviceFit, NameAndNoFile) {
  const auto dir = testing::temp_dir();
  const auto s = space::make_space("nb201");
  const hw::Device base = testing::hand_cpu();
  write_table(dir / "m.csv", *s, base);
  const DeviceFit f =
      fit_device(base, *s,
                 {.measurements = dir / "m.csv", .arch_column = "arch_str", .latency_column = "ms", .name = "phone"});
  EXPECT_EQ(f.device.name, "phone");
  EXPECT_EQ(f.device.source, base.source);  // nothing written
  EXPECT_FALSE(std::filesystem::exists(dir / "fitted.yaml"));
  EXPECT_HWNAS_ERROR(fit_device(base, *s, {.measurements = dir / "m.csv", .arch_column = "arch"}), "arch");
}

}  // namespace
}  // namespace hwnas::cost
