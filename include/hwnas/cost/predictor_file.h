#pragma once
// The file a measured latency predictor lives in: versioned, self-describing JSON that says
// what was measured (device, backend, threads, dtype, date, hwnas version), which ops the
// backend fuses (with the pairwise timings that decided it), the kernel features, and per
// kernel group either an XGBoost forest (kind "kernel", cost/kernel_model.h) or per kernel
// signature a measured time (kind "lut", cost/lut_model.h), with training-set sizes and
// validation errors. load_predictor() checks format and version and names what is wrong.
//
//   cost::PredictorFile p = cost::load_predictor("host-xnnpack.json");
//   p.kind;                      // "kernel"
//   p.groups.at("conv").trees;   // XGBoost model buffers (base64 ubj in the file)
//   cost::save_predictor(p, "copy.json");
//
// Layout (version 1):
//   {"format": "hwnas-latency-predictor", "version": 1, "kind": "kernel" | "lut",
//    "device": "host", "backend": "xnnpack", "threads": 1, "dtype": "f32",
//    "hwnas_version": "0.1.0", "created": "2026-11-24T10:30:00Z",
//    "fusion": {"pairs": [["conv2d", "relu"], ...], "tests": [{"producer", "consumer",
//               "producer_ms", "consumer_ms", "pair_ms", "fused"}, ...]},
//    "features": ["in_h", ...],
//    "whole_model": {"scale": 1.02, "kernel_overhead_ms": 0.002, "offset_ms": 0.01,
//                    "weight_ms_per_mib": 0.05, "weight_cache_mib": 8},   (optional: 0 when absent)
//    "groups": {"conv": {"base": [ms per MAC, ms per byte, ms], "trees": ["<base64>", ...],
//                        "train_size": 812, "validation": {"samples": 160, "rel_rmse": 0.04,
//                        "within_10": 0.97}}, ...},
//    "lut": {"<kernel key>": ms, ...},
//    "training": {...free-form: spaces, rounds, budget, timing protocol...}}
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hwnas/ir/kernels.h"
#include "hwnas/ir/shape.h"

namespace hwnas::cost {

inline constexpr const char* kPredictorFormat = "hwnas-latency-predictor";
inline constexpr int kPredictorVersion = 1;

// One pairwise fusion test (cost/fusion_detect.h).
struct FusionTest {
  std::string producer, consumer;  // op names
  double producer_ms = 0, consumer_ms = 0, pair_ms = 0;
  bool fused = false;
};

// The model of one kernel group: ms = base(x) * exp(forest(x)), where base is a non-negative
// linear fit in MACs and bytes (it extrapolates) and the forest learns the log-ratio to it.
struct GroupModel {
  std::vector<double> base = {0, 0, 0};  // ms per MAC, ms per byte (in + out + weights), ms
  std::vector<std::string> trees;        // XGBoost ubj buffers, one per tree (raw bytes)
  int train_size = 0;
  int validation_samples = 0;
  double validation_rel_rmse = 0;
  double validation_within_10 = 0;  // share of held-out kernels predicted within +-10%
};

struct PredictorFile {
  std::string kind = "kernel";  // kernel | lut
  std::string device = "host", backend = "xnnpack";
  int threads = 1;
  ir::DType dtype = ir::DType::f32;
  std::string hwnas_version, created;
  ir::FusionRules fusion = ir::FusionRules::batchnorm_only();
  std::vector<FusionTest> fusion_tests;
  std::vector<std::string> features;
  // Whole model = scale x sum of kernels - kernel_overhead_ms x kernels + offset_ms
  //               + weight_ms_per_mib x max(0, MiB of weights - weight_cache_mib):
  // a kernel timed alone pays the runtime's per-invoke overhead, which a whole model pays once,
  // and finds its weights in cache from the run before. In a model whose weights exceed what
  // the caches keep between inferences, every inference streams the excess from DRAM.
  double scale = 1, kernel_overhead_ms = 0, offset_ms = 0, weight_ms_per_mib = 0, weight_cache_mib = 0;
  std::map<std::string, GroupModel> groups;  // kind kernel
  std::map<std::string, double> lut;         // kind lut: kernel key -> ms
  nlohmann::json training = nlohmann::json::object();
};

nlohmann::json to_json(const PredictorFile& p);
// `file` names the source in errors ("host.json: groups.conv.trees[3]: not base64").
PredictorFile predictor_from_json(const nlohmann::json& j, const std::string& file);
PredictorFile load_predictor(const std::filesystem::path& path);
void save_predictor(const PredictorFile& p, const std::filesystem::path& path);  // atomic write

// Now as "2026-11-24T10:30:00Z".
std::string utc_timestamp();

std::string base64_encode(const std::string& bytes);
std::string base64_decode(const std::string& text, const std::string& where);  // throws on bad input

}  // namespace hwnas::cost
