#include "hwnas/exp/yaml_source.h"

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "testing.h"

namespace hwnas::exp {
namespace {

TEST(YamlSource, OverridesAreTypedByYamlAndCreateMissingMaps) {
  const auto src =
      YamlSource::parse("budget: {trials: 300}\nstrategy: {name: auto}\n", "e.yaml",
                        {"budget.trials=50", "strategy.name=evolution", "strategy.seed=7", "extra.a.b=[1, 2]"});
  EXPECT_EQ(src.get_int(src.root()["budget"]["trials"], "budget.trials"), 50);
  EXPECT_EQ(src.get_string(src.root()["strategy"]["name"], "strategy.name"), "evolution");
  EXPECT_EQ(src.get_int(src.root()["strategy"]["seed"], "strategy.seed"), 7);
  EXPECT_TRUE(src.root()["extra"]["a"]["b"].IsSequence());
  EXPECT_TRUE(src.overridden("strategy.seed"));
  EXPECT_TRUE(src.overridden("extra.a.b"));
  EXPECT_FALSE(src.overridden("budget"));  // only budget.trials was set
}

TEST(YamlSource, OverrideIndexesLists) {
  const auto src = YamlSource::parse("constraints: [{metric: l, max: 20}]\n", "e.yaml", {"constraints.0.max=25"});
  EXPECT_EQ(src.get_double(src.root()["constraints"][0]["max"], "constraints.0.max"), 25.0);
  EXPECT_HWNAS_ERROR(YamlSource::parse("constraints: [{metric: l}]\n", "e.yaml", {"constraints.3.max=1"}),
                     "--set constraints.3.max=1: constraints is a list of 1 items");
  EXPECT_HWNAS_ERROR(YamlSource::parse("a: 1\n", "e.yaml", {"nonsense"}), "expected key=value");
  EXPECT_HWNAS_ERROR(YamlSource::parse("a: 1\n", "e.yaml", {"a.b=2"}), "a is '1', not a map");
}

TEST(YamlSource, ErrorsNameFileLineAndKeyPath) {
  const auto src = YamlSource::parse("name: x\nbudget:\n  trials: many\n", "e.yaml", {});
  // "many" is on line 3 of the text.
  EXPECT_HWNAS_ERROR(src.get_int(src.root()["budget"]["trials"], "budget.trials"),
                     "e.yaml:3: budget.trials: expected a whole number, got 'many'");
  const auto set = YamlSource::parse("budget: {trials: 3}\n", "e.yaml", {"budget.trials=2.5"});
  EXPECT_HWNAS_ERROR(set.get_int(set.root()["budget"]["trials"], "budget.trials"),
                     "--set budget.trials: expected a whole number, got '2.5'");
  EXPECT_HWNAS_ERROR(src.get_double(src.root()["name"], "name"), "expected a number, got 'x'");
  EXPECT_HWNAS_ERROR(src.get_string(src.root()["budget"], "budget"),
                     "e.yaml:3: budget: expected a text value, got a map");
}

TEST(YamlSource, UnknownKeysSuggestTheClosest) {
  const auto src = YamlSource::parse("name: x\nbugdet: {trials: 3}\n", "e.yaml", {});
  EXPECT_HWNAS_ERROR(src.check_keys(src.root(), "", {"name", "budget", "space"}),
                     "e.yaml:2: bugdet: unknown key (did you mean 'budget'?)");
  EXPECT_EQ(closest_match("stratgey", {"strategy", "space"}), "strategy");
  EXPECT_EQ(closest_match("zzzzzz", {"strategy", "space"}), "");
}

// Found by fuzz/experiment_yaml_fuzzer.cc and device_yaml_fuzzer.cc: a list or map as a key
// escaped as yaml-cpp's TypedBadConversion instead of an Error.
TEST(YamlSource, KeysThatAreListsOrMapsAreErrors) {
  const auto src = YamlSource::parse("name: x\n? [a, b]\n: 1\n", "e.yaml", {});
  EXPECT_HWNAS_ERROR(src.check_keys(src.root(), "", {"name"}),
                     "e.yaml:2: (top level): a key is a list; keys are names");
  const auto map_key = YamlSource::parse("? {a: 1}\n: 2\n", "e.yaml", {});
  EXPECT_HWNAS_ERROR(map_key.check_keys(map_key.root(), "", {"name"}), "a key is a map");
}

TEST(YamlSource, InvalidYamlAndNonMapDocumentsAreErrors) {
  EXPECT_HWNAS_ERROR(YamlSource::parse("a: [1, 2\n", "e.yaml", {}), "e.yaml:");
  EXPECT_HWNAS_ERROR(YamlSource::parse("- a\n- b\n", "e.yaml", {}), "expected a map of settings");
  EXPECT_HWNAS_ERROR(YamlSource::load("/nonexistent/e.yaml"), "/nonexistent/e.yaml: no such file");
}

TEST(YamlSource, PathsWrittenInTheFileAreRelativeToItAndSetPathsToTheCurrentDir) {
  const auto src = YamlSource::parse("t: a.csv\n", "/data/exp/e.yaml", {"u=b.csv"});
  EXPECT_EQ(src.resolve_path("a.csv", "t"), std::filesystem::path("/data/exp/a.csv"));
  EXPECT_EQ(src.resolve_path("b.csv", "u"), std::filesystem::current_path() / "b.csv");
  EXPECT_EQ(src.resolve_path("/abs/c.csv", "t"), std::filesystem::path("/abs/c.csv"));
}

}  // namespace
}  // namespace hwnas::exp
