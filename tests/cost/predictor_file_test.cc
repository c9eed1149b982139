#include "hwnas/cost/predictor_file.h"

#include <gtest/gtest.h>

#include "hwnas/core/files.h"
#include "hwnas/core/version.h"
#include "hwnas/cost/kernel_features.h"
#include "testing.h"

namespace hwnas::cost {
namespace {

TEST(PredictorFile, Base64MatchesRfc4648Vectors) {
  // RFC 4648 section 10.
  const std::pair<std::string, std::string> v[] = {{"", ""},
                                                   {"f", "Zg=="},
                                                   {"fo", "Zm8="},
                                                   {"foo", "Zm9v"},
                                                   {"foob", "Zm9vYg=="},
                                                   {"fooba", "Zm9vYmE="},
                                                   {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : v) {
    EXPECT_EQ(base64_encode(plain), encoded);
    EXPECT_EQ(base64_decode(encoded, "t"), plain);
  }
  const std::string bytes("\x00\xff\x10\x80", 4);
  EXPECT_EQ(base64_decode(base64_encode(bytes), "t"), bytes);
  EXPECT_HWNAS_ERROR(base64_decode("Zm9", "trees[0]"), "trees[0]: not base64: length 3");
  EXPECT_HWNAS_ERROR(base64_decode("Zm9*", "t"), "character 3 ('*')");
  EXPECT_HWNAS_ERROR(base64_decode("Z=9v", "t"), "character 1");
}

PredictorFile sample() {
  PredictorFile p;
  p.kind = "kernel";
  p.hwnas_version = std::string(hwnas::version());
  p.created = "2026-11-24T10:30:00Z";
  p.fusion.add(ir::OpKind::Conv2D, ir::OpKind::Relu);
  p.fusion_tests.push_back({"conv2d", "relu", 0.1, 0.02, 0.101, true});
  p.features = kernel_feature_names();
  p.scale = 1.02;
  p.offset_ms = 0.003;
  GroupModel g;
  g.base = {1e-6, 2e-7, 0.001};
  g.trees = {std::string("\x01\x02\x00ubj", 6), "second"};
  g.train_size = 12;
  g.validation_samples = 3;
  g.validation_rel_rmse = 0.05;
  g.validation_within_10 = 2.0 / 3;
  p.groups["conv"] = g;
  p.training = {{"spaces", {"nb201"}}};
  return p;
}

TEST(PredictorFile, RoundTripKeepsEverything) {
  const auto dir = testing::temp_dir();
  const PredictorFile p = sample();
  save_predictor(p, dir / "p.json");
  const PredictorFile q = load_predictor(dir / "p.json");
  EXPECT_EQ(to_json(q), to_json(p));
  EXPECT_EQ(q.groups.at("conv").trees, p.groups.at("conv").trees);
  EXPECT_TRUE(q.fusion.fuses(ir::OpKind::Conv2D, ir::OpKind::Relu));
  EXPECT_EQ(q.fusion_tests.size(), 1u);
  EXPECT_EQ(q.scale, 1.02);
  const auto j = to_json(p);
  EXPECT_EQ(j["format"], "hwnas-latency-predictor");
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["dtype"], "f32");
}

TEST(PredictorFile, ErrorsNameTheFileAndKey) {
  auto with = [](const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json j = to_json(sample());
    edit(j);
    return j;
  };
  EXPECT_HWNAS_ERROR(predictor_from_json(with([](auto& j) { j["format"] = "onnx"; }), "p.json"),
                     "p.json: format: 'onnx' is not a latency predictor");
  EXPECT_HWNAS_ERROR(predictor_from_json(with([](auto& j) { j["version"] = 7; }), "p.json"),
                     "p.json: version: version 7 is not supported");
  EXPECT_HWNAS_ERROR(predictor_from_json(with([](auto& j) { j.erase("device"); }), "p.json"),
                     "p.json: device: missing");
  EXPECT_HWNAS_ERROR(predictor_from_json(with([](auto& j) { j["threads"] = "one"; }), "p.json"),
                     "p.json: threads: expected an integer");
  EXPECT_HWNAS_ERROR(predictor_from_json(with([](auto& j) { j["fusion"]["pairs"][0][1] = "relu7"; }), "p.json"),
                     "p.json: fusion.pairs[0]: unknown op 'relu7'");
  EXPECT_HWNAS_ERROR(predictor_from_json(with([](auto& j) { j["groups"]["conv"]["trees"][1] = "!!"; }), "p.json"),
                     "p.json: groups.conv.trees[1]: not base64");
  EXPECT_HWNAS_ERROR(predictor_from_json(with([](auto& j) { j["groups"]["gemm"] = j["groups"]["conv"]; }), "p.json"),
                     "groups.gemm: unknown kernel group");
  EXPECT_HWNAS_ERROR(predictor_from_json(with([](auto& j) { j["features"][0] = "height"; }), "p.json"),
                     "differ from this hwnas's kernel features");
  EXPECT_HWNAS_ERROR(predictor_from_json(with([](auto& j) { j["kind"] = "lut"; }), "p.json"),
                     "a lut predictor needs at least one entry");
  EXPECT_HWNAS_ERROR(predictor_from_json(with([](auto& j) { j["dtype"] = "f64"; }), "p.json"), "unknown dtype 'f64'");
  const auto dir = testing::temp_dir();
  write_file_atomic(dir / "x.json", "{not json");
  EXPECT_HWNAS_ERROR(load_predictor(dir / "x.json"), "not JSON");
  EXPECT_HWNAS_ERROR(load_predictor(dir / "missing.json"), "missing.json");
}

// Found by fuzz/predictor_file_fuzzer.cc: an integer key holding 1e300 reached nlohmann's
// get<int>(), a float-to-int cast out of range (UBSan: undefined behaviour).
TEST(PredictorFile, IntegersOutOfRangeAreErrors) {
  nlohmann::json j = to_json(sample());
  j["threads"] = 1e300;
  EXPECT_HWNAS_ERROR(predictor_from_json(j, "p.json"), "p.json: threads: expected an integer, got 1e+300");
  j["threads"] = 4294967296LL;
  EXPECT_HWNAS_ERROR(predictor_from_json(j, "p.json"), "threads: expected an integer, got 4294967296");
  j["threads"] = 2.5;
  EXPECT_HWNAS_ERROR(predictor_from_json(j, "p.json"), "threads: expected an integer, got 2.5");
  j["threads"] = 4.0;  // a whole number written as a float still reads
  EXPECT_EQ(predictor_from_json(j, "p.json").threads, 4);
  j = to_json(sample());
  j["groups"]["conv"]["train_size"] = -1e19;
  EXPECT_HWNAS_ERROR(predictor_from_json(j, "p.json"), "groups.conv.train_size: expected an integer");
}

TEST(PredictorFile, TimestampIsIsoUtc) {
  const std::string t = utc_timestamp();
  ASSERT_EQ(t.size(), 20u);
  EXPECT_EQ(t[10], 'T');
  EXPECT_EQ(t.back(), 'Z');
}

}  // namespace
}  // namespace hwnas::cost
