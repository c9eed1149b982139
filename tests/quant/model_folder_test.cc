#include "hwnas/quant/model_folder.h"

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/models/registry.h"
#include "hwnas/quant/calibration.h"
#include "hwnas/quant/run_int8.h"
#include "hwnas/runtime/weights.h"
#include "quant_testing.h"
#include "testing.h"

namespace hwnas::quant {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

QuantizedModel small_model() {
  const ir::Graph g = models::builtin_model("efficientnet-b0", {.resolution = 32, .classes = 5});
  const auto p = runtime::inference_params(g, runtime::init_weights(g, {.seed = 3, .random_bn_stats = true}), true);
  return quantize_model(g, p, calibrate(g, p, testing::random_samples(g, 2, 1)));
}

TEST(ModelFolder, RoundTripIsExactAndRunsTheSame) {
  // efficientnet has every kind of record: weights, biases, fused clamps, add, mul, tables.
  const QuantizedModel m = small_model();
  const fs::path dir = hwnas::testing::temp_dir();
  save_quantized_model(dir / "q", m);
  const QuantizedModel back = load_quantized_model(dir / "q");
  EXPECT_TRUE(back == m);
  const auto in = quantize_inputs(m, testing::random_samples(m.graph, 1, 9)[0]);
  EXPECT_EQ(run_int8(back, in), run_int8(m, in));
}

// Saves the model, edits quant.json with `edit`, and returns the load error's text.
template <typename F>
std::string load_error_after(F edit) {
  const fs::path q = hwnas::testing::temp_dir() / "q";
  save_quantized_model(q, small_model());
  nlohmann::json j = nlohmann::json::parse(read_file(q / "quant.json"));
  edit(j);
  write_file_atomic(q / "quant.json", j.dump());
  try {
    load_quantized_model(q);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(ModelFolder, CorruptQuantJsonNamesFileNodeAndField) {
  // Node 1 is the stem conv: one multiplier fewer than its channels.
  std::string e = load_error_after([](nlohmann::json& j) { j["nodes"][1]["multipliers"].erase(0); });
  EXPECT_THAT(e, HasSubstr("quant.json: nodes[1] '"));
  EXPECT_THAT(e, HasSubstr("multipliers: expected"));
  e = load_error_after([](nlohmann::json& j) { j["nodes"][0]["zero_point"] = 300; });
  EXPECT_THAT(e, HasSubstr("nodes[0] 'input': zero_point: must be in [-128, 127]"));
  e = load_error_after([](nlohmann::json& j) { j["nodes"][1]["weights"]["offset"] = 1 << 30; });
  EXPECT_THAT(e, HasSubstr("weights: bytes"));
  EXPECT_THAT(e, HasSubstr("outside weights_int8.bin"));
  e = load_error_after([](nlohmann::json& j) { j["nodes"][0].erase("scale"); });
  EXPECT_THAT(e, HasSubstr("nodes[0] 'input': scale: missing"));
  e = load_error_after([](nlohmann::json& j) { j["data_bytes"] = 7; });
  EXPECT_THAT(e, HasSubstr("quant.json: data_bytes: says 7 bytes"));
}

TEST(ModelFolder, MissingFolderSaysWhatItWants) {
  const fs::path dir = hwnas::testing::temp_dir();
  EXPECT_THAT([&] { load_quantized_model(dir); },
              ::testing::ThrowsMessage<Error>(HasSubstr("is not a quantized model folder")));
}

}  // namespace
}  // namespace hwnas::quant
