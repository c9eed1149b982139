#include "hwnas/exp/constrained_strategy.h"
#include "hwnas/target/resolver.h"

#include <gtest/gtest.h>

#include "exp_testing.h"
#include "hwnas/eval/table_metric.h"

namespace hwnas::exp {
namespace {

using testing::FnMetric;

// Proposes archs of the NB201 space in enumeration order and records what it is told.
class ScriptedStrategy : public search::Strategy {
 public:
  explicit ScriptedStrategy(std::vector<space::Arch> archs) : archs_(std::move(archs)) {}
  std::string name() const override { return "scripted"; }
  std::optional<space::Arch> ask() override {
    if (next_ >= archs_.size()) return std::nullopt;
    return archs_[next_++];
  }
  void tell(const search::Trial& t) override { told.push_back(t); }
  std::vector<search::Trial> told;

 private:
  std::vector<space::Arch> archs_;
  size_t next_ = 0;
};

class ConstrainedStrategyTest : public ::testing::Test {
 protected:
  std::shared_ptr<const space::SearchSpace> space = target::resolve_space("nb201");
  // The cheap "latency" of an arch: the number of 3x3 convolutions in its string (0..6).
  std::shared_ptr<const eval::Metric> convs =
      std::make_shared<FnMetric>("convs", eval::CostClass::Cheap, [](const std::string& s) {
        double n = 0;
        for (size_t p = s.find("conv_3x3"); p != std::string::npos; p = s.find("conv_3x3", p + 1)) ++n;
        return n;
      });
};

TEST_F(ConstrainedStrategyTest, HardLimitsOnCheapMetricsSkipCandidatesForFree) {
  const auto archs = space->enumerate();
  std::vector<space::Arch> first(archs.begin(), archs.begin() + 200);
  auto inner = std::make_unique<ScriptedStrategy>(first);
  ScriptedStrategy* seen = inner.get();
  const std::vector<Constraint> limits = {{"convs", true, 1.0, 0}};  // at most one 3x3 conv
  ConstrainedStrategy s(std::move(inner), space, {convs}, limits);
  int asked = 0;
  while (auto c = s.ask()) {
    ++asked;
    EXPECT_LE(c->cheap.at("convs"), 1.0) << c->arch_str;
    EXPECT_EQ(c->arch_str, space->to_string(c->arch));
  }
  // Every proposal is either returned or skipped; skipped ones were told back as Infeasible.
  EXPECT_EQ(asked + s.infeasible_skipped(), 200);
  EXPECT_GT(s.infeasible_skipped(), 0);
  ASSERT_EQ(static_cast<int64_t>(seen->told.size()), s.infeasible_skipped());
  for (const auto& t : seen->told) {
    EXPECT_EQ(t.status, search::TrialStatus::Infeasible);
    EXPECT_GT(t.metrics.at("convs"), 1.0);
    EXPECT_NE(t.error.find("convs = "), std::string::npos);
  }
}

TEST_F(ConstrainedStrategyTest, GivesUpAfterTooManySkipsInARow) {
  auto archs = space->enumerate(20000);
  ConstrainedStrategy s(std::make_unique<ScriptedStrategy>(archs), space, {convs}, {{"convs", false, 7.0, 0}},
                        /*max_consecutive_skips=*/50);
  EXPECT_FALSE(s.ask());  // nothing has 7 convs on 6 edges
  EXPECT_TRUE(s.gave_up());
  EXPECT_EQ(s.infeasible_skipped(), 50);
}

TEST_F(ConstrainedStrategyTest, ACheapMetricThatThrowsBecomesAFailedCandidateNotASkip) {
  auto broken = std::make_shared<FnMetric>("lat", eval::CostClass::Cheap,
                                           [](const std::string&) -> double { throw Error("lat.csv", "no value"); });
  ConstrainedStrategy s(std::make_unique<ScriptedStrategy>(space->enumerate()), space, {broken}, {});
  const auto c = s.ask();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->cheap_error, "lat.csv: no value");
  EXPECT_EQ(s.infeasible_skipped(), 0);
}

TEST_F(ConstrainedStrategyTest, CheapEvalForStrategiesReturnsValuesOrNothing) {
  const auto eval = make_cheap_eval(space, {convs}, {{"convs", true, 1.0, 0}});
  const space::Arch none = space->parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|");
  ASSERT_TRUE(eval(none));
  EXPECT_EQ(eval(none)->at("convs"), 0.0);
  EXPECT_FALSE(eval(space->parse(testing::kBestArch)));  // 4 3x3 convs > 1
  EXPECT_FALSE(make_cheap_eval(space, {}, {}));          // no cheap metrics: no function
}

TEST_F(ConstrainedStrategyTest, InfeasibilityIsTheRelativeExcessOverTheHardLimits) {
  const space::Arch none = space->parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|");
  const space::Arch best = space->parse(testing::kBestArch);  // 4 3x3 convs
  const auto at_most_one = make_infeasibility(space, {convs}, {{"convs", true, 1.0, 0}});
  ASSERT_TRUE(at_most_one);
  EXPECT_EQ(at_most_one(none), 0.0);  // exactly where make_cheap_eval accepts
  EXPECT_EQ(at_most_one(best), 3.0);  // (4 - 1) / 1
  // Two limits add up: at least 2 convs misses by (2 - 0) / 2 on `none`; at most 1 by 3 / 1 on `best`.
  const auto both = make_infeasibility(space, {convs}, {{"convs", false, 2.0, 0}, {"convs", true, 1.0, 0}});
  EXPECT_EQ(both(none), 1.0);
  EXPECT_EQ(both(best), 3.0);
  // Soft limits and limits on expensive metrics do not count; a failing metric is infinitely far.
  EXPECT_FALSE(make_infeasibility(space, {convs}, {{"convs", true, 1.0, 0.5}}));
  EXPECT_FALSE(make_infeasibility(space, {convs}, {{"accuracy", false, 90.0, 0}}));
  auto broken = std::make_shared<FnMetric>("lat", eval::CostClass::Cheap,
                                           [](const std::string&) -> double { throw Error("lat.csv", "no value"); });
  EXPECT_EQ(make_infeasibility(space, {broken}, {{"lat", true, 1.0, 0}})(none),
            std::numeric_limits<double>::infinity());
}

}  // namespace
}  // namespace hwnas::exp
