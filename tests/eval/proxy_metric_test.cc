// The proxy metric and the ensemble, with a fake scorer registered through eval's seam: the
// values are what the fake hands out, so every expected figure below follows by hand from the
// metric's definition (proxy_metric.h, proxy_scores.h).
#include "hwnas/eval/proxy_metric.h"

#include <deque>

#include <gtest/gtest.h>

#include "exp/exp_testing.h"
#include "hwnas/core/rng.h"
#include "hwnas/eval/proxy_scores.h"
#include "hwnas/exp/config.h"
#include "hwnas/exp/experiment.h"
#include "hwnas/target/resolver.h"

namespace hwnas::eval {
namespace {

// Hands out prepared rows, one per score() call, in order; records what was asked.
struct Fake {
  std::deque<std::vector<double>> rows;
  std::vector<std::vector<std::string>> asked;
  ProxyOptions options;
};
Fake& fake() {
  static Fake f;
  return f;
}

class FakeScorer : public ProxyScorer {
 public:
  std::vector<std::string> names() const override { return {"synflow", "naswot", "jacob_cov", "snip", "macs"}; }
  bool needs_data(const std::string& p) const override { return p == "naswot" || p == "jacob_cov" || p == "snip"; }
  std::vector<double> score(const ir::Graph&, const std::vector<std::string>& proxies) override {
    fake().asked.push_back(proxies);
    if (fake().rows.empty()) throw Error("fake scorer", "no row left");
    std::vector<double> r = fake().rows.front();
    fake().rows.pop_front();
    r.resize(proxies.size());
    return r;
  }
  std::string source() const override { return "fake"; }
};

std::unique_ptr<ProxyScorer> make_fake(const ProxyOptions& o) {
  fake().options = o;
  return std::make_unique<FakeScorer>();
}

class ProxyMetricTest : public ::testing::Test {
 protected:
  void SetUp() override {
    register_proxy_scorer(&make_fake);
    fake() = Fake{};
  }
  exp::Experiment build(const std::string& metric) {
    const auto dir = hwnas::testing::temp_dir();
    const std::string text = "name: test\nspace: nb201\nmetrics:\n  score: " + metric +
                             "\nobjectives: [{metric: score, goal: max}]\nstrategy: {name: random, seed: 1}\n"
                             "budget: {trials: 2}\noutput: out\n";
    return exp::build_experiment(exp::load_config(exp::testing::write_experiment(dir, text), {}));
  }
};

TEST_F(ProxyMetricTest, OneProxyIsTheScorersValueAndCheap) {
  const exp::Experiment e = build("{proxy: naswot, dataset: 'fashion-mnist:/data/fm', batch: 16, seed: 3}");
  const Metric& m = e.metric("score");
  EXPECT_EQ(m.cost(), CostClass::Cheap);
  EXPECT_EQ(fake().options.dataset, "fashion-mnist:/data/fm");
  EXPECT_EQ(fake().options.batch, 16);
  EXPECT_EQ(fake().options.seed, 3u);
  fake().rows = {{42.5}};
  const auto sp = target::resolve_space("nb201");
  Rng rng(1);
  EXPECT_DOUBLE_EQ(m.evaluate(sp->sample(rng), ""), 42.5);
  EXPECT_EQ(fake().asked.back(), std::vector<std::string>{"naswot"});
  EXPECT_EQ(m.source(), "zero-cost proxy naswot, fake");
}

// Reference set of 2 archs scored (synflow, naswot, jacob_cov, macs) = (1,1,1,1) and (3,3,3,3);
// the arch scores (2, 4, 3, 0). Share of the reference beaten (ties half): synflow 2 > 1 only:
// 1/2; naswot 4 beats both: 1; jacob_cov 3 > 1, = 3: 1.5/2 = 0.75; macs 0: 0.
// Ensemble = (0.5 + 1 + 0.75 + 0) / 4 = 0.5625.
TEST_F(ProxyMetricTest, EnsembleIsTheMeanShareOfTheReferenceBeaten) {
  const exp::Experiment e = build("{proxy: ensemble, dataset: 'fashion-mnist:/d', reference: 2}");
  fake().rows = {{1, 1, 1, 1}, {3, 3, 3, 3}, {2, 4, 3, 0}};
  const auto sp = target::resolve_space("nb201");
  Rng rng(1);
  EXPECT_DOUBLE_EQ(e.metric("score").evaluate(sp->sample(rng), ""), 0.5625);
  EXPECT_EQ(fake().asked.back(), ensemble_members());
  // The reference set is scored once: the next arch costs one call.
  fake().rows = {{0, 0, 0, 5}};
  EXPECT_DOUBLE_EQ(e.metric("score").evaluate(sp->sample(rng), ""), 0.25);  // macs beats both
  EXPECT_EQ(fake().asked.size(), 4u);
}

TEST_F(ProxyMetricTest, BadConfigurationsNameTheKey) {
  EXPECT_HWNAS_ERROR(build("{proxy: zen}"), "metrics.score.proxy: proxy 'zen': is not a zero-cost proxy");
  EXPECT_HWNAS_ERROR(build("{proxy: naswot}"), "add 'dataset: <kind>:<path>'");
  EXPECT_HWNAS_ERROR(build("{proxy: synflow, batch: 0}"), "metrics.score.batch: must be at least 1");
  EXPECT_HWNAS_ERROR(build("{proxy: synflow, dataset: nokind}"), "is not <kind>:<path>");
  EXPECT_HWNAS_ERROR(build("{proxy: synflow, batchsize: 4}"), "metrics.score.batchsize: unknown key");
}

// Three archs; synflow (10, 30, 20) ranks 1,3,2; naswot (5, 5, 9) ranks 1.5,1.5,3; jacob_cov
// (3, 2, 1) ranks 3,2,1; macs (1, 2, 3) ranks 1,2,3. Mean ranks: arch0 (1+1.5+3+1)/4 = 1.625,
// arch1 (3+1.5+2+2)/4 = 2.125, arch2 (2+3+1+3)/4 = 2.25.
TEST_F(ProxyMetricTest, ScoreArchsAddsTheEnsemblesMeanRank) {
  auto scorer = make_proxy_scorer({});
  const auto sp = target::resolve_space("nb201");
  Rng rng(2);
  const std::vector<space::Arch> archs = {sp->sample(rng), sp->sample(rng), sp->sample(rng)};
  // Asked order: the ensemble's members first (ensemble comes first), then snip.
  fake().rows = {{10, 5, 3, 1, 7}, {30, 5, 2, 2, 8}, {20, 9, 1, 3, 9}};
  const ProxyTable t = score_archs(*sp, archs, {"ensemble", "snip", "synflow"}, *scorer);
  EXPECT_EQ(fake().asked[0], (std::vector<std::string>{"synflow", "naswot", "jacob_cov", "macs", "snip"}));
  ASSERT_EQ(t.values.size(), 3u);
  EXPECT_EQ(t.values[0], (std::vector<double>{1.625, 2.125, 2.25}));
  EXPECT_EQ(t.values[1], (std::vector<double>{7, 8, 9}));
  EXPECT_EQ(t.values[2], (std::vector<double>{10, 30, 20}));
  EXPECT_HWNAS_ERROR(score_archs(*sp, archs, {"snip", "snip"}, *scorer), "named twice");
}

}  // namespace
}  // namespace hwnas::eval
