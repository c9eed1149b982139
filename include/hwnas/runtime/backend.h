#pragma once
// runtime::Backend: runs an ir::Graph on real kernels, in XNNPACK's two phases: prepare()
// once (weights packed, buffers planned, threads started), then invoke() many times on new
// input data. Inputs and outputs are NHWC fp32 buffers owned by the prepared model, so a
// timing loop does no allocation and no copying of its own.
//
//   auto backend = runtime::make_backend("xnnpack");
//   auto model = backend->prepare(graph, runtime::init_weights(graph, {.seed = 1}), {.threads = 2});
//   std::ranges::copy(image, model->input(0).begin());
//   model->invoke();
//   std::span<const float> logits = model->output(0);
//   model->fallback_nodes();   // nodes a backend ran on the reference kernels instead
//
// Available backends: "reference" (reference_backend.h, the oracle) and "xnnpack"
// (xnnpack_backend.h), plus any registered with register_backend().
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hwnas/ir/graph.h"
#include "hwnas/runtime/tensor.h"
#include "hwnas/runtime/weights.h"

namespace hwnas::runtime {

struct BackendOptions {
  int threads = 1;             // worker threads (xnnpack); the reference backend is serial
  bool fold_batchnorm = true;  // the reference backend may keep BN apart, to check folding
  // f32, or i8: xnnpack runs the operators its snapshot quantizes in int8 (quantize.h), with
  // activation ranges calibrated on one input of U(-1, 1) values drawn from calibration_seed.
  ir::DType dtype = ir::DType::f32;
  uint64_t calibration_seed = 0;
};

class PreparedModel {
 public:
  virtual ~PreparedModel() = default;

  int num_inputs() const { return static_cast<int>(inputs_.size()); }
  int num_outputs() const { return static_cast<int>(outputs_.size()); }
  const ir::Shape& input_shape(int i) const { return inputs_.at(i).shape; }
  const ir::Shape& output_shape(int i) const { return outputs_.at(i).shape; }
  std::span<float> input(int i) { return inputs_.at(i).data; }
  std::span<const float> output(int i) const { return outputs_.at(i).data; }

  // Runs the graph on the current input buffers, overwriting the output buffers.
  virtual void invoke() = 0;

  // Ids of the nodes this backend could not run itself and ran on the reference kernels.
  virtual std::vector<int> fallback_nodes() const { return {}; }
  // One line saying how the graph is executed, e.g. "xnnpack: 1 subgraph, 0 fallback nodes".
  virtual std::string summary() const = 0;

 protected:
  // Sizes the input and output buffers from the graph's inputs and outputs.
  explicit PreparedModel(const ir::Graph& g);
  std::vector<Tensor> inputs_, outputs_;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  // Throws hwnas::Error when the weights do not match the graph (naming the node) or the
  // backend cannot run the graph.
  virtual std::unique_ptr<PreparedModel> prepare(const ir::Graph& g, const Weights& w,
                                                 const BackendOptions& options = {}) const = 0;
};

std::vector<std::string> backend_names();  // {"reference", "xnnpack"} plus registered ones
// Error listing the known names when `name` is not one of them.
std::unique_ptr<Backend> make_backend(std::string_view name);

// Makes a backend of another module known to make_backend() and backend_names() (the
// interop module's "opencv" and "torch": interop/backends.h), so that this module does not
// depend on theirs. Registering a name again replaces its factory; not thread-safe against
// concurrent make_backend() calls, so register at start-up.
using BackendFactory = std::unique_ptr<Backend> (*)();
void register_backend(const std::string& name, BackendFactory factory);

// Copies `inputs` into the model (shapes checked, Error naming the input otherwise),
// invokes it and returns copies of its outputs.
std::vector<Tensor> run(PreparedModel& model, const std::vector<Tensor>& inputs);

}  // namespace hwnas::runtime
