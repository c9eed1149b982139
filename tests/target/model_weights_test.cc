#include "hwnas/target/model_weights.h"

#include <gtest/gtest.h>

#include "hwnas/core/files.h"
#include "hwnas/ir/builder.h"
#include "hwnas/ir/serialize.h"
#include "hwnas/target/resolver.h"
#include "testing.h"

namespace hwnas::target {
namespace {
namespace fs = std::filesystem;

ir::Graph tiny(int classes) {
  ir::GraphBuilder b("tiny");
  int x = b.input({1, 4, 4, 3});
  x = b.relu(b.batch_norm(b.conv(x, 8, 3)));
  ir::Graph g = b.finish({b.fc(b.global_avg_pool(x), classes)});
  return g;
}

// A trained model directory as `hwnas train --out` writes it (the part the resolver reads).
fs::path write_dir(const fs::path& dir, const ir::Graph& g, const runtime::Weights& w) {
  fs::create_directories(dir);
  ir::save_graph(g, dir / "model.json");
  runtime::save_weights(dir / "weights.hwnasw", g, w);
  return dir;
}

TEST(ModelWeights, ATrainedDirectoryResolvesToItsGraphAndWeights) {
  const ir::Graph g = tiny(10);
  const runtime::Weights w = runtime::init_weights(g, {.seed = 11, .random_bn_stats = true});
  const fs::path dir = write_dir(testing::temp_dir() / "run", g, w);
  const ir::Graph back = resolve_model(dir.string());
  EXPECT_EQ(ir::to_json(back), ir::to_json(g));
  ASSERT_TRUE(is_model_dir(dir.string()));
  const std::optional<runtime::Weights> own = model_weights(dir.string(), back);
  ASSERT_TRUE(own.has_value());
  EXPECT_EQ(*own, w);  // the saved tensors, not a fresh initialisation
  EXPECT_NE(*own, runtime::init_weights(g, {.seed = 0}));
  EXPECT_EQ(weights_source(dir.string(), true, 0), "trained weights " + (dir / "weights.hwnasw").string());
}

TEST(ModelWeights, ReferencesWithoutTheirOwnWeightsHaveNone) {
  const fs::path dir = testing::temp_dir();
  const ir::Graph g = resolve_model("dscnn-mlperf");
  EXPECT_FALSE(model_weights("dscnn-mlperf", g).has_value());
  ir::save_graph(g, dir / "g.json");
  EXPECT_FALSE(model_weights((dir / "g.json").string(), g).has_value());
  // A directory with a graph and no weight file is a graph, still without weights.
  fs::create_directories(dir / "graph_only");
  ir::save_graph(g, dir / "graph_only" / "model.json");
  EXPECT_EQ(resolve_model((dir / "graph_only").string()).size(), g.size());
  EXPECT_FALSE(model_weights((dir / "graph_only").string(), g).has_value());
  EXPECT_EQ(weights_source("dscnn-mlperf", false, 4), "untrained: random initialisation from seed 4");
}

TEST(ModelWeights, ABuiltInNameStaysBuiltInBesideAFolderOfThatName) {
  const fs::path dir = testing::temp_dir();
  const ir::Graph g = tiny(10);
  write_dir(dir / "dscnn-mlperf", g, runtime::init_weights(g));
  const fs::path cwd = fs::current_path();
  fs::current_path(dir);
  const ir::Graph builtin = resolve_model("dscnn-mlperf");
  const ir::Graph folder = resolve_model("./dscnn-mlperf");
  const bool builtin_has_weights = model_weights("dscnn-mlperf", builtin).has_value();
  fs::current_path(cwd);
  EXPECT_EQ(builtin.name(), "dscnn-mlperf");
  EXPECT_FALSE(builtin_has_weights);
  EXPECT_EQ(folder.name(), "tiny");
}

TEST(ModelWeights, BadDirectoriesNameTheFileAndTheProblem) {
  const fs::path dir = testing::temp_dir();
  fs::create_directories(dir / "empty");
  EXPECT_HWNAS_ERROR(resolve_model((dir / "empty").string()),
                     (dir / "empty").string() + ": a directory given as a model must hold model.json");
  // Weights of another graph (5 classes) beside a 10-class graph: the file and the node.
  const ir::Graph g10 = tiny(10), g5 = tiny(5);
  const fs::path mixed = write_dir(dir / "mixed", g10, runtime::init_weights(g10));
  runtime::save_weights(mixed / "weights.hwnasw", g5, runtime::init_weights(g5));
  EXPECT_HWNAS_ERROR(model_weights(mixed.string(), g10), (mixed / "weights.hwnasw").string());
  EXPECT_HWNAS_ERROR(model_weights(mixed.string(), g10), "'kernel' tensor has shape [5,8], expected [10,8]");
  // A damaged weight file.
  write_file_atomic(mixed / "weights.hwnasw", "not weights");
  EXPECT_HWNAS_ERROR(model_weights(mixed.string(), g10), "weights.hwnasw: not an hwnas weight file");
  // A directory has fixed shapes, as a graph file does.
  EXPECT_HWNAS_ERROR(resolve_model(mixed.string(), {.classes = 3}), "resolution and classes cannot be overridden");
}

}  // namespace
}  // namespace hwnas::target
