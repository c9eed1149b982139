#include "hwnas/space/nb201_space.h"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/ir/stats.h"
#include "properties.h"
#include "testing.h"

namespace hwnas::space {
namespace {

// The best CIFAR-10 cell in NB201's paper.
const char* kBest = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|";

TEST(Nb201Space, DecisionsAndSize) {
  Nb201Space s;
  ASSERT_EQ(s.num_decisions(), 6);
  EXPECT_EQ(s.decisions()[0].name, "edge_1_0");
  EXPECT_EQ(s.decisions()[2].name, "edge_2_1");
  EXPECT_EQ(s.decisions()[5].name, "edge_3_2");
  EXPECT_EQ(s.decisions()[0].choices,
            (std::vector<std::string>{"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"}));
  EXPECT_EQ(s.size(), 15625);  // 5^6
}

TEST(Nb201Space, EnumerateGives15625DistinctStrings) {
  Nb201Space s;
  std::set<std::string> strings;
  for (const Arch& a : s.enumerate()) strings.insert(s.to_string(a));
  EXPECT_EQ(strings.size(), 15625u);
}

TEST(Nb201Space, StringIsNb201s) {
  Nb201Space s;
  const Arch a = s.parse(kBest);
  EXPECT_EQ(a.choice, (std::vector<int>{3, 3, 3, 1, 3, 3}));
  EXPECT_EQ(s.to_string(a), kBest);
}

TEST(Nb201Space, NeighboursOfOneArchByHand) {
  // Six edges, each with 4 other ops: 6 * 4 = 24 neighbours.
  Nb201Space s;
  const auto nb = s.neighbours(s.parse(kBest));
  EXPECT_EQ(nb.size(), 24u);
  EXPECT_EQ(std::set<Arch>(nb.begin(), nb.end()).size(), 24u);
}

TEST(Nb201Space, BaseClassProperties) { testing::check_space_properties(Nb201Space(), 1000, 2, 100); }

TEST(Nb201Space, DecodeIsModelsNb201) {
  Nb201Space s;
  const ir::Graph g = s.decode(s.parse(kBest));
  EXPECT_EQ(g, models::nb201(models::parse_nb201(kBest)));
  // NB201's published params for this cell on CIFAR-10 (shared table).
  const core::CsvTable t = core::read_csv(hwnas::testing::shared_data() / "nb201" / "nb201_cifar10.csv");
  const int key = t.column("arch_str"), params = t.column("params_M");
  bool found = false;
  for (size_t r = 0; r < t.rows.size(); ++r)
    if (t.rows[r][key] == kBest) {
      found = true;
      EXPECT_NEAR(ir::compute_stats(g).params / 1e6, t.number(r, params), 1e-6);  // 1.288506
    }
  EXPECT_TRUE(found);
}

TEST(Nb201Space, ParseErrorsComeFromNb201OrNameTheRestrictedChoice) {
  Nb201Space s;
  EXPECT_HWNAS_ERROR(s.parse("|conv~0|+|"), "nb201 arch position");
  s.restrict(3, {"skip_connect", "nor_conv_3x3"});
  // edge_3_0 is the 4th op token: "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|" is 50 chars.
  EXPECT_HWNAS_ERROR(s.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|none~0|nor_conv_3x3~1|nor_conv_3x3~2|"),
                     "nb201: position 50: 'edge_3_0' has no choice 'none' (choices: skip_connect, nor_conv_3x3)");
}

TEST(Nb201Space, RestrictThenDecode) {
  // Drop avg_pool (an NPU without pooling, say) on every edge: 4^6 = 4096 archs remain.
  Nb201Space s;
  for (int e = 0; e < 6; ++e) s.restrict(e, {"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3"});
  EXPECT_EQ(s.size(), 4096);
  // The skeleton's reduction blocks pool on their shortcut; cells add none beyond that.
  const auto pools = [](const ir::Graph& g) {
    return std::count_if(g.nodes().begin(), g.nodes().end(),
                         [](const ir::Node& n) { return n.op == ir::OpKind::AvgPool; });
  };
  const auto skeleton_pools = pools(s.decode(Arch{{0, 0, 0, 0, 0, 0}}));
  EXPECT_GT(pools(Nb201Space().decode(
                Nb201Space().parse(std::string("|avg_pool_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|")))),
            skeleton_pools);
  Rng rng(9);
  for (int i = 0; i < 300; ++i) {
    const Arch a = s.sample(rng);
    EXPECT_EQ(s.to_string(a).find("avg_pool"), std::string::npos);
    ASSERT_EQ(pools(s.decode(a)), skeleton_pools) << s.to_string(a);
  }
  // Restricted choice 3 is nor_conv_3x3, by label.
  EXPECT_EQ(s.cell(Arch{{3, 3, 3, 3, 3, 3}})[0], models::Nb201Op::Conv3x3);
}

}  // namespace
}  // namespace hwnas::space
