// Every int8 op of the module in one graph the built-in families do not all reach: grouped and
// dilated convs, a concat of differently scaled branches, pad, pools with padding (avg
// counting the padding), hard_swish / hard_sigmoid tables, a broadcast mul (squeeze-excite),
// an MBConv block with squeeze-excite, reshape and flatten. Each layer alone keeps >= 30 dB
// (measured 33.1-54.0 dB; an error in any kernel's arithmetic or layout gives far less) and the
// output >= 27 dB (measured 31.7 dB after 26 layers).
#include <gtest/gtest.h>

#include "hwnas/ir/builder.h"
#include "hwnas/models/mbconv.h"
#include "hwnas/quant/calibration.h"
#include "hwnas/quant/error_analysis.h"
#include "hwnas/runtime/weights.h"
#include "quant_testing.h"

namespace hwnas::quant {
namespace {

ir::Graph every_op_graph() {
  ir::GraphBuilder b("every-op");
  int x = b.input({1, 12, 12, 4});
  x = b.relu(b.batch_norm(b.conv(x, 8, 3, 1, {.groups = 2}, "grouped"), 1e-5f, "grouped.bn"), "grouped.relu");
  const int d = b.relu6(b.depthwise(x, 3, 1, {.dilation = 2}, "dilated"), "dilated.relu6");
  const int h = b.hardswish(b.conv(x, 8, 1, 1, {.bias = true}, "pw"), "pw.hswish");
  int c = b.concat({d, h}, -1, "concat");  // two scales: relu6's [0, 6] and hard_swish's
  c = b.pad(c, 1, 1, 1, 1, 0.0f, "pad");
  const int ap = b.avg_pool(c, 3, 1, 1, /*count_include_pad=*/true, "avg");
  const int mp = b.max_pool(c, 3, 2, 1, "max");
  const int gate = b.hardsigmoid(b.global_avg_pool(ap, "se.pool"), "se.gate");
  int y = b.mul(mp, gate, "se.scale");
  {
    auto s = b.scope("block");
    y = models::mbconv(b, y, {.expand_ratio = 4, .out_channels = 16, .act = ir::OpKind::HardSwish, .se_squeeze = 4}).out;
  }
  y = b.reshape(y, {1, 7 * 7, 16}, "reshape");  // [1, 49, 16]
  y = b.fc(b.flatten(y, "flatten"), 10, true, "classifier");
  return b.finish({y});
}

TEST(OpCoverage, EveryInt8OpKeepsItsSqnr) {
  const ir::Graph g = every_op_graph();
  const auto p = runtime::inference_params(g, runtime::init_weights(g, {.seed = 4, .random_bn_stats = true}), true);
  const QuantizedModel m = quantize_model(g, p, calibrate(g, p, testing::random_samples(g, 8, 30)));
  const ErrorReport r = analyze_errors(m, p, testing::random_samples(g, 4, 70));
  for (const LayerError& e : r.layers)
    EXPECT_GE(e.isolated_sqnr_db, 30) << e.name << " (" << e.op << "): " << e.reason;
  EXPECT_GE(r.output_sqnr_db, 27);
}

}  // namespace
}  // namespace hwnas::quant
