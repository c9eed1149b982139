#include "hwnas/eval/few_shot_metric.h"
#include "hwnas/target/resolver.h"

#include <thread>

#include <gtest/gtest.h>

#include "exp/exp_testing.h"
#include "hwnas/core/csv.h"
#include "hwnas/core/rng.h"
#include "hwnas/exp/runner.h"

namespace hwnas::eval {
namespace {
using namespace hwnas::exp;

using namespace hwnas::exp::testing;

std::shared_ptr<const space::SearchSpace> nb201() { return target::resolve_space("nb201"); }

// A few-shot model of edgegpu from 10 of its rows (every 1000th from `first`), with a prior of
// the other latency columns over the table's first 2,000 rows (enough for a prior, and quick).
cost::FewShotModel fit_edgegpu(size_t first = 0) {
  core::CsvTable t = core::read_csv(latency_csv());
  const auto space = nb201();
  cost::ArchFeatures f(*space);
  std::vector<space::Arch> archs;
  std::vector<double> ms;
  for (size_t r = first; archs.size() < 10; r += 1000)
    if (const auto v = t.number_or_empty(r, t.column("edgegpu_latency_ms"))) {
      archs.push_back(space->parse(t.rows[r][t.column("arch_str")]));
      ms.push_back(*v);
    }
  t.rows.resize(2000);
  const cost::DevicePrior prior =
      cost::fit_prior(t, f, "arch_str", cost::default_prior_columns(t, "edgegpu_latency_ms"));
  return cost::fit_few_shot(prior, f, archs, ms);
}

std::filesystem::path saved_model(const std::filesystem::path& dir, size_t first = 0) {
  const auto file = dir / "edgegpu.json";
  cost::save_few_shot(fit_edgegpu(first), file);
  return file;
}

TEST(FewShotMetric, ValuesAreTheModelsPredictionsAndTheSourceNamesTheFile) {
  const auto dir = hwnas::testing::temp_dir();
  const auto file = saved_model(dir);
  const auto space = nb201();
  const FewShotMetric m("latency_ms", CostClass::Cheap, file, space);
  // What `hwnas predict --predictor edgegpu.json` computes (apps/hwnas/cmd_predict.cc).
  const cost::FewShotModel model = cost::load_few_shot(file);
  cost::ArchFeatures f(*space);
  Rng rng(3);
  for (int i = 0; i < 30; ++i) {
    const space::Arch a = space->sample(rng);
    EXPECT_EQ(m.evaluate(a, space->to_string(a)), model.predict_ms(f, a)) << space->to_string(a);
  }
  EXPECT_EQ(m.source(),
            "predicted (few-shot prior model edgegpu.json: 10 measurements, prior raspi4_latency_ms, "
            "gtx1080ti_b1_latency_ms, xeon_gold6240_latency_ms, samsung_s7_latency_ms, titanx_b1_latency_ms)");
  EXPECT_EQ(m.cost(), CostClass::Cheap);
  // A refit on other samples, saved under the same name, changes the fingerprint.
  const std::string before = m.fingerprint();
  saved_model(dir, 500);
  EXPECT_NE(FewShotMetric("latency_ms", CostClass::Cheap, file, space).fingerprint(), before);
}

TEST(FewShotMetric, ConcurrentCallsGiveTheSerialFigures) {
  const auto dir = hwnas::testing::temp_dir();
  const auto space = nb201();
  const FewShotMetric m("latency_ms", CostClass::Cheap, saved_model(dir), space);
  const FewShotMetric serial("latency_ms", CostClass::Cheap, dir / "edgegpu.json", space);
  std::vector<space::Arch> archs = space->enumerate();
  archs.resize(2000);
  std::vector<double> got(archs.size());
  std::vector<std::thread> threads;
  for (size_t w = 0; w < 4; ++w)
    threads.emplace_back([&, w] {
      for (size_t i = w; i < archs.size(); i += 4) got[i] = m.evaluate(archs[i], "");
    });
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < archs.size(); ++i) ASSERT_EQ(got[i], serial.evaluate(archs[i], "")) << i;
}

TEST(FewShotMetric, AnExperimentSearchesWithIt) {
  const auto dir = hwnas::testing::temp_dir();
  const auto file = saved_model(dir);
  const Experiment e =
      build_experiment(load_config(write_experiment(dir, nb201_yaml("random", 12)),
                                   {"metrics.latency_ms={model: few_shot, predictor: " + file.string() + "}",
                                    "output=" + (dir / "out").string()}));
  const RunSummary s = run_experiment(e);
  ASSERT_EQ(s.trials.size(), 12u);
  const cost::FewShotModel model = cost::load_few_shot(file);
  const auto space = nb201();
  cost::ArchFeatures f(*space);
  for (const search::Trial& t : s.trials) {
    ASSERT_EQ(t.status, search::TrialStatus::Ok) << t.error;
    EXPECT_EQ(t.metrics.at("latency_ms"), model.predict_ms(f, space->parse(t.arch_str))) << t.arch_str;
    EXPECT_GT(t.metrics.at("latency_ms"), 0);
  }
}

// Builds the metric "{model: few_shot, predictor: <dir>/<file>, <more>}" as the latency_ms of
// an nb201 experiment (paths given with --set are relative to the current directory).
void build_with(const std::filesystem::path& dir, const std::string& file, const std::string& more = "",
                const std::string& kind = "few_shot") {
  const std::string predictor = file.empty() ? "" : ", predictor: " + (dir / file).string();
  build_experiment(
      load_config(write_experiment(dir, nb201_yaml("random", 4)),
                  {"metrics.latency_ms={model: " + kind + predictor + more + "}", "output=" + (dir / "out").string()}));
}

TEST(FewShotMetric, Errors) {
  const auto dir = hwnas::testing::temp_dir();
  const auto file = saved_model(dir);
  EXPECT_HWNAS_ERROR(build_with(dir, ""), "a few_shot model needs 'predictor:'");
  EXPECT_HWNAS_ERROR(build_with(dir, "nothing.json"),
                     "metrics.latency_ms.predictor: no such file: " + (dir / "nothing.json").string());
  EXPECT_HWNAS_ERROR(build_with(dir, "edgegpu.json", ", device: raspi4"), "metrics.latency_ms.device");
  EXPECT_HWNAS_ERROR(build_with(dir, "edgegpu.json", ", device: raspi4", "fewshot"), "did you mean 'few_shot'?");
  // Malformed files: not JSON, another format, a key missing.
  write_file_atomic(dir / "broken.json", "{\"format\": ");
  EXPECT_HWNAS_ERROR(build_with(dir, "broken.json"), "broken.json: not JSON");
  write_file_atomic(dir / "kernel.json", R"({"format": "hwnas-latency-predictor", "version": 1})");
  EXPECT_HWNAS_ERROR(build_with(dir, "kernel.json"),
                     "kernel.json: format: is \"hwnas-latency-predictor\", expected \"hwnas-few-shot-latency\"");
  nlohmann::json j = cost::to_json(cost::load_few_shot(file));
  j.erase("weights");
  write_file_atomic(dir / "no_weights.json", j.dump());
  EXPECT_HWNAS_ERROR(build_with(dir, "no_weights.json"), "missing key 'weights'");
  // Another space: the file and both spaces.
  EXPECT_HWNAS_ERROR(FewShotMetric("latency_ms", CostClass::Cheap, file, target::resolve_space("mbconv")),
                     file.string() +
                         ": the few-shot model was fitted on the nb201 space, but this experiment searches "
                         "mbconv");
}

}  // namespace
}  // namespace hwnas::eval
