// Writes the seed inputs of the fuzz targets whose files hwnas itself writes, with the same
// writers the CLI uses (so the seeds are exactly what users hold), into <out>/<target>/:
//   graph_json      small built-in models and an NB201 cell, as `hwnas model export-json`
//   npy             tensors of rank 1-4, as `hwnas run` writes outputs, and a version-2 header
//   predictor_file  a kernel predictor and a lut predictor, as `hwnas predictor build`
//   few_shot        a version-1 model and a version-2 one with a small XGBoost residual
// Used by bench/run_fuzz.sh:  write_seeds build-fuzz/fuzz/seeds
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include "hwnas/core/files.h"
#include "hwnas/core/rng.h"
#include "hwnas/cost/few_shot_prior.h"
#include "hwnas/cost/kernel_features.h"
#include "hwnas/cost/predictor_file.h"
#include "hwnas/ir/serialize.h"
#include "hwnas/learn/boosted_residual.h"
#include "hwnas/models/registry.h"
#include "hwnas/runtime/npy.h"
#include "hwnas/space/search_space.h"

namespace fs = std::filesystem;
using namespace hwnas;

namespace {

void graphs(const fs::path& dir) {
  for (const char* name : {"dscnn-s", "dscnn-mlperf"})
    ir::save_graph(models::builtin_model(name), dir / (std::string(name) + ".json"));
  const auto nb201 = space::make_space("nb201");
  const space::Arch a =
      nb201->parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|skip_connect~2|");
  ir::save_graph(nb201->decode(a), dir / "nb201-cell.json");
}

void npys(const fs::path& dir) {
  const ir::Shape shapes[] = {{5}, {2, 3}, {1, 2, 2, 3}};
  for (const ir::Shape& s : shapes) {
    runtime::Tensor t(s);
    for (size_t k = 0; k < t.data.size(); ++k) t.data[k] = 0.5f * static_cast<float>(k);
    runtime::write_npy(dir / ("rank" + std::to_string(s.rank()) + ".npy"), t);
  }
  // numpy writes format 2.0 (a 4-byte header length) for headers over 65535 bytes.
  std::string v1 = read_file(dir / "rank2.npy");
  std::string v2 = v1.substr(0, 6) + std::string("\x02\x00", 2);
  const uint32_t len = static_cast<uint8_t>(v1[8]) | (static_cast<uint8_t>(v1[9]) << 8);
  v2.append(reinterpret_cast<const char*>(&len), 4);
  v2 += v1.substr(10);
  write_file_atomic(dir / "rank2-v2.npy", v2);
}

void predictors(const fs::path& dir) {
  cost::PredictorFile p;
  p.kind = "kernel";
  p.hwnas_version = "0.1.0";
  p.created = "2026-11-24T10:30:00Z";
  p.fusion.add(ir::OpKind::Conv2D, ir::OpKind::Relu);
  p.fusion_tests.push_back({"conv2d", "relu", 0.1, 0.02, 0.101, true});
  p.features = cost::kernel_feature_names();
  p.scale = 1.02;
  p.offset_ms = 0.003;
  p.weight_ms_per_mib = 0.05;
  p.weight_cache_mib = 8;
  cost::GroupModel g;
  g.base = {1e-6, 2e-7, 0.001};
  g.trees = {std::string("\x01\x02\x00ubj", 6)};
  g.train_size = 12;
  p.groups["conv"] = g;
  p.training = {{"spaces", {"nb201"}}};
  cost::save_predictor(p, dir / "kernel.json");
  p.kind = "lut";
  p.groups.clear();
  p.lut["conv2d k3 s1 c16->16 8x8"] = 0.12;
  cost::save_predictor(p, dir / "lut.json");
}

void few_shots(const fs::path& dir) {
  const auto nb201 = space::make_space("nb201");
  cost::ArchFeatures f(*nb201);
  cost::FewShotModel m;
  m.space = "nb201";
  m.features = f.names();
  m.weights.assign(m.features.size(), 0.01);
  m.mean_ms = 12.5;
  m.candidates.push_back({"blend", 0.01, 0.002, 0.5});
  m.provenance = {{"prior", "nb201_latency.csv"}};
  cost::save_few_shot(m, dir / "v1.json");
  // A residual over [features | linear prediction], fitted on synthetic rows: enough for
  // XGBoost's real model format to be in the seed, small enough to keep the seed short.
  Rng rng(1);
  std::vector<std::vector<float>> x;
  std::vector<double> y;
  for (int r = 0; r < 120; ++r) {
    std::vector<float> row(m.features.size() + 1);
    for (float& v : row) v = static_cast<float>(rng.uniform());
    y.push_back(row[0] > 0.5f ? 0.2 : -0.2);
    x.push_back(std::move(row));
  }
  learn::ResidualOptions o;
  o.depths = {2};
  o.learning_rates = {0.3};
  o.max_rounds = o.round_step = 5;
  m.residual = learn::BoostedResidual::fit(x, y, o, m.residual_cv);
  if (!m.residual) std::fprintf(stderr, "write_seeds: the synthetic residual was not kept; few_shot has no v2 seed\n");
  else cost::save_few_shot(m, dir / "v2-residual.json");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: write_seeds <seeds dir>\n");
    return 2;
  }
  const fs::path out = argv[1];
  for (const char* t : {"graph_json", "npy", "predictor_file", "few_shot"}) fs::create_directories(out / t);
  graphs(out / "graph_json");
  npys(out / "npy");
  predictors(out / "predictor_file");
  few_shots(out / "few_shot");
  return 0;
}
