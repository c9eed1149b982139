#pragma once
// hw::Device: what a piece of hardware can do, read from a YAML profile (built-ins in
// devices/*.yaml, or any file). Cost models (cost/) read compute rates, bandwidths, fixed
// overheads and power from it; the operator audit (target/audit.h) reads the operator set.
//
//   hw::Device d = hw::load_device("cortex-m7");            // built-in name or a .yaml path
//   const hw::Processor& cpu = d.processors[d.primary];
//   double macs_per_s = cpu.clock_hz * cpu.rate(hw::OpClass::Conv, ir::DType::i8);
//   hw::Placement p = hw::place(d, graph, node_id);         // native, or fallback and why
//
// A profile has one primary processor (the one the model is compiled for: the CPU of a
// phone or MCU, the NPU of an accelerator) and optionally a fallback processor that runs
// the operators the primary cannot, paying a transfer of the tensors each way.
// The YAML schema is documented in docs/devices.md; every key is checked, and an error
// names the file, the key (with its line) and the fix.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hwnas/ir/graph.h"
#include "hwnas/ir/stats.h"

namespace hwnas::hw {

// How an operator uses a processor: the roofline's compute term is MACs / MAC rate for the
// first three classes, and elements / element rate for Elementwise and Pool; Data ops only
// move bytes.
enum class OpClass : uint8_t { Conv, Depthwise, FullyConnected, Elementwise, Pool, Data };
OpClass op_class(ir::OpKind op);
std::string_view op_class_name(OpClass c);  // "conv", "depthwise", "fc", "elementwise", "pool", "data"
// Work of node `id` in the unit of its class's rate: MACs, or elements (a pool's window reads).
double op_work(const ir::Graph& g, const ir::Stats& stats, int id);

// An inclusive range of whole numbers; max == 0: no limit.
struct IntRange {
  int min = 0, max = 0;
  bool limited() const { return max > 0; }
  bool contains(int64_t v) const { return !limited() || (v >= min && v <= max); }
  bool operator==(const IntRange&) const = default;
};

// One entry of a processor's supported-operator set. Empty lists and zero limits mean "any".
// The limits below the first block are those compilers publish as ranges rather than lists
// (Arm Vela's SUPPORTED_OPS.md, nncase's KPU rules); kernel limits count the dilated kernel,
// (k - 1) x dilation + 1, as Vela does.
struct OpSupport {
  ir::OpKind op = ir::OpKind::Input;
  std::vector<int> kernels;                   // square kernel sizes allowed (conv, depthwise, pools)
  std::vector<int> strides;                   // allowed strides
  std::vector<ir::DType> dtypes;              // allowed dtypes (empty: any)
  int channel_alignment = 1;                  // output channels must be a multiple of this
  int max_channels = 0;                       // 0: no limit
  std::vector<ir::OpKind> fused_activations;  // activations it can fuse (the rest fall back)

  bool square_kernels = false;     // kernel height == kernel width (nncase's KPU: "filter_h == filter_w")
  int max_kernel = 0;              // each of the (dilated) kernel height and width
  int max_kernel_height = 0;       // the (dilated) kernel height alone (Vela: [1, 64])
  int max_kernel_area = 0;         // (dilated) kernel height x width; a global pool's window is its input's H x W
  int max_dim = 0;                 // every dimension of its inputs and output (Vela: 65535)
  int max_input_channels = 0;      // channels of its first input
  IntRange input_height;           // H of its first input (nncase K210 KPU: [4, 256])
  IntRange input_width;            // W of its first input
  std::vector<int> resize_scales;  // resize: the integer upscales allowed (equal in H and W, besides
                                   // a 1x1 input and an unchanged size); empty: any resize
  std::string rule;                // where the entry's limits are published ("Vela 3.6 CONV_2D"); every
                                   // reason from this entry names it
};

struct Processor {
  std::string name;  // "cpu", "npu"
  double clock_hz = 0;
  // MACs (Conv, Depthwise, FullyConnected) or elements (Elementwise, Pool, Data) per cycle,
  // per op class and dtype. A missing (class, dtype) pair falls back to the class's f32 rate.
  std::map<std::pair<OpClass, ir::DType>, double> per_cycle;
  // Cycles per output element on top of the rate, per op class and dtype (YAML key
  // cycles_per_output, optional): what a kernel spends outside its inner loop for every value it
  // writes (requantization, clamping, the store, loop set-up). Missing pairs: 0.
  std::map<std::pair<OpClass, ir::DType>, double> cycles_per_output;
  double bandwidth_bytes_per_s = 0;  // to the memory activations live in
  // To the memory weights are read from when that is another port (Vela: weights in off-chip
  // flash or DRAM on AXI1, activations in SRAM on AXI0); YAML weights_bandwidth_gb_s. 0: weights
  // share bandwidth_bytes_per_s.
  double weights_bandwidth_bytes_per_s = 0;
  // Weights kept in on-chip memory from one inference to the next (the Edge TPU's parameter
  // cache); those past it, in execution order, are fetched again every inference at
  // streamed_weights_bytes_per_s. YAML weights_cache_kib and streamed_weights_gb_s, both or
  // neither; 0: no such cache.
  int64_t weights_cache_bytes = 0;
  double streamed_weights_bytes_per_s = 0;
  double op_overhead_s = 0;      // fixed cost of launching one kernel
  double invoke_overhead_s = 0;  // fixed cost of one inference (runtime dispatch, sync); YAML key
                                 // invoke_overhead_us, 0 if absent (cost/calibrated.h fits it)
  double active_power_mw = 0;    // while computing
  // The operators it runs; nullopt: every operator (a general-purpose CPU).
  std::optional<std::vector<OpSupport>> ops;

  // Rate per cycle for the class and dtype (see per_cycle). Error if the class has none.
  double rate(OpClass c, ir::DType t) const;
  double output_cycles(OpClass c, ir::DType t) const;  // cycles_per_output, 0 when absent
};

struct Memory {
  int64_t sram_bytes = 0;   // on-chip RAM for activations (the arena); 0: not a constraint
  int64_t flash_bytes = 0;  // where weights and code live on an MCU; 0: not a constraint
  int64_t dram_bytes = 0;
  int64_t runtime_flash_bytes = 0;  // fixed cost of the runtime (interpreter, kernels) in flash
  int64_t runtime_sram_bytes = 0;   // fixed cost of the runtime in RAM, outside the arena
};

struct Fallback {
  int processor = -1;               // index into processors; -1: none (unsupported = error)
  double transfer_bytes_per_s = 0;  // moving a tensor between processors
  double transfer_overhead_s = 0;   // per transfer (synchronisation, cache flush)
};

struct Power {
  double idle_mw = 0;             // whole device while waiting for the next frame
  double energy_pj_per_byte = 0;  // data movement to and from activation memory
};

// How the compiler splits a graph between the primary and the fallback processor.
enum class Partition : uint8_t {
  // Every operator the primary cannot run falls back on its own (Arm Vela, TFLite delegates).
  PerOperator,
  // The graph is cut once, at the first operator (in the graph's node order, a topological
  // order, as a TFLite flatbuffer lists its operators) that the primary cannot run: that
  // operator and every operator after it in that order run on the fallback, even ones the
  // primary supports and ones on a branch that does not depend on it (Google's Edge TPU
  // compiler, https://coral.ai/docs/edgetpu/models-intro/ "Compiling"). Operators placed with
  // another (a folded batch_norm, a fused activation) stay with it.
  SingleCut,
};
std::string_view partition_name(Partition p);  // "per_operator", "single_cut"

struct Device {
  std::string name;         // "cortex-m7"
  std::string description;  // one line for people
  std::string source;       // "built-in devices/cortex-m7.yaml" or the file path
  std::string kind;         // "cpu", "mcu", "npu"
  ir::DType default_dtype = ir::DType::f32;
  std::vector<Processor> processors;
  int primary = 0;
  Fallback fallback;
  Partition partition = Partition::PerOperator;  // YAML key partition
  Memory memory;
  Power power;
  std::string calibration;  // how the figures were obtained ("datasheet", "fitted to 10 ...")
  std::string engine;       // the inference engine the figures describe ("hwnas codegen", "TFLite")
  // Share of their own time that the kernels a deployment converter would fold or remove
  // (cost::executed_nodes) still take: 0 for converters (TFLite, TensorRT), about 1 for eager
  // frameworks that run every op. Fitted by cost/calibrated.h; YAML key folded_ops_factor.
  double folded_ops_factor = 0;
};

// A built-in name (devices/<name>.yaml, found via HWNAS_DEVICES_DIR or the install
// location) or a path to a YAML file. Error naming file, key and fix on a bad profile, and
// the built-in names (with a did-you-mean) on an unknown name.
Device load_device(std::string_view name_or_path);
Device parse_device(std::string_view yaml_text, const std::string& file);
std::vector<std::string> builtin_device_names();
std::filesystem::path devices_dir();
// The profile as YAML that parse_device() reads back to an equal Device (for `predictor fit`).
std::string to_yaml(const Device& d);

// Where one node runs and why.
struct Placement {
  int processor = 0;   // index into Device::processors
  bool native = true;  // false: it falls back to Fallback::processor
  std::string reason;  // for fallbacks: "hardswish is not in npu's operator set",
                       // "kernel 7 not in [3, 5]", "after the single cut at 'stem.act'
                       // (hardswish is not in edgetpu's operator set)"; empty when native
  int follows = -1;    // a folded batch_norm's conv or a fused activation's producer,
                       // whose placement this node shares; -1 for a node placed on its own
  // The primary rejects this node itself (its reason names the rule): the node CAUSES a
  // fallback. False for native nodes, for followers (their anchor is the cause), and for nodes
  // that fall back only because they come after a single cut.
  bool unsupported = false;
  int cut_at = -1;  // Partition::SingleCut: the node where the graph was cut, for every node
                    // placed on its own after it; -1 otherwise (and for the cut node itself)
};
// Input and zero-cost nodes are native (after a single cut too). A batch_norm folded into its
// conv is placed with it; an activation is placed with the op it follows when that op can fuse
// it. Throws when the node cannot run natively and the device has no fallback.
Placement place(const Device& d, const ir::Graph& g, int node, ir::DType dtype);
// place() for every node at once (one pass; what cost models call).
std::vector<Placement> place_all(const Device& d, const ir::Graph& g, ir::DType dtype);

}  // namespace hwnas::hw
