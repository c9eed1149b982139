#pragma once
// Where an int8 model loses accuracy: per tensor, the SQNR (signal to quantization noise, dB)
// of its int8 output dequantized against the fp32 reference kernels' on the same inputs,
// end to end and with the layer alone (fed the exactly quantized fp32 input, so upstream
// error does not count), and a one-line diagnosis of the layers that lose most.
//
//   quant::ErrorReport r = quant::analyze_errors(model, params, samples);
//   r.output_sqnr_db;                  // at the graph's first output
//   for (int i : r.ranked) r.layers[i].reason;   // worst layer first
//
// SQNR = 10 log10(sum x^2 / sum (x - x_int8)^2) over every value of every sample; +inf when
// the int8 result is exact. 30 dB is ~3% RMS error, 20 dB ~10%.
#include <string>
#include <vector>

#include "hwnas/quant/quantized_model.h"
#include "hwnas/runtime/tensor.h"

namespace hwnas::quant {

struct LayerError {
  int node = -1;       // the node whose buffer it is (a fused activation's layer)
  std::string name;    // node name, "+relu6" when an activation is fused into it
  std::string op;      // "conv2d", ...
  double sqnr_db = 0;  // end to end
  double isolated_sqnr_db = 0;  // this layer alone, on exactly quantized inputs
  float lo = 0, hi = 0;         // the int8 grid's real range: scale * ([-128, 127] - zero_point)
  double clipped = 0;           // share of fp32 values outside [lo, hi]
  double outlier_ratio = 0;     // max |x| / mean per-sample 99.9th percentile of |x| (0: too few values)
  double channel_spread = 0;    // conv/depthwise: max / median of the channels' max |x| (0: n/a)
  std::string reason;           // one line: why it loses, what to try
};

struct ErrorReport {
  std::vector<LayerError> layers;  // graph order, one per computed tensor
  std::vector<int> ranked;         // indices into layers, lowest isolated SQNR first
  double output_sqnr_db = 0;       // end-to-end SQNR of the graph's first output
  int samples = 0;
};

ErrorReport analyze_errors(const QuantizedModel& m, const runtime::InferenceParams& params,
                           const std::vector<std::vector<runtime::Tensor>>& samples);

// 10 log10(signal / noise) with the conventions above (noise 0: +inf; signal 0: -inf unless exact).
double sqnr_db(double signal_energy, double noise_energy);

}  // namespace hwnas::quant
