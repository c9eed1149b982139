#include "hwnas/runtime/backend.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "runtime_testing.h"
#include "testing.h"

namespace hwnas::runtime {
namespace {

TEST(Backend, FactoryKnowsBothBackends) {
  for (const std::string& name : backend_names()) EXPECT_EQ(make_backend(name)->name(), name);
  EXPECT_HWNAS_ERROR(make_backend("tflite"), "backend 'tflite': unknown backend; known: reference, xnnpack");
}

TEST(Backend, RunChecksInputsAndBuffersMatchTheGraph) {
  const ir::Graph g = testing::one_op(ir::OpKind::Relu, {1, 2, 2, 3}, {});
  for (const std::string& name : backend_names()) {
    auto model = make_backend(name)->prepare(g, {});
    EXPECT_EQ(model->num_inputs(), 1);
    EXPECT_EQ(model->output_shape(0), (ir::Shape{1, 2, 2, 3}));
    EXPECT_HWNAS_ERROR(run(*model, {}), "the model takes 1 input(s), got 0");
    EXPECT_HWNAS_ERROR(run(*model, {Tensor(ir::Shape{1, 2, 3, 2})}),
                       "input 0: has shape [1,2,3,2], the model expects [1,2,2,3]");
    // relu([-1, 2, ...]) through the buffers
    Tensor x(ir::Shape{1, 2, 2, 3});
    x.data[0] = -1;
    x.data[1] = 2;
    const auto y = run(*model, {x});
    EXPECT_EQ(y[0].data[0], 0.0f);
    EXPECT_EQ(y[0].data[1], 2.0f);
  }
}

TEST(Backend, GraphWithoutOutputsIsAnError) {
  ir::Graph g("no_outputs");
  ir::Attrs in;
  in.shape = {1, 2};
  g.add(ir::OpKind::Input, {}, in, "x");
  EXPECT_HWNAS_ERROR(make_backend("reference")->prepare(g, {}), "has no outputs");
}

}  // namespace
}  // namespace hwnas::runtime
