#include "hwnas/cost/calibrated.h"

#include <gtest/gtest.h>

#include "hand_devices.h"
#include "hwnas/core/files.h"
#include "hwnas/ir/builder.h"
#include "hwnas/ir/stats.h"
#include "hwnas/space/search_space.h"
#include "testing.h"

namespace hwnas::cost {
namespace {

using testing::hand_cpu;

// input [1,8,8,4] -> conv 3x3 (8) + BN + ReLU -> depthwise 3x3 -> global pool -> fc 10.
ir::Graph small(int channels) {
  ir::GraphBuilder b("small");
  int x = b.input({1, 8, 8, 4});
  x = b.relu(b.batch_norm(b.conv(x, channels, 3)));
  x = b.depthwise(x, 3);
  return b.finish({b.fc(b.global_avg_pool(x), 10)});
}

TEST(Calibrated, TermsSplitTheRooflineByOpClass) {
  const std::vector<double> t = calibration_terms(small(8), hand_cpu(), ir::DType::f32);
  ASSERT_EQ(t.size(), static_cast<size_t>(kCalibrationTerms));
  // conv: 8*8*8*36 = 18,432 MACs at 2/cycle, 1 GHz = 9.216 us (as in roofline_test).
  EXPECT_NEAR(t[0], 0.009216, 1e-12);
  // depthwise: 8*8*8*9 = 4,608 MACs at 1/cycle = 4.608 us; fc: 8*10 = 80 MACs = 0.08 us.
  EXPECT_NEAR(t[1], 0.004608, 1e-12);
  EXPECT_NEAR(t[2], 0.000080, 1e-12);
  EXPECT_NEAR(t[6], 4 * 0.001, 1e-12);  // 4 kernels x 1 us
  EXPECT_EQ(t[8], 1.0);                 // the constant: 1 ms
  // The prior: rates as given (1), 1 us overhead = 1 unit, no invoke overhead, a converter
  // (folded kernels cost nothing).
  EXPECT_EQ(t[9], 0.0);  // nothing folds: no zero op, no dead node
  EXPECT_EQ(calibration_prior(hand_cpu()), (std::vector<double>{1, 1, 1, 1, 1, 1, 1, 1, 0, 0}));
}

TEST(Calibrated, FittedDevicePredictsWhatTheFitDid) {
  // A "true" device 3x slower at convs, 2x the bandwidth, 5 us per kernel and 0.2 ms per
  // inference: its additive latencies are exactly linear in the base terms, so the fit finds
  // those factors and the fitted profile reproduces every measurement.
  const hw::Device base = hand_cpu();
  FitResult truth;
  truth.factors = {3, 1, 1, 1, 1, 0.5, 5, 1, 0.2, 0};
  const hw::Device true_device = apply_calibration(base, truth, "truth");
  EXPECT_NEAR(true_device.processors[0].per_cycle.at({hw::OpClass::Conv, ir::DType::f32}), 2.0 / 3, 1e-12);
  EXPECT_NEAR(true_device.processors[0].bandwidth_bytes_per_s, 2e9, 1e-3);
  EXPECT_NEAR(true_device.processors[0].op_overhead_s, 5e-6, 1e-18);
  EXPECT_NEAR(true_device.processors[0].invoke_overhead_s, 2e-4, 1e-15);
  const CalibratedModel truth_model(true_device);

  FitProblem p;
  p.prior = calibration_prior(base);
  std::vector<ir::Graph> graphs;
  for (int c : {4, 8, 12, 16, 24, 32, 48, 64}) graphs.push_back(small(c));
  for (const ir::Graph& g : graphs) {
    p.terms.push_back(calibration_terms(g, base, ir::DType::f32));
    p.measured_ms.push_back(truth_model.predict_ms(g, ir::DType::f32));
    EXPECT_NEAR(p.measured_ms.back(), fitted_ms(truth, p.terms.back()), 1e-12);
  }
  const FitResult fit = fit_factors(p);
  EXPECT_LT(fit.train_rel_rmse, 1e-4);
  const CalibratedModel fitted(apply_calibration(base, fit, "fitted to 8 graphs"));
  for (size_t i = 0; i < graphs.size(); ++i) {
    // Equal up to the floor that keeps a zero factor's rate finite (factor 1e-9 instead of 0).
    EXPECT_NEAR(fitted.predict_ms(graphs[i], ir::DType::f32), fitted_ms(fit, p.terms[i]), 1e-9);
    EXPECT_NEAR(fitted.predict_ms(graphs[i], ir::DType::f32), p.measured_ms[i], 1e-4 * p.measured_ms[i]);
  }
  EXPECT_EQ(fitted.source(), "predicted (calibrated on hand-cpu: fitted to 8 graphs)");
  EXPECT_NE(fitted.fingerprint(), truth_model.fingerprint());
}

TEST(Calibrated, ConvertersFoldZerosAndDropDeadCode) {
  // input -> conv A -> relu -> output; conv B reads the input but nothing reads B (dead);
  // a zero op reads A's relu and feeds an add with it (the zero is a constant, the add runs).
  ir::GraphBuilder b("fold");
  const int x = b.input({1, 4, 4, 2});
  const int a = b.relu(b.conv(x, 2, 1));
  b.conv(x, 2, 1);  // dead
  const int z = b.zero(a);
  const int y = b.add({a, z});
  const ir::Graph g = b.finish({y});
  // Nodes: 0 input, 1 conv A, 2 relu, 3 conv B, 4 zero, 5 add.
  EXPECT_EQ(executed_nodes(g), (std::vector<bool>{false, true, true, false, false, true}));
  // The folded term holds conv B's time (compute + memory + 1 us) and the zero's.
  const std::vector<double> t = calibration_terms(g, hand_cpu(), ir::DType::f32);
  EXPECT_GT(t[9], 0.002);
  // Every node constant: the whole network folds (an NB201 cell cut off from its input).
  ir::GraphBuilder c("all-zero");
  const int i = c.input({1, 4, 4, 2});
  const ir::Graph h = c.finish({c.relu(c.zero(i))});
  EXPECT_EQ(executed_nodes(h), (std::vector<bool>{false, false, false}));
}

TEST(Calibrated, ApplyNeedsOneFactorPerTerm) {
  FitResult r;
  r.factors = {1, 2};
  EXPECT_HWNAS_ERROR(apply_calibration(hand_cpu(), r, ""), "expected 10 factors");
}

TEST(Calibrated, LoadsAMeasurementTableAndNamesBadRows) {
  const auto dir = testing::temp_dir();
  const auto space = space::make_space("nb201");
  const std::string a =
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";
  const std::string b = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|";
  write_file_atomic(dir / "m.csv", "arch,latency_ms\n" + a + ",12.5\n" + b + ",\n" + b + ",3\n");
  const CalibrationData d =
      load_calibration_data(dir / "m.csv", *space, "arch", "latency_ms", hand_cpu(), ir::DType::f32);
  EXPECT_EQ(d.measured_ms, (std::vector<double>{12.5, 3}));
  EXPECT_EQ(d.skipped, 1);
  EXPECT_GT(d.macs[0], d.macs[1]);
  write_file_atomic(dir / "bad.csv", "arch,latency_ms\n|nor_conv_9x9~0|,1\n");
  EXPECT_HWNAS_ERROR(load_calibration_data(dir / "bad.csv", *space, "arch", "latency_ms", hand_cpu(), ir::DType::f32),
                     "bad.csv:2: column 'arch'");
  write_file_atomic(dir / "neg.csv", "arch,latency_ms\n" + a + ",-1\n");
  EXPECT_HWNAS_ERROR(load_calibration_data(dir / "neg.csv", *space, "arch", "latency_ms", hand_cpu(), ir::DType::f32),
                     "neg.csv:2: column 'latency_ms': latency -1 ms is not positive");
  EXPECT_HWNAS_ERROR(load_calibration_data(dir / "m.csv", *space, "arch", "ms", hand_cpu(), ir::DType::f32), "ms");
}

TEST(Calibrated, LoadsMeasuredArchsWithoutADevice) {
  // The same table as above, read with no device: the archs, latencies and the graphs' MACs.
  const auto dir = testing::temp_dir();
  const auto space = space::make_space("nb201");
  const std::string a =
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";
  const std::string b = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|";
  write_file_atomic(dir / "m.csv", "arch,latency_ms\n" + a + ",12.5\n" + b + ",\n" + b + ",3\n");
  const MeasuredArchs m = load_measured_archs(dir / "m.csv", *space, "arch", "latency_ms");
  EXPECT_EQ(m.texts, (std::vector<std::string>{a, b}));
  EXPECT_EQ(m.archs, (std::vector<space::Arch>{space->parse(a), space->parse(b)}));
  EXPECT_EQ(m.measured_ms, (std::vector<double>{12.5, 3}));
  EXPECT_EQ(m.skipped, 1);
  ASSERT_EQ(m.macs.size(), 2u);
  EXPECT_EQ(m.macs[0], static_cast<double>(ir::compute_stats(space->decode(space->parse(a))).macs));
  EXPECT_EQ(m.macs[1], static_cast<double>(ir::compute_stats(space->decode(space->parse(b))).macs));
  // Three 3x3 convs per cell (16 channels at 32x32) beyond the all-none arch's: the first cell
  // alone adds 2 x 32*32*16*(3*3*16) = 4718592 MACs; every cell adds at least that.
  EXPECT_GT(m.macs[0] - m.macs[1], 4718592.0);
  // What the device-bound loader reads, without the device.
  const CalibrationData d =
      load_calibration_data(dir / "m.csv", *space, "arch", "latency_ms", hand_cpu(), ir::DType::f32);
  EXPECT_EQ(m.texts, d.archs);
  EXPECT_EQ(m.macs, d.macs);
  // The same checks and errors.
  write_file_atomic(dir / "bad.csv", "arch,latency_ms\n|nor_conv_9x9~0|,1\n");
  EXPECT_HWNAS_ERROR(load_measured_archs(dir / "bad.csv", *space, "arch", "latency_ms"), "bad.csv:2: column 'arch'");
  write_file_atomic(dir / "neg.csv", "arch,latency_ms\n" + a + ",-1\n");
  EXPECT_HWNAS_ERROR(load_measured_archs(dir / "neg.csv", *space, "arch", "latency_ms"),
                     "neg.csv:2: column 'latency_ms': latency -1 ms is not positive");
  write_file_atomic(dir / "empty.csv", "arch,latency_ms\n" + a + ",\n");
  EXPECT_HWNAS_ERROR(load_measured_archs(dir / "empty.csv", *space, "arch", "latency_ms"),
                     "column 'latency_ms' has no latencies");
}

}  // namespace
}  // namespace hwnas::cost
