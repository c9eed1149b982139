#include "hwnas/measure/profile_fusion.h"

namespace hwnas::measure {

BackendFusion backend_fusion(std::string_view backend) {
  BackendFusion f{ir::FusionRules::batchnorm_only(), "BatchNorm folded into the conv/FC before it; no other fusion"};
  if (backend != "xnnpack") return f;
  // The producers xnn_subgraph_optimize() gives a clamp (see the header), in IR terms.
  using ir::OpKind;
  for (OpKind producer : {OpKind::Conv2D, OpKind::DepthwiseConv2D, OpKind::FullyConnected, OpKind::Add, OpKind::Mul,
                          OpKind::AvgPool, OpKind::MaxPool, OpKind::BatchNorm, OpKind::Relu, OpKind::Relu6})
    for (OpKind clamp : {OpKind::Relu, OpKind::Relu6}) f.rules.add(producer, clamp);
  f.description =
      "BatchNorm folded; relu/relu6 fused as the output clamp of a conv, depthwise, FC, add, mul, pool or "
      "clamp with no other reader (XNNPACK xnn_subgraph_optimize)";
  return f;
}

}  // namespace hwnas::measure
