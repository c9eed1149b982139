// KernelBank's timing statistic (measure/robust_timing.h) on a synthetic backend whose
// summaries are known: the bank keeps the statistic it was asked for (no timing here).
#include "hwnas/cost/kernel_training.h"

#include <gtest/gtest.h>

#include "hwnas/ir/builder.h"
#include "testing.h"

namespace hwnas::cost {
namespace {

// Every kernel: median 2 ms, p10 1.5 ms, min 1.2 ms (a run of a loaded machine: the slow
// runs move the median, the low ones less).
measure::Measurement loaded_measure(const ir::Graph&) {
  measure::Measurement m;
  m.timing.summary.median = 2.0;
  m.timing.summary.p10 = 1.5;
  m.timing.summary.min = 1.2;
  m.timing.summary.runs = 40;
  return m;
}

ir::Graph conv_graph() {
  ir::GraphBuilder b("conv");
  const int x = b.input({1, 8, 8, 8});
  return b.finish({b.relu(b.conv(x, 16, 3))});
}

double first_ms(const std::string& statistic) {
  KernelBank bank(ir::DType::f32, loaded_measure, statistic);
  bank.add(conv_graph(), ir::FusionRules::batchnorm_only());
  return bank.samples().at(0).ms;
}

TEST(KernelBank, KeepsTheStatisticItWasAskedFor) {
  EXPECT_DOUBLE_EQ(first_ms("median"), 2.0);
  EXPECT_DOUBLE_EQ(first_ms("p10"), 1.5);
  EXPECT_DOUBLE_EQ(first_ms("min"), 1.2);
  // The default is the median (the figure files built before the option hold).
  KernelBank bank(ir::DType::f32, loaded_measure);
  bank.add(conv_graph(), ir::FusionRules::batchnorm_only());
  EXPECT_DOUBLE_EQ(bank.samples().at(0).ms, 2.0);
}

TEST(KernelBank, RejectsAnUnknownStatistic) {
  EXPECT_HWNAS_ERROR(KernelBank(ir::DType::f32, loaded_measure, "mean"), "is not one of median, p10, min");
}

}  // namespace
}  // namespace hwnas::cost
