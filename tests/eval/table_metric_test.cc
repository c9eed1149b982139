#include "hwnas/eval/table_metric.h"
#include "hwnas/target/resolver.h"

#include <gtest/gtest.h>

#include "exp/exp_testing.h"
#include "hwnas/space/search_space.h"

namespace hwnas::eval {
namespace {
using namespace hwnas::exp;

using namespace hwnas::exp::testing;

class TableMetricTest : public ::testing::Test {
 protected:
  std::unique_ptr<space::SearchSpace> space = target::resolve_space("nb201");
};

TEST_F(TableMetricTest, LooksUpThePublishedFigures) {
  const TableMetric acc("accuracy", CostClass::Expensive, cifar10_csv(), "arch_str", "test_acc_200ep", *space);
  EXPECT_EQ(acc.size(), 15625u);  // every NB201 cell
  const space::Arch best = space->parse(kBestArch);
  // shared/data/README.md: best CIFAR-10 test accuracy 94.3733 (arch_index 6111).
  EXPECT_NEAR(acc.evaluate(best, space->to_string(best)), 94.3733, 1e-4);
  const TableMetric lat("latency_ms", CostClass::Cheap, latency_csv(), "arch_str", "raspi4_latency_ms", *space);
  // nb201_latency.csv row 6111: raspi4_latency_ms = 68.40410818003875.
  EXPECT_DOUBLE_EQ(lat.evaluate(best, space->to_string(best)), 68.40410818003875);
  EXPECT_EQ(acc.source(), "looked up (table nb201_cifar10.csv:test_acc_200ep)");
  EXPECT_EQ(lat.cost(), CostClass::Cheap);
}

TEST_F(TableMetricTest, ColumnsByEpochsMakeAMultiFidelityMetric) {
  const TableMetric acc("accuracy", CostClass::Expensive, cifar10_csv(), "arch_str",
                        std::map<int, std::string>{{12, "valid_acc_12ep"}, {200, "test_acc_200ep"}}, *space);
  const space::Arch best = space->parse(kBestArch);
  const std::string s = space->to_string(best);
  EXPECT_TRUE(acc.has_fidelity());
  // nb201_cifar10.csv row 6111: valid_acc_12ep 84.3840000012207, test_acc_200ep 94.37333333333333.
  EXPECT_DOUBLE_EQ(acc.evaluate_at(best, s, 12), 84.3840000012207);
  EXPECT_DOUBLE_EQ(acc.evaluate_at(best, s, 200), 94.37333333333333);
  EXPECT_DOUBLE_EQ(acc.evaluate_at(best, s, 0), 94.37333333333333);  // 0: full fidelity
  EXPECT_DOUBLE_EQ(acc.evaluate(best, s), 94.37333333333333);
  EXPECT_HWNAS_ERROR(acc.evaluate_at(best, s, 50), "has no column for 50 epochs (it has columns for 12, 200 epochs)");
  EXPECT_EQ(acc.source(),
            "looked up (table nb201_cifar10.csv: valid_acc_12ep at 12 epochs, test_acc_200ep at 200 epochs)");
  // One column: no fidelity; any epochs give that column.
  const TableMetric one("accuracy", CostClass::Expensive, cifar10_csv(), "arch_str", "test_acc_200ep", *space);
  EXPECT_FALSE(one.has_fidelity());
  EXPECT_DOUBLE_EQ(one.evaluate_at(best, s, 12), 94.37333333333333);
  EXPECT_NE(one.fingerprint(), acc.fingerprint());
}

TEST_F(TableMetricTest, AnEmptyCellOrAMissingArchFailsThatLookupOnly) {
  const TableMetric gpu("gpu", CostClass::Expensive, latency_csv(), "arch_str", "edgegpu_latency_ms", *space);
  EXPECT_EQ(gpu.size(), 15625u - 3070u);  // README: 3,070 archs have no published edgegpu value
  // arch_index 9 is on line 11 of nb201_latency.csv and has no edgegpu value.
  const std::string a9 = "|avg_pool_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|";
  EXPECT_HWNAS_ERROR(gpu.evaluate(space->parse(a9), a9),
                     "nb201_latency.csv:11: gpu has no value in column edgegpu_latency_ms");

  const auto dir = hwnas::testing::temp_dir();
  write_file_atomic(dir / "t.csv", std::string("arch,acc\n") + kBestArch + ",90\n");
  const TableMetric small("acc", CostClass::Expensive, dir / "t.csv", "arch", "acc", *space);
  const std::string other = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|";
  EXPECT_HWNAS_ERROR(small.evaluate(space->parse(other), other),
                     "t.csv: acc: arch " + other + " is not in the table (1 rows)");
}

TEST_F(TableMetricTest, BadTablesNameTheFileLineAndColumns) {
  const auto dir = hwnas::testing::temp_dir();
  write_file_atomic(dir / "t.csv", std::string("arch,acc\n") + kBestArch + ",90\n|bogus~0|,80\n");
  EXPECT_HWNAS_ERROR(TableMetric("a", CostClass::Cheap, dir / "t.csv", "arch", "acc", *space),
                     "t.csv:3: arch '|bogus~0|' does not parse in space nb201");
  EXPECT_HWNAS_ERROR(TableMetric("a", CostClass::Cheap, cifar10_csv(), "arch_str", "acc", *space),
                     "has no column 'acc' (the value); its columns are: arch_index, arch_str, test_acc_200ep");
  EXPECT_HWNAS_ERROR(TableMetric("a", CostClass::Cheap, cifar10_csv(), "arch", "flops_M", *space),
                     "has no column 'arch' (the key)");
}

}  // namespace
}  // namespace hwnas::eval
