#include "hwnas/eval/accuracy.h"

#include <cmath>

#include <gtest/gtest.h>

#include "hwnas/core/files.h"
#include "hwnas/data/cifar10.h"
#include "hwnas/ir/builder.h"
#include "testing.h"

namespace hwnas::eval {
namespace {
namespace fs = std::filesystem;

// A CIFAR-10 record of one colour: red r, green and blue 0.
std::string record(int label, int r) {
  std::string s(1, static_cast<char>(label));
  s += std::string(1024, static_cast<char>(r)) + std::string(2048, '\0');
  return s;
}

// Red level that the graph below predicts as class k: the nearest k to 9 * red / 255.
int red_for(int k) { return static_cast<int>(std::lround(255.0 * k / 9)); }

// global average pool -> FC(classes) with score_k = (2k/9) * red - k^2/81 = -(red - k/9)^2 + red^2:
// the class whose k/9 is nearest the mean red value of [0, 1] pixels wins.
std::pair<ir::Graph, runtime::Weights> nearest_red(int classes, int size = 32) {
  ir::GraphBuilder b("nearest-red");
  const int x = b.input({1, size, size, 3});
  ir::Graph g = b.finish({b.fc(b.global_avg_pool(x), classes, true, "fc")});
  runtime::Weights w;
  runtime::Tensor kernel(ir::Shape{classes, 3}), bias(ir::Shape{classes});
  for (int k = 0; k < classes; ++k) {
    kernel.data[k * 3] = 2.0f * k / 9;
    bias.data[k] = -static_cast<float>(k * k) / 81;
  }
  w.nodes["fc"] = {{"kernel", kernel}, {"bias", bias}};
  return {g, w};
}

// (label, predicted) pairs: 8 test examples, 5 right.
const std::vector<std::pair<int, int>> kExamples = {{0, 0}, {0, 0}, {0, 3}, {1, 1}, {2, 1}, {2, 2}, {9, 9}, {5, 0}};

fs::path write_cifar(const fs::path& dir) {
  std::string test;
  for (auto [label, predicted] : kExamples) test += record(label, red_for(predicted));
  write_file_atomic(dir / "test_batch.bin", test);
  write_file_atomic(dir / "data_batch_1.bin", record(4, red_for(4)) + record(4, red_for(7)));
  return dir;
}

TEST(EvaluateAccuracy, HandMadeGraphGivesTheHandCountedFigures) {
  const auto [g, w] = nearest_red(10);
  data::Cifar10 ds(write_cifar(testing::temp_dir()), {});
  std::vector<std::pair<int64_t, int64_t>> calls;
  const data::Accuracy a = evaluate_accuracy(g, w, ds, {.read_batch = 3, .progress = [&](int64_t d, int64_t t) {
                                                          calls.push_back({d, t});
                                                        }});
  EXPECT_EQ(a.examples(), 8);
  EXPECT_EQ(a.correct(), 5);
  EXPECT_DOUBLE_EQ(a.top1(), 62.5);
  const std::vector<double> pc = a.per_class();
  EXPECT_NEAR(pc[0], 200.0 / 3, 1e-9);  // 2 of 3
  EXPECT_DOUBLE_EQ(pc[1], 100.0);
  EXPECT_DOUBLE_EQ(pc[2], 50.0);
  EXPECT_DOUBLE_EQ(pc[5], 0.0);
  EXPECT_DOUBLE_EQ(pc[9], 100.0);
  EXPECT_TRUE(std::isnan(pc[3]));  // no test example of class 3
  EXPECT_EQ(a.confusion[0][3], 1);
  EXPECT_EQ(a.confusion[2][1], 1);
  EXPECT_EQ(a.confusion[5][0], 1);
  EXPECT_EQ(a.confusion[0][0], 2);
  EXPECT_EQ(calls, (std::vector<std::pair<int64_t, int64_t>>{{3, 8}, {6, 8}, {8, 8}}));
  // The train split: one right, one (class 4 shown as 7) wrong.
  EXPECT_DOUBLE_EQ(evaluate_accuracy(g, w, ds, {.split = data::Split::train}).top1(), 50.0);
  EXPECT_EQ(describe(a, ds, {}), "measured (xnnpack f32 on 8 test examples of " + ds.reference() + ")");
  const nlohmann::json j = to_json(a);
  EXPECT_DOUBLE_EQ(j["top1"].get<double>(), 62.5);
  EXPECT_TRUE(j["per_class"]["cat"].is_null());  // class 3 is "cat"
  EXPECT_EQ(j["confusion"][5][0], 1);
}

TEST(EvaluateAccuracy, XnnpackAndTheReferenceBackendAgree) {
  const auto [g, w] = nearest_red(10);
  data::Cifar10 ds(write_cifar(testing::temp_dir()), {});
  const data::Accuracy x = evaluate_accuracy(g, w, ds, {.backend = "xnnpack", .threads = 2});
  const data::Accuracy r = evaluate_accuracy(g, w, ds, {.backend = "reference"});
  EXPECT_EQ(x.confusion, r.confusion);
  EXPECT_DOUBLE_EQ(r.top1(), 62.5);
}

TEST(EvaluateAccuracy, MaxExamplesAreEvenlySpaced) {
  EXPECT_EQ(eval_indices(8, 4), (std::vector<int64_t>{0, 2, 4, 6}));
  EXPECT_EQ(eval_indices(3, 0), (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(eval_indices(3, 10), (std::vector<int64_t>{0, 1, 2}));
  const auto [g, w] = nearest_red(10);
  data::Cifar10 ds(write_cifar(testing::temp_dir()), {});
  // Examples 0, 2, 4, 6: (0,0) right, (0,3) wrong, (2,1) wrong, (9,9) right.
  const data::Accuracy a = evaluate_accuracy(g, w, ds, {.max_examples = 4});
  EXPECT_EQ(a.examples(), 4);
  EXPECT_DOUBLE_EQ(a.top1(), 50.0);
}

TEST(EvaluateAccuracy, AGraphOfBatchTwoGivesTheSameTally) {
  ir::GraphBuilder b("nearest-red-b2");
  const int x = b.input({2, 32, 32, 3});
  ir::Graph g = b.finish({b.fc(b.global_avg_pool(x), 10, true, "fc")});
  const runtime::Weights w = nearest_red(10).second;
  data::Cifar10 ds(write_cifar(testing::temp_dir()), {});
  // 3 per read: the odd ones out run in a padded batch whose second slot is ignored.
  const data::Accuracy a = evaluate_accuracy(g, w, ds, {.read_batch = 3});
  EXPECT_EQ(a.examples(), 8);
  EXPECT_EQ(a.correct(), 5);
}

// A dataset whose labels are out of its own range: what a buggy loader would give.
class BadLabels : public data::Dataset {
 public:
  std::string kind() const override { return "fake"; }
  const std::string& path() const override { return path_; }
  const std::vector<std::string>& class_names() const override { return names_; }
  std::array<int, 3> input_shape() const override { return {32, 32, 3}; }
  int64_t size(data::Split) const override { return 2; }
  int label(data::Split, int64_t index) const override { return index == 1 ? 12 : 0; }

 protected:
  void example(data::Split, int64_t, bool, Rng&, float* out) const override { std::fill_n(out, 32 * 32 * 3, 0.0f); }

 private:
  std::string path_ = "labels";
  std::vector<std::string> names_ = std::vector<std::string>(10, "c");
};

TEST(EvaluateAccuracy, MismatchesNameTheModelAndTheDataset) {
  data::Cifar10 ds(write_cifar(testing::temp_dir()), {});
  const auto [g5, w5] = nearest_red(5);
  EXPECT_HWNAS_ERROR(evaluate_accuracy(g5, w5, ds),
                     "model 'nearest-red': has 5 outputs per example (output [1,5]) but dataset cifar10:");
  EXPECT_HWNAS_ERROR(evaluate_accuracy(g5, w5, ds), "has 10 classes");
  const auto [g28, w28] = nearest_red(10, 28);
  EXPECT_HWNAS_ERROR(evaluate_accuracy(g28, w28, ds), "takes input [1,28,28,3] but dataset cifar10:");
  const auto [g, w] = nearest_red(10);
  EXPECT_HWNAS_ERROR(evaluate_accuracy(g, w, BadLabels()),
                     "dataset fake:labels: test example 1: label 12 is out of range 0..9 of model 'nearest-red'");
  EXPECT_HWNAS_ERROR(evaluate_accuracy(g, w, ds, {.backend = "nope"}), "nope");
  data::Cifar10 no_val(write_cifar(testing::temp_dir()), {});
  EXPECT_HWNAS_ERROR(evaluate_accuracy(g, w, no_val, {.split = data::Split::validation}), "has no validation split");
}

}  // namespace
}  // namespace hwnas::eval
