#pragma once
// cost::PrePost: the CPU work around a detector's network in each frame, estimated from the
// device profile: resizing the camera frame to the network's input, handing the input to an
// accelerator and its outputs back, decoding the boxes, thresholding the scores, and sorting
// and non-maximum suppression of the survivors. A detector is a graph with the outputs "boxes"
// [1, A, 4] and "scores" [1, A, K + 1] (models/ssdlite.h, space/detection_space.h); any other
// graph (a classifier) has no such work here.
//
//   cost::PrePost pp = cost::estimate_pre_post(device, graph, ir::DType::i8);
//   pp.ms; pp.energy_mj; pp.steps[0].name;     // "resize", 0.9 ms ...
//   cost::Energy frame = cost::frame_energy(cost::estimate_energy(device, prediction), pp);
//   cost::average_power_mw(device, frame, 30);  // the power of the whole frame at 30 FPS
//
// Where it runs: the device's CPU, i.e. the fallback processor when the primary has an operator
// set of its own (an NPU), else the primary. Each step is a roofline on that processor:
//   ms = max(element ops / (clock x elementwise rate), bytes / bandwidth) + op overhead,
// energy = active power x ms + bytes x energy per byte (as cost/energy.h counts kernels).
// Element operations per item (counted from the arithmetic, not measured):
//   resize     bilinear: 4 taps x (multiply + add) = 8 per value of the network input; reads the u8 frame once,
//              writes the input in the model's dtype; elementwise rate of the model's dtype
//   handoff    only with an accelerator: the input and both outputs cross the fallback link
//              (2 transfers: the profile's transfer rate and per-transfer overhead)
//   decode     38 per anchor (f32, as TFLite's detection post-processing): 4 dequantizes, per
//              centre scale x anchor size + anchor centre (2 x 3), per size exp (~10) x scale x
//              anchor size (2 x 12), 4 corners; reads the boxes and a 16-byte anchor, writes 16 bytes
//   threshold  2 per score of A x (K + 1) (dequantize, compare in the logit domain: the sigmoid is
//              monotonic, so only survivors need it)
//   nms        of N = min(A x K, nms_candidates) survivors: a sigmoid each (12), sorting
//              (N log2 N comparisons x 2) and N (N - 1) / 2 IoU tests of 12 ops (worst case: all
//              kept); 24 bytes per candidate read twice
// An estimate: the real post-processing depends on how many boxes pass the threshold.
// A frame's steps run one after another with the network (no pipelining across frames).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hwnas/cost/energy.h"
#include "hwnas/hw/device.h"
#include "hwnas/ir/graph.h"

namespace hwnas::cost {

struct DetectorOutputs {
  int64_t anchors = 0;        // A
  int64_t score_columns = 0;  // K + 1
};
// The detector's sizes, or nullopt when g does not follow the detector convention.
std::optional<DetectorOutputs> detector_outputs(const ir::Graph& g);

struct PipelineOptions {
  int frame_width = 640, frame_height = 480, frame_channels = 3;  // the camera frame, 8 bits a value
  int nms_candidates = 100;  // survivors sorted and suppressed (TF OD API's max_total_detections)
};

struct CpuStep {
  std::string name;  // resize, handoff, decode, threshold, nms
  double ops = 0;    // element operations
  int64_t bytes = 0;
  double ms = 0;
  double energy_mj = 0;
};

struct PrePost {
  bool detector = false;  // false: nothing to do (steps empty, zero cost)
  int processor = -1;     // the CPU's index in the device
  std::vector<CpuStep> steps;
  double ms = 0;
  double compute_mj = 0;  // the CPU's active power x time
  double memory_mj = 0;   // bytes moved x energy per byte
  double energy_mj = 0;   // compute + memory
  std::string source;     // "estimated (CPU pre/post-processing on cpu: 640x480 frame resize, ...)"
};

// Throws hwnas::Error naming the device when a detector needs a CPU it does not have (an
// accelerator with no fallback processor), or when the options are not positive.
PrePost estimate_pre_post(const hw::Device& d, const ir::Graph& g, ir::DType dtype, const PipelineOptions& o = {});

// One frame: the network's energy and latency plus the pre/post-processing's.
Energy frame_energy(const Energy& network, const PrePost& pp);

}  // namespace hwnas::cost
