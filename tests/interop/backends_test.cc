// The interop backends, registered by register_backends(), against the reference oracle:
// every operator form of interop_testing.h and one model per family, on OpenCV DNN (running
// the exported ONNX file: issue 3, item 7's acceptance) and on libtorch.
#include "hwnas/interop/backends.h"

#include <tuple>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "interop_testing.h"
#include "testing.h"

namespace hwnas::interop {
namespace {

// Tolerances on max|backend - reference| / max|reference|. Both runtimes sum in other orders
// than the reference (OpenCV's own kernels; libtorch's oneDNN), so single ops differ by a few
// ulp of the output range, and through a network these grow at most linearly with depth (as
// in tests/runtime/numerics_test.cc). Observed: see the max_relative_error properties of a
// run with --gtest_output=xml. A wrong layout, axis, padding or fold gives errors of order 1.
constexpr double kOpTolerance = 1e-5;
constexpr double kNetworkTolerance = 1e-4;

const std::vector<std::string> kBackends = {"opencv", "torch"};

using Param = std::tuple<std::string, testing::Case>;
std::string param_name(const ::testing::TestParamInfo<Param>& info) {
  return testing::test_name(std::get<0>(info.param) + "_" + std::get<1>(info.param).name);
}

class Operator : public ::testing::TestWithParam<Param> {};

TEST_P(Operator, MatchesReference) {
  const auto& [backend, c] = GetParam();
  const double err = testing::error_vs_reference(backend, c.graph);
  EXPECT_LT(err, kOpTolerance) << backend << " " << c.name;
  RecordProperty("max_relative_error", fmt::format("{:.2e}", err));
}

INSTANTIATE_TEST_SUITE_P(EveryOperator, Operator,
                         ::testing::Combine(::testing::ValuesIn(kBackends),
                                            ::testing::ValuesIn(testing::operator_cases())),
                         param_name);

class Family : public ::testing::TestWithParam<Param> {};

TEST_P(Family, MatchesReference) {
  const auto& [backend, c] = GetParam();
  const double err = testing::error_vs_reference(backend, c.graph);
  EXPECT_LT(err, kNetworkTolerance) << backend << " " << c.name;
  RecordProperty("max_relative_error", fmt::format("{:.2e}", err));
}

INSTANTIATE_TEST_SUITE_P(EveryFamily, Family,
                         ::testing::Combine(::testing::ValuesIn(kBackends),
                                            ::testing::ValuesIn(testing::family_cases())),
                         param_name);

class Backend : public ::testing::TestWithParam<std::string> {};

TEST_P(Backend, IsRegistered) {
  register_backends();
  register_backends();  // idempotent: listed once
  const auto names = runtime::backend_names();
  EXPECT_EQ(std::count(names.begin(), names.end(), GetParam()), 1);
  EXPECT_EQ(runtime::make_backend(GetParam())->name(), GetParam());
}

TEST_P(Backend, TwoThreadsMatchReference) {
  EXPECT_LT(testing::error_vs_reference(GetParam(), models::builtin_model("mobilenetv2-1.0", {.resolution = 64}), 2),
            kNetworkTolerance);
}

TEST_P(Backend, SummarySaysWhatRunsOnHowManyThreads) {
  register_backends();
  const ir::Graph g = testing::operator_cases()[0].graph;
  auto model = runtime::make_backend(GetParam())->prepare(g, runtime::init_weights(g), {.threads = 2});
  EXPECT_EQ(model->summary().rfind(GetParam() + ": ", 0), 0u) << model->summary();
  EXPECT_NE(model->summary().find("2 thread(s)"), std::string::npos) << model->summary();
}

TEST_P(Backend, RejectsInt8AndWeightsThatDoNotMatch) {
  register_backends();
  const ir::Graph g = testing::operator_cases()[0].graph;  // one conv named "conv"
  auto b = runtime::make_backend(GetParam());
  EXPECT_HWNAS_ERROR(b->prepare(g, runtime::init_weights(g), {.dtype = ir::DType::i8}), "runs f32 only");
  runtime::Weights w = runtime::init_weights(g);
  w.nodes.at("conv").erase("bias");
  EXPECT_HWNAS_ERROR(b->prepare(g, w), "bias");
}

INSTANTIATE_TEST_SUITE_P(Interop, Backend, ::testing::ValuesIn(kBackends));

}  // namespace
}  // namespace hwnas::interop
