// train::train() and evaluate() on a tiny learnable task (a bright band whose row is the class),
// with hand-computed schedule and loss values, determinism, early stopping, and the trained
// weights run on xnnpack against libtorch's eval mode.
#include "hwnas/train/trainer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "bands_dataset.h"
#include "hwnas/core/error.h"
#include "hwnas/ir/builder.h"
#include "hwnas/runtime/backend.h"
#include "hwnas/train/graph_module.h"
#include "hwnas/train/loss.h"

namespace hwnas::train {
namespace {

ir::Graph band_net(bool batch_norm = true) {
  ir::GraphBuilder b("bandnet");
  int x = b.input({1, 6, 6, 1});
  x = b.conv(x, 4, 3, 1, {.bias = !batch_norm});
  if (batch_norm) x = b.batch_norm(x);
  return b.finish({b.fc(b.relu(x), 3)});
}

TEST(Trainer, LossDecreasesAndTheTaskIsLearned) {
  const Bands ds;
  const TrainResult r = train(band_net(), ds, {.epochs = 4, .batch_size = 16, .lr = 0.1, .seed = 1});
  ASSERT_EQ(r.log.size(), 4u);
  EXPECT_LT(r.log.back().train_loss, 0.5 * r.log.front().train_loss);
  EXPECT_GE(r.test.top1(), 90.0);
  EXPECT_EQ(r.test.examples(), 60);
  EXPECT_EQ(r.val_examples, 60);
  EXPECT_EQ(r.validation_from, "validation split");
}

TEST(Trainer, SameSeedSameWeightsOtherSeedOtherWeights) {
  const Bands ds;
  const TrainOptions o{.epochs = 2, .batch_size = 32, .seed = 5, .threads = 1};
  const TrainResult a = train(band_net(), ds, o), b = train(band_net(), ds, o);
  EXPECT_EQ(a.weights, b.weights);
  EXPECT_EQ(a.log[1].train_loss, b.log[1].train_loss);
  TrainOptions other = o;
  other.seed = 6;
  EXPECT_NE(train(band_net(), ds, other).weights, a.weights);
}

// Fine-tuning starts from the given weights: a trained model's first epoch already has a low
// loss, and the same start gives the same run (the seed then orders the data only).
TEST(Trainer, InitialWeightsAreWhereFineTuningStarts) {
  const Bands ds;
  const TrainResult trained = train(band_net(), ds, {.epochs = 4, .batch_size = 16, .lr = 0.1, .seed = 1});
  TrainOptions tune{.epochs = 1, .batch_size = 16, .lr = 0.01, .seed = 2, .threads = 1};
  const TrainResult scratch = train(band_net(), ds, tune);
  tune.initial_weights = &trained.weights;
  const TrainResult tuned = train(band_net(), ds, tune);
  EXPECT_LT(tuned.log[0].train_loss, 0.5 * scratch.log[0].train_loss);
  EXPECT_GE(tuned.test.top1(), 90.0);
  EXPECT_EQ(train(band_net(), ds, tune).weights, tuned.weights);
}

// lr 0.1, 4 epochs of 10 steps, 1 warm-up epoch: W = 10, T = 40.
TEST(Trainer, LearningRateScheduleByHand) {
  const TrainOptions o{.epochs = 4, .lr = 0.1, .warmup_epochs = 1};
  EXPECT_DOUBLE_EQ(learning_rate(o, 0, 10), 0.01);                                         // 0.1 * 1/10
  EXPECT_DOUBLE_EQ(learning_rate(o, 4, 10), 0.05);                                         // 0.1 * 5/10
  EXPECT_DOUBLE_EQ(learning_rate(o, 10, 10), 0.1);                                         // cosine at 0
  EXPECT_NEAR(learning_rate(o, 25, 10), 0.05, 1e-12);                                      // cos(pi/2) = 0: half
  EXPECT_NEAR(learning_rate(o, 35, 10), 0.1 * (1 + std::cos(M_PI * 25 / 30)) / 2, 1e-12);  // 0.00670
  TrainOptions flat = o;
  flat.cosine = false;
  EXPECT_DOUBLE_EQ(learning_rate(flat, 35, 10), 0.1);
}

// Epochs 1-2 then 3-5 from the checkpoint equal one run of 5 epochs, bit for bit: the momentum
// buffers, the schedule's step and each epoch's data order all carry over. The 2-epoch run's own
// schedule spans 5 epochs (schedule_epochs), so its learning rates are those of the long run.
TEST(Trainer, ContinuingFromACheckpointEqualsOneLongRun) {
  const Bands ds;
  const TrainOptions full{.epochs = 5, .batch_size = 32, .lr = 0.1, .warmup_epochs = 1, .seed = 4, .threads = 1};
  TrainOptions first = full;
  first.epochs = 2;
  first.schedule_epochs = 5;
  const TrainResult straight = train(band_net(), ds, full);
  const TrainResult part = train(band_net(), ds, first);
  EXPECT_EQ(part.log[1].lr, straight.log[1].lr);
  const TrainResult continued = train(band_net(), ds, full, {}, &part);
  ASSERT_EQ(continued.log.size(), 5u);
  EXPECT_EQ(continued.last_weights, straight.last_weights);
  EXPECT_EQ(continued.weights, straight.weights);
  EXPECT_EQ(continued.best_epoch, straight.best_epoch);
  EXPECT_EQ(continued.log[4].train_loss, straight.log[4].train_loss);
  EXPECT_EQ(continued.log[0].train_loss, part.log[0].train_loss);  // the first run's rows are kept
  // Without the optimizer state (momentum restarted) the result differs: the state matters.
  TrainResult no_momentum = part;
  TrainOptions fresh = first;
  fresh.epochs = 1;
  no_momentum.optimizer_state = train(band_net(), ds, fresh).optimizer_state;
  EXPECT_NE(train(band_net(), ds, full, {}, &no_momentum).last_weights, straight.last_weights);
  // A checkpoint of more epochs than asked for is an error.
  EXPECT_THROW(train(band_net(), ds, first, {}, &straight), Error);
}

// logits (2, 0, 0), label 0, smoothing 0.3: log-softmax is 2 - L and -L with L = ln(e^2 + 2) =
// 2.2395448; loss = 0.7 * 0.2395448 + 0.3 * (0.2395448 + 2 * 2.2395448) / 3 = 0.6395448.
TEST(Trainer, LabelSmoothingLossByHandAndAsPyTorchDefinesIt) {
  const torch::Tensor logits = torch::tensor({2.0f, 0.0f, 0.0f}).reshape({1, 3});
  const torch::Tensor y = torch::tensor({int64_t{0}});
  EXPECT_NEAR(smoothed_cross_entropy(logits, y, 0.3).item<double>(), 0.6395448, 1e-6);
  EXPECT_NEAR(smoothed_cross_entropy(logits, y, 0.0).item<double>(), 0.2395448, 1e-6);
  torch::manual_seed(3);
  const torch::Tensor many = torch::randn({8, 5});
  const torch::Tensor labels = torch::randint(0, 5, {8}, torch::kInt64);
  namespace F = torch::nn::functional;
  EXPECT_NEAR(smoothed_cross_entropy(many, labels, 0.1).item<double>(),
              F::cross_entropy(many, labels, F::CrossEntropyFuncOptions().label_smoothing(0.1)).item<double>(), 1e-6);
}

// A learning rate of 1e-12 leaves the weights (no BatchNorm: no running stats) as they were, so the
// validation accuracy never improves on epoch 1 and patience 2 stops after epoch 3.
TEST(Trainer, EarlyStoppingStopsAfterPatienceEpochsWithoutImprovement) {
  const Bands ds;
  const TrainResult r = train(band_net(false), ds, {.epochs = 10, .lr = 1e-12, .patience = 2, .seed = 2});
  EXPECT_EQ(r.log.size(), 3u);
  EXPECT_TRUE(r.stopped_early);
  EXPECT_EQ(r.best_epoch, 1);
}

TEST(Trainer, HeldOutTenPercentWhenThereIsNoValidationSplit) {
  class NoVal : public Bands {
   public:
    int64_t size(data::Split s) const override { return s == data::Split::validation ? 0 : Bands::size(s); }
  } ds;
  const TrainResult r = train(band_net(), ds, {.epochs = 1, .seed = 1});
  EXPECT_EQ(r.val_examples, 24);
  EXPECT_EQ(r.train_examples, 216);
  EXPECT_EQ(r.validation_from, "10% of train held out");
}

TEST(Trainer, MaxExamplesTakesASubsetOfEachSplit) {
  const Bands ds;
  const TrainResult r = train(band_net(), ds, {.epochs = 1, .seed = 1, .max_examples = 30});
  EXPECT_EQ(r.train_examples, 30);
  EXPECT_EQ(r.val_examples, 30);
  EXPECT_EQ(r.test.examples(), 30);
}

TEST(Trainer, GraphThatDoesNotFitTheDatasetIsAnError) {
  const Bands ds;
  ir::GraphBuilder b("wrong_classes");
  const ir::Graph g = b.finish({b.fc(b.input({1, 6, 6, 1}), 4)});
  EXPECT_THROW(train(g, ds, {.epochs = 1}), Error);
  ir::GraphBuilder c("wrong_input");
  const ir::Graph h = c.finish({c.fc(c.input({1, 5, 6, 1}), 3)});
  EXPECT_THROW(train(h, ds, {.epochs = 1}), Error);
  EXPECT_THROW(train(band_net(), ds, {.epochs = 0}), Error);
}

// The trained weights, BatchNorm folded by xnnpack, predict what libtorch's eval mode predicts.
TEST(Trainer, ExportedWeightsOnXnnpackPredictAsTorchEvalMode) {
  const Bands ds;
  const ir::Graph g = band_net();
  const TrainResult r = train(g, ds, {.epochs = 2, .batch_size = 16, .lr = 0.1, .seed = 3});
  const data::Accuracy torch_acc = evaluate(g, r.weights, ds, data::Split::test);
  EXPECT_DOUBLE_EQ(torch_acc.top1(), r.test.top1());
  auto model = runtime::make_backend("xnnpack")->prepare(g, r.weights, {.threads = 1});
  std::vector<int> labels, predicted;
  for (int64_t i = 0; i < ds.size(data::Split::test); ++i) {
    const int64_t idx[] = {i};
    const data::Batch b = ds.batch(data::Split::test, idx);
    std::copy(b.x.begin(), b.x.end(), model->input(0).begin());
    model->invoke();
    const auto out = model->output(0);
    predicted.push_back(static_cast<int>(std::max_element(out.begin(), out.end()) - out.begin()));
    labels.push_back(b.y[0]);
  }
  const data::Accuracy xnn = data::tally(labels, predicted, {"0", "1", "2"});
  EXPECT_EQ(xnn.confusion, torch_acc.confusion);
}

}  // namespace
}  // namespace hwnas::train
