#pragma once
// codegen::generate_c: C source for one int8 model (quant::QuantizedModel), TinyEngine-style:
// no interpreter, no heap, nothing of the C library but <stdint.h> (and <arm_acle.h> when the
// compiler defines __ARM_FEATURE_DSP).
//
//   codegen::GeneratedModel g = codegen::generate_c(model, {.prefix = "kws"});
//   codegen::write_sources(g, "out/");   // out/kws.h, out/kws.c
//
// The header declares
//   int kws_invoke(const int8_t* input, int8_t* output);      // 0 on success
// and the constants KWS_INPUT_SIZE, KWS_OUTPUT_SIZE (bytes), KWS_INPUT_SCALE,
// KWS_INPUT_ZERO_POINT, KWS_OUTPUT_SCALE, KWS_OUTPUT_ZERO_POINT, KWS_ARENA_SIZE, KWS_NUM_OPS.
// The source holds
//  - weights, biases and the fixed-point multipliers and shifts as `static const` arrays (flash);
//  - one `static int8_t kws_arena[N]`, 16-byte aligned, in section ".arena", laid out by
//    plan_arena() (arena.h), and the kernels' scratch buffer beside it;
//  - one function per operator with every shape, stride, pad, zero point, clamp and multiplier
//    a compile-time constant (the emitters: src/codegen/emit_*.cc), called in order by invoke;
//  - the fixed-point helpers as static inline C equal to quant/fixed_point.h's.
// The result equals quant::run_int8 bit for bit. Built with -DHWNAS_PROFILE, invoke also stores
// hwnas_mcu_icount() before each operator and after the last in `kws_icounts[KWS_NUM_OPS + 1]`.
//
// Errors name the node and op that cannot be emitted (softmax, resize: quant has no int8 kernel
// for them either), a model with more than one input or output, and an invalid prefix.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "hwnas/codegen/arena.h"
#include "hwnas/quant/quantized_model.h"

namespace hwnas::codegen {

struct GenerateOptions {
  std::string prefix = "model";  // C identifier: names the files, the functions and the constants
  ArenaOptions arena;
};

// One emitted operator, in execution order.
struct GeneratedOp {
  int node = -1;
  std::string name;  // the graph node's name
  std::string op;    // ir::op_name
  int64_t macs = 0;  // ir::compute_stats
  bool in_place = false;
};

struct GeneratedModel {
  std::string prefix;
  std::string header, source;  // <prefix>.h, <prefix>.c
  std::vector<GeneratedOp> ops;
  int64_t input_bytes = 0, output_bytes = 0;
  int input_node = -1, output_node = -1;
  ArenaLayout arena;
  int64_t weight_bytes = 0;  // of the const arrays (weights, biases, multipliers, tables) of a DSP build
};

GeneratedModel generate_c(const quant::QuantizedModel& m, const GenerateOptions& options = {});

// Writes <dir>/<prefix>.h and <dir>/<prefix>.c (creating dir); returns the .c file's path.
std::filesystem::path write_sources(const GeneratedModel& g, const std::filesystem::path& dir);

// The C helpers every generated file starts with (fixed-point arithmetic, dot products), for
// tests that compile them on their own.
std::string c_prelude();

// A main.c for the generated model: reads every input (input_bytes each) from "input.bin",
// invokes, writes the outputs to "output.bin", and with HWNAS_PROFILE the per-operator
// instruction counts to "profile.bin" (runner.h reads them). Exit code 0, or 1..3 on I/O errors.
std::string main_c(const GeneratedModel& g);

}  // namespace hwnas::codegen
