// plan::memory_timeline / to_json on the chain of lifetimes_test.cc (hand-calculated there):
// alias steps are left out, in-place buffers carry their latest writer's name.
#include "hwnas/plan/memory_timeline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwnas/ir/builder.h"

namespace hwnas::plan {
namespace {

// input 8x8x4 -> conv 8 (3x3) -> bn (folded) -> relu -> conv 4 (1x1) -> flatten -> fc 10, int8.
ir::Graph chain() {
  ir::GraphBuilder b("chain");
  const int x = b.input({1, 8, 8, 4});
  const int r = b.relu(b.batch_norm(b.conv(x, 8, 3, 1, {}, "c1"), 1e-5f, "b1"), "r1");
  return b.finish({b.fc(b.flatten(b.conv(r, 4, 1, 1, {}, "c2"), "f"), 10, true, "fc")});
}

TEST(MemoryTimeline, SkipsAliasesAndNamesTheLatestWriter) {
  const ir::Graph g = chain();
  MemoryOptions o;
  o.alignment = 1;
  const MemoryEstimate m = estimate_memory(g, hw::Device{}, o);
  const auto steps = memory_timeline(m);
  // Steps 0..6 = input c1 b1 r1 c2 f fc; b1 and f are aliases.
  ASSERT_EQ(steps.size(), 5u);
  std::vector<int64_t> live;
  for (const auto& s : steps) live.push_back(s.live_bytes);
  EXPECT_EQ(live, (std::vector<int64_t>{256, 768, 512, 768, 266}));
  // At the relu's step its buffer (c1's, written over in place) is named after the relu.
  ASSERT_EQ(steps[2].live_buffers.size(), 1u);
  EXPECT_EQ(buffer_tensor_name(m, g, steps[2].live_buffers[0], steps[2].step), "r1");
  std::vector<std::string> at_c1;
  for (int b : steps[1].live_buffers) at_c1.push_back(buffer_tensor_name(m, g, b, steps[1].step));
  EXPECT_THAT(at_c1, ::testing::UnorderedElementsAre("input", "c1"));

  const nlohmann::json j = to_json(m, g);
  EXPECT_EQ(j["arena_bytes"], 768);
  EXPECT_EQ(j["lower_bound_bytes"], 768);
  EXPECT_EQ(j["timeline"].size(), 5u);
  EXPECT_EQ(j["timeline"][3]["node"], "c2");
  EXPECT_EQ(j["timeline"][3]["live_bytes"], 768);
  EXPECT_EQ(j["buffers"].size(), 4u);
  EXPECT_EQ(j["source"], "predicted (greedy arena planner, graph order)");
  EXPECT_EQ(j["fits"], true);  // a device with no limits
}

}  // namespace
}  // namespace hwnas::plan
