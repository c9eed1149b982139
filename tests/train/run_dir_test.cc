// train::write_run_dir and its CSV / JSON, against values written out by hand.
#include "hwnas/train/run_dir.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/ir/builder.h"
#include "hwnas/ir/serialize.h"
#include "testing.h"

namespace hwnas::train {
namespace {

TrainResult two_epochs(const ir::Graph& g) {
  TrainResult r;
  r.log = {{.epoch = 1, .lr = 0.1, .train_loss = 1.5, .train_acc = 40, .val_loss = 1.25, .val_acc = 50, .seconds = 2},
           {.epoch = 2, .lr = 0.05, .train_loss = 0.5, .train_acc = 80, .val_loss = 0.75, .val_acc = 75, .seconds = 3}};
  r.best_epoch = 2;
  r.val_top1 = 75;
  r.test = data::tally(std::vector<int>{0, 1, 1, 0}, std::vector<int>{0, 1, 0, 0}, {"a", "b"});
  r.test_examples = 4;
  r.seconds = 5.5;
  r.weights = runtime::init_weights(g, {.seed = 1});
  return r;
}

ir::Graph tiny() {
  ir::GraphBuilder b("tiny");
  return b.finish({b.fc(b.input({1, 2, 2, 1}), 2)});
}

TEST(RunDir, LogCsvHasOneRowPerEpoch) {
  EXPECT_EQ(
      train_log_csv(two_epochs(tiny())),
      "epoch,lr,train_loss,train_acc,val_loss,val_acc,seconds\n1,0.1,1.5,40,1.25,50,2\n2,0.05,0.5,80,0.75,75,3\n");
}

TEST(RunDir, MetricsJsonHasTheTestAccuracyInPercent) {
  const nlohmann::json j = nlohmann::json::parse(
      metrics_json(two_epochs(tiny()),
                   {.model = "m", .dataset = "fashion-mnist:/d", .options = {.seed = 9}, .params = 10}));
  EXPECT_DOUBLE_EQ(j["top1"].get<double>(), 75.0);  // 3 of 4
  EXPECT_DOUBLE_EQ(j["val_top1"].get<double>(), 75.0);
  EXPECT_EQ(j["epochs"], 2);
  EXPECT_EQ(j["best_epoch"], 2);
  EXPECT_EQ(j["seed"], 9);
  EXPECT_EQ(j["params"], 10);
  EXPECT_EQ(j["dataset"], "fashion-mnist:/d");
  EXPECT_EQ(j["test_confusion"][1][0], 1);
}

TEST(RunDir, WritesEveryFileAndKeepsAnExistingFolderUnlessOverwrite) {
  const ir::Graph g = tiny();
  const TrainResult r = two_epochs(g);
  const std::filesystem::path dir = testing::temp_dir() / "run";
  std::filesystem::remove_all(dir);
  write_run_dir(dir, g, r, {.model = "m"}, "<svg/>", false);
  EXPECT_EQ(ir::load_graph(dir / "model.json"), g);
  EXPECT_EQ(runtime::load_weights(dir / "weights.hwnasw", g), r.weights);
  EXPECT_EQ(read_file(dir / "curves.svg"), "<svg/>");
  EXPECT_EQ(read_file(dir / "train_log.csv"), train_log_csv(r));
  EXPECT_THROW(write_run_dir(dir, g, r, {.model = "m"}, "<svg/>", false), Error);
  write_run_dir(dir, g, r, {.model = "m"}, "<svg>2</svg>", true);
  EXPECT_EQ(read_file(dir / "curves.svg"), "<svg>2</svg>");
  size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.parent_path()))
    entries += e.path().filename().string().starts_with(".run.tmp") ? 1 : 0;
  EXPECT_EQ(entries, 0u);  // no temporary folder left behind
}

TEST(RunDir, ReadBackIsTheResultToContinueFrom) {
  const ir::Graph g = tiny();
  TrainResult r = two_epochs(g);
  r.last_weights = r.weights;
  r.last_weights.nodes.begin()->second.begin()->second.data[0] += 1.0f;  // differs from the kept weights
  r.optimizer_state = std::string("opaque\0state", 12);
  r.val_top1 = 100.0 / 3;  // not a short decimal: read back exactly
  const std::filesystem::path dir = testing::temp_dir() / "run-checkpoint";
  write_run_dir(dir, g, r, {.model = "m"}, "<svg/>", true);
  ASSERT_TRUE(has_checkpoint(dir));
  const TrainResult back = read_run_dir(dir, g);
  EXPECT_EQ(back.weights, r.weights);
  EXPECT_EQ(back.last_weights, r.last_weights);
  EXPECT_EQ(back.optimizer_state, r.optimizer_state);
  EXPECT_EQ(back.val_top1, r.val_top1);
  EXPECT_EQ(back.best_epoch, r.best_epoch);
  ASSERT_EQ(back.log.size(), r.log.size());
  EXPECT_EQ(back.log[1].val_acc, r.log[1].val_acc);
  EXPECT_EQ(back.log[1].lr, r.log[1].lr);
  // A folder without a checkpoint (an older run) is not one to continue, and says so.
  std::filesystem::remove_all(dir / "checkpoint");
  EXPECT_FALSE(has_checkpoint(dir));
  EXPECT_THROW(read_run_dir(dir, g), Error);
}

}  // namespace
}  // namespace hwnas::train
