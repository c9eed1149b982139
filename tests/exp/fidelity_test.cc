// Multi-fidelity search (successive halving over training epochs) on NAS-Bench-201, whose
// published table has every cell's accuracy after 12 epochs (valid_acc_12ep) and after 200
// (test_acc_200ep): a real two-rung benchmark. The expectations are computed here from the CSV,
// independently of the runner.
#include <csignal>
#include <mutex>
#include <set>

#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "exp_testing.h"
#include "hwnas/core/csv.h"
#include "hwnas/exp/runner.h"
#include "hwnas/exp/trial_store.h"

namespace hwnas::exp {
namespace {

using namespace testing;

std::string fidelity_yaml(int trials, const std::string& fidelity = "{epochs: [12, 200], eta: 3}") {
  return fmt::format(
      "name: mf\n"
      "space: nb201\n"
      "metrics:\n"
      "  accuracy:   {{table: {}, key: arch_str, columns: {{12: valid_acc_12ep, 200: test_acc_200ep}}}}\n"
      "  latency_ms: {{table: {}, key: arch_str, column: raspi4_latency_ms, cost: cheap}}\n"
      "objectives: [{{metric: accuracy, goal: max}}, {{metric: latency_ms, goal: min}}]\n"
      "strategy: {{name: random, seed: 3}}\n"
      "budget: {{trials: {}}}\n"
      "workers: 2\n"
      "fidelity: {}\n"
      "output: out\n",
      cifar10_csv(), latency_csv(), trials, fidelity);
}

Experiment make(const std::filesystem::path& dir, const std::string& yaml) {
  std::filesystem::create_directories(dir);
  return build_experiment(load_config(write_experiment(dir, yaml), {"output=" + (dir / "out").string()}));
}

std::map<std::string, double> column(const std::string& name, const std::filesystem::path& csv = cifar10_csv()) {
  const core::CsvTable t = core::read_csv(csv);
  std::map<std::string, double> m;
  for (size_t r = 0; r < t.rows.size(); ++r) m[t.rows[r][t.column("arch_str")]] = *t.number_or_empty(r, t.column(name));
  return m;
}

// Stands in for the accuracy table with the same name, cost and fingerprint (so a run with it
// resumes a run without it), records every (arch, epochs) it is asked, and may kill the process
// at its n-th evaluation.
class Recording : public eval::Metric {
 public:
  Recording(std::shared_ptr<const eval::Metric> inner, int kill_at = 0)
      : eval::Metric(inner->name(), inner->cost()), inner_(std::move(inner)), kill_at_(kill_at) {}
  std::string source() const override { return inner_->source(); }
  std::string fingerprint() const override { return inner_->fingerprint(); }
  bool has_fidelity() const override { return inner_->has_fidelity(); }
  double evaluate(const space::Arch& a, const std::string& s) const override { return evaluate_at(a, s, 0); }
  double evaluate_at(const space::Arch& a, const std::string& s, int epochs) const override {
    {
      std::lock_guard lock(mutex_);
      asked_.emplace_back(s, epochs);
      if (kill_at_ > 0 && static_cast<int>(asked_.size()) == kill_at_) raise(SIGKILL);
    }
    return inner_->evaluate_at(a, s, epochs);
  }
  std::vector<std::pair<std::string, int>> asked() const {
    std::lock_guard lock(mutex_);
    return asked_;
  }

 private:
  std::shared_ptr<const eval::Metric> inner_;
  int kill_at_;
  mutable std::mutex mutex_;
  mutable std::vector<std::pair<std::string, int>> asked_;
};

std::shared_ptr<Recording> record_accuracy(Experiment& e, int kill_at = 0) {
  for (auto& m : e.metrics)
    if (m->name() == "accuracy") {
      auto r = std::make_shared<Recording>(m, kill_at);
      m = r;
      return r;
    }
  ADD_FAILURE() << "no accuracy metric";
  return nullptr;
}

TEST(Fidelity, EachBracketPromotesTheBestThirdByTheTwelveEpochAccuracy) {
  const auto dir = hwnas::testing::temp_dir();
  Experiment e = make(dir, fidelity_yaml(18));
  const auto rec = record_accuracy(e);
  int rung_evaluations = 0;
  const RunSummary s =
      run_experiment(e, {.on_progress = [&](const Progress& p) { rung_evaluations = p.rung_evaluations; }});
  ASSERT_EQ(s.trials.size(), 18u);  // a trial counts once, whatever rung it reached

  // Brackets of kRoundSize (8 >= eta^(rungs-1) = 3) candidates, the last one cut by the budget:
  // 8, 8, 2; each keeps max(1, n / 3) of them for 200 epochs.
  const auto acc12 = column("valid_acc_12ep"), acc200 = column("test_acc_200ep");
  size_t promoted_total = 0;
  for (size_t first = 0; first < 18; first += 8) {
    const size_t n = std::min<size_t>(8, 18 - first);
    const size_t keep = std::max<size_t>(1, n / 3);
    std::vector<std::pair<double, int64_t>> by12;  // (-acc12, id): best first, earlier id on ties
    for (size_t i = first; i < first + n; ++i) by12.emplace_back(-acc12.at(s.trials[i].arch_str), s.trials[i].id);
    std::sort(by12.begin(), by12.end());
    std::set<int64_t> expected;
    for (size_t k = 0; k < keep; ++k) expected.insert(by12[k].second);
    promoted_total += keep;
    for (size_t i = first; i < first + n; ++i) {
      const search::Trial& t = s.trials[i];
      if (expected.count(t.id)) {
        EXPECT_EQ(t.status, search::TrialStatus::Ok) << t.id;
        EXPECT_EQ(t.epochs, 200);
        EXPECT_EQ(t.metrics.at("accuracy"), acc200.at(t.arch_str));
      } else {
        EXPECT_EQ(t.status, search::TrialStatus::Pruned) << t.id;
        EXPECT_EQ(t.epochs, 12);
        EXPECT_EQ(t.metrics.at("accuracy"), acc12.at(t.arch_str));
        EXPECT_NE(t.error.find("stopped after 12 epochs"), std::string::npos) << t.error;
      }
    }
  }
  EXPECT_EQ(s.ok, static_cast<int>(promoted_total));
  EXPECT_EQ(s.pruned, static_cast<int>(18 - promoted_total));
  // Every candidate once at 12 epochs, the promoted ones once more at 200: nothing twice.
  EXPECT_EQ(rung_evaluations, static_cast<int>(18 + promoted_total));
  const auto asked = rec->asked();
  EXPECT_EQ(asked.size(), 18 + promoted_total);
  const std::set<std::pair<std::string, int>> distinct(asked.begin(), asked.end());
  EXPECT_EQ(distinct.size(), asked.size());
  // Results are full-fidelity trials only: the best accuracy is a 200-epoch figure.
  ASSERT_TRUE(s.best[0]);
  EXPECT_EQ(s.trials[*s.best[0]].epochs, 200);
  for (size_t i : s.front) EXPECT_EQ(s.trials[i].status, search::TrialStatus::Ok);
}

// rank: pareto keeps, of each rung, the non-dominated trials by (12-epoch accuracy, latency), the
// front that does not fit cut by crowding distance: with two to keep of eight, the front's two
// extremes (its most accurate and its fastest cell) when the front has two or more, else the front
// and the extremes of the next (the earlier trial on a tie). Computed here by brute force.
TEST(Fidelity, ParetoRankPromotesTheFrontsExtremesNotOnlyTheMostAccurate) {
  const auto dir = hwnas::testing::temp_dir();
  const RunSummary s = run_experiment(make(dir, fidelity_yaml(24, "{epochs: [12, 200], eta: 3, rank: pareto}")));
  ASSERT_EQ(s.trials.size(), 24u);
  const auto acc12 = column("valid_acc_12ep"), latency = column("raspi4_latency_ms", latency_csv());
  const auto dominated = [&](const std::string& a, const std::vector<const search::Trial*>& among) {
    for (const auto* o : among)
      if (acc12.at(o->arch_str) >= acc12.at(a) && latency.at(o->arch_str) <= latency.at(a) &&
          (acc12.at(o->arch_str) > acc12.at(a) || latency.at(o->arch_str) < latency.at(a)))
        return true;
    return false;
  };
  int differs_from_accuracy_alone = 0;
  for (size_t first = 0; first < 24; first += 8) {
    std::vector<const search::Trial*> rest;
    for (size_t i = first; i < first + 8; ++i) rest.push_back(&s.trials[i]);
    std::set<int64_t> expected;
    while (expected.size() < 2) {
      std::vector<const search::Trial*> front, next;
      for (const auto* t : rest) (dominated(t->arch_str, rest) ? next : front).push_back(t);
      if (expected.size() + front.size() <= 2) {
        for (const auto* t : front) expected.insert(t->id);
      } else {  // the extremes: most accurate, then fastest (the earlier trial on ties)
        const auto by = [&](auto better) {
          const search::Trial* b = front.front();
          for (const auto* t : front)
            if (better(t, b)) b = t;
          return b->id;
        };
        expected.insert(by([&](auto* x, auto* y) { return acc12.at(x->arch_str) > acc12.at(y->arch_str); }));
        if (expected.size() < 2)
          expected.insert(by([&](auto* x, auto* y) { return latency.at(x->arch_str) < latency.at(y->arch_str); }));
      }
      rest = next;
    }
    std::set<int64_t> promoted;
    for (size_t i = first; i < first + 8; ++i)
      if (s.trials[i].epochs == 200) promoted.insert(s.trials[i].id);
    EXPECT_EQ(promoted, expected) << "bracket from trial " << first;
    std::vector<std::pair<double, int64_t>> by12;
    for (size_t i = first; i < first + 8; ++i) by12.emplace_back(-acc12.at(s.trials[i].arch_str), s.trials[i].id);
    std::sort(by12.begin(), by12.end());
    differs_from_accuracy_alone += promoted != std::set<int64_t>{by12[0].second, by12[1].second};
    for (size_t i = first; i < first + 8; ++i) {
      if (!promoted.count(s.trials[i].id)) EXPECT_THAT(s.trials[i].error, ::testing::HasSubstr("by Pareto rank"));
    }
  }
  EXPECT_GT(differs_from_accuracy_alone, 0) << "no bracket tells the two rankings apart";

  // The ranking is part of the search: a store written with the other one is not resumed.
  try {
    run_experiment(make(dir, fidelity_yaml(24, "{epochs: [12, 200], eta: 3}")));
    ADD_FAILURE() << "resumed a store ranked by Pareto rank with rank: metric";
  } catch (const Error& err) {
    EXPECT_THAT(err.what(), ::testing::HasSubstr("rank pareto"));
  }
}

TEST(Fidelity, BracketAndEtaSetHowManyGoOn) {
  const auto dir = hwnas::testing::temp_dir();
  Experiment e = make(dir, fidelity_yaml(8, "{epochs: [12, 200], eta: 2, bracket: 4}"));
  const RunSummary s = run_experiment(e);
  ASSERT_EQ(s.trials.size(), 8u);
  EXPECT_EQ(s.ok, 4);  // two brackets of 4, each keeps 4 / 2
  EXPECT_EQ(s.pruned, 4);
}

TEST(Fidelity, AKilledSearchResumesWithoutEvaluatingAnyRungTwice) {
  const auto dir = hwnas::testing::temp_dir();
  const RunSummary reference = run_experiment(make(dir / "ref", fidelity_yaml(16)));

  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // killed at its 11th rung evaluation, in the middle of the second bracket
    Experiment e = make(dir / "run", fidelity_yaml(16));
    record_accuracy(e, 11);
    run_experiment(e);
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the search was meant to be killed";

  const auto before = TrialStore::open(dir / "run" / "out" / "trials.db", TrialStore::Mode::ReadOnly).rungs();
  EXPECT_GE(before.size(), 8u);  // the first bracket's rung 0 at least
  std::set<std::pair<std::string, int>> done;
  for (const auto& t : before) done.emplace(t.arch_str, t.epochs);

  Experiment e = make(dir / "run", fidelity_yaml(16));
  const auto rec = record_accuracy(e);
  int replayed = 0, evaluated = 0;
  const RunSummary resumed = run_experiment(e, {.on_progress = [&](const Progress& p) {
                                              replayed = p.rungs_replayed;
                                              evaluated = p.rung_evaluations;
                                            }});
  for (const auto& ask : rec->asked()) EXPECT_FALSE(done.count(ask)) << ask.first << " at " << ask.second << " epochs";
  EXPECT_EQ(replayed, static_cast<int>(before.size()));
  EXPECT_EQ(replayed + evaluated, 16 + 2 + 2);  // as the reference run: every rung evaluation once in all
  ASSERT_EQ(resumed.trials.size(), reference.trials.size());
  for (size_t i = 0; i < resumed.trials.size(); ++i) {
    EXPECT_EQ(resumed.trials[i].arch_str, reference.trials[i].arch_str);
    EXPECT_EQ(resumed.trials[i].metrics, reference.trials[i].metrics);
    EXPECT_EQ(resumed.trials[i].status, reference.trials[i].status);
    EXPECT_EQ(resumed.trials[i].epochs, reference.trials[i].epochs);
  }
}

TEST(Fidelity, BadFidelitySettingsAreLocatedErrors) {
  const auto dir = hwnas::testing::temp_dir();
  const auto error_of = [&](const std::string& yaml) -> std::string {
    try {
      make(dir, yaml);
    } catch (const Error& err) {
      return err.what();
    }
    return "";
  };
  EXPECT_THAT(error_of(fidelity_yaml(9, "{epochs: [200, 12]}")),
              ::testing::HasSubstr("fidelity.epochs.1: must be larger than the rung before it (200)"));
  EXPECT_THAT(error_of(fidelity_yaml(9, "{epochs: [12]}")), ::testing::HasSubstr("at least two rungs"));
  EXPECT_THAT(error_of(fidelity_yaml(9, "{epochs: [12, 200], eta: 1}")), ::testing::HasSubstr("fidelity.eta"));
  EXPECT_THAT(error_of(fidelity_yaml(9, "{epochs: [12, 200], metric: latency_ms}")),
              ::testing::HasSubstr("ranks the rungs by 'latency_ms', which does not depend on training epochs"));
  EXPECT_THAT(error_of(fidelity_yaml(9, "{epochs: [12, 200], metric: acuracy}")),
              ::testing::HasSubstr("accuracy"));  // did you mean
  EXPECT_THAT(error_of(fidelity_yaml(9, "{epochs: [12, 200], rungs: 3}")), ::testing::HasSubstr("rungs"));
  EXPECT_THAT(error_of(fidelity_yaml(9, "{epochs: [12, 200], rank: hypervolume}")),
              ::testing::HasSubstr("fidelity.rank: 'hypervolume' is not a ranking; use metric"));
  EXPECT_THAT(error_of(fidelity_yaml(9, "{epochs: [12, 200], continue: maybe}")),
              ::testing::HasSubstr("fidelity.continue: expected true or false"));
  // A one-column table does not change with epochs: ranking rungs by it would waste them.
  std::string one_column = fidelity_yaml(9);
  one_column.replace(one_column.find("columns: {12: valid_acc_12ep, 200: test_acc_200ep}"),
                     std::string("columns: {12: valid_acc_12ep, 200: test_acc_200ep}").size(),
                     "column: test_acc_200ep");
  EXPECT_THAT(error_of(one_column), ::testing::HasSubstr("does not depend on training epochs"));
  // A rung the table has no column for fails each trial evaluated there, naming the columns.
  Experiment e = make(dir / "missing", fidelity_yaml(4, "{epochs: [12, 100], bracket: 4}"));
  const RunSummary s = run_experiment(e);
  ASSERT_EQ(s.failed, 1);
  for (const auto& t : s.trials) {
    if (t.status != search::TrialStatus::Failed) continue;
    EXPECT_THAT(t.error, ::testing::HasSubstr("no column for 100 epochs (it has columns for 12, 200 epochs)"));
  }
}

}  // namespace
}  // namespace hwnas::exp
