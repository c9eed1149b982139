#include "hwnas/cost/latency_model.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "hand_devices.h"
#include "hwnas/cost/roofline.h"
#include "hwnas/models/registry.h"
#include "testing.h"

namespace hwnas::cost {
namespace {

TEST(LatencyModel, FactoryMakesTheRoofline) {
  const auto kinds = latency_model_kinds();
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "roofline"), kinds.end());
  const hw::Device d = testing::hand_cpu();
  const auto m = make_latency_model({.kind = "roofline"}, d);
  EXPECT_EQ(m->kind(), "roofline");
  EXPECT_EQ(m->source(), "predicted (roofline on hand-cpu)");
  const ir::Graph g = models::builtin_model("mobilenetv2-1.0");
  EXPECT_EQ(m->predict_ms(g, ir::DType::f32), RooflineModel(d).predict(g, ir::DType::f32).total_ms);
}

TEST(LatencyModel, UnknownKindListsTheKinds) {
  EXPECT_HWNAS_ERROR(make_latency_model({.kind = "rooflin"}, testing::hand_cpu()),
                     "latency model 'rooflin': unknown kind; did you mean 'roofline'? (kinds: ");
  EXPECT_HWNAS_ERROR(make_latency_model({.kind = "magic"}, testing::hand_cpu()), "unknown kind (kinds: ");
}

TEST(LatencyModel, BoundNames) {
  EXPECT_EQ(bound_name(Bound::Compute), "compute");
  EXPECT_EQ(bound_name(Bound::Memory), "memory");
  EXPECT_EQ(bound_name(Bound::Overhead), "overhead");
  EXPECT_EQ(bound_name(Bound::Transfer), "transfer");
}

}  // namespace
}  // namespace hwnas::cost
