#include "hwnas/eval/stat_metric.h"
#include "hwnas/target/resolver.h"

#include <gtest/gtest.h>

#include "exp/exp_testing.h"
#include "hwnas/core/csv.h"
#include "hwnas/space/search_space.h"

namespace hwnas::eval {
namespace {
using namespace hwnas::exp;
using namespace hwnas::exp::testing;

// Published figures: NAS-Bench-201's params_M and flops_M columns. Its FLOPs are our MACs
// plus the 10 bias adds of the classifier (0.00001 M), so MACs = flops_M - 0.00001 within the
// table's rounding (5 decimals).
TEST(StatMetric, MatchesNasBench201sParamsAndFlops) {
  const std::shared_ptr<const space::SearchSpace> space = target::resolve_space("nb201");
  const StatMetric params("p", CostClass::Cheap, StatValue::Params, space);
  const StatMetric macs("m", CostClass::Cheap, StatValue::Macs, space);
  const core::CsvTable t = core::read_csv(exp::testing::cifar10_csv());
  for (size_t r = 0; r < t.rows.size(); r += 1553) {  // 11 rows across the table
    const std::string arch = t.rows[r][t.column("arch_str")];
    SCOPED_TRACE(arch);
    const space::Arch a = space->parse(arch);
    EXPECT_NEAR(params.evaluate(a, arch), t.number(r, t.column("params_M")), 1e-6);
    EXPECT_NEAR(macs.evaluate(a, arch), t.number(r, t.column("flops_M")) - 1e-5, 1e-5);
  }
  EXPECT_EQ(macs.source(), "computed (multiply-accumulates of the graph, millions)");
  EXPECT_NE(macs.fingerprint(), params.fingerprint());
}

}  // namespace
}  // namespace hwnas::eval
