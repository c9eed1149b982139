#pragma once
// A quantized model on disk, a folder of three files, each written atomically (temp + rename):
//   model.json        the graph (ir/serialize.h's format)
//   quant.json        {"format": "hwnas.quant", "version": 1, "graph": name, "data_bytes": n,
//                      "nodes": [{"name", "op", "alias_of"?, "scale", "zero_point", "act": [min, max],
//                                 "fused"?: "relu"|"relu6", "fused_node"?, "weight_scales"?,
//                                 "multipliers"?: [[m, shift], ...], "in_multipliers"?, "left_shift"?,
//                                 "weights"?|"bias"?|"lut"?: {"offset": bytes, "count": n}}, ...]}
//   weights_int8.bin  int8 weights and tables, int32 biases (little-endian), back to back
// quant.json is written last, and records the size of weights_int8.bin, so a folder whose
// write was cut short does not load. Loading checks every field against the graph and says
// which file and field is wrong:
//   out/quant.json: nodes[4] 'conv1.conv': multipliers: expected 64 entries, got 63
//
//   quant::save_quantized_model("runs/kws-int8", model);
//   quant::QuantizedModel back = quant::load_quantized_model("runs/kws-int8");
#include <filesystem>

#include "hwnas/quant/quantized_model.h"

namespace hwnas::quant {

void save_quantized_model(const std::filesystem::path& dir, const QuantizedModel& m);
QuantizedModel load_quantized_model(const std::filesystem::path& dir);

}  // namespace hwnas::quant
