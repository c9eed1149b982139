#pragma once
// The NPU deployment of a trained detector (`hwnas search`'s deploy: {target: npu}): what an
// inspection-line engineer hands to the NPU's compiler, with the figures that decide whether it
// holds its frame rate.
//
//   cli::NpuDeployment d = cli::deploy_npu_detector(folder, coco, hw::load_device("ethos-u55-128"),
//                                                   {.fps = 30, .calibration_samples = 100}, "deploy", report);
//   d.fp32.map.map50;  d.int8.map.map50;  d.diagnosis.before.power_mw;
//
// Steps, all on the model folder's graph and weights:
//   int8       min/max ranges over `calibration_samples` evenly spaced train images (else validation),
//              quantized as TFLite's int8 spec (quant/); the folder int8/
//   accuracy   COCO mAP of fp32 (xnnpack) and of int8 (quant's reference kernels, TFLite's arithmetic)
//              on the test split, decoded with the folder's detector.json
//   placement  every node on the NPU or the fallback processor, and why (placement.csv); fallbacks by
//              operator with their predicted time and transfers, the slowest kernels, latency, the CPU
//              pre/post-processing, energy and power at `fps` (diagnose/diagnosis.h, roofline, int8;
//              diagnosis.json)
//   onnx       the fp32 model with BatchNorm folded (model.onnx), checked by onnx::checker
// Everything is written under a temporary folder renamed to `out` at the end, with report.json
// (`report`'s keys plus the above): `out` is never half-written.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "hwnas/data/coco.h"
#include "hwnas/diagnose/diagnosis.h"
#include "hwnas/eval/detection_eval.h"
#include "hwnas/hw/device.h"

namespace hwnas::cli {

struct NpuDeployOptions {
  double fps = 30;  // power is predicted at this frame rate
  int64_t calibration_samples = 100;
  int64_t max_test_images = 0;  // 0: the whole test split
};

struct NpuDeployment {
  eval::DetectionEvaluation fp32, int8;
  std::string fp32_source, int8_source, calibration_source;
  diagnose::Diagnosis diagnosis;  // of the model as trained (its repair is only advice)
  int nodes = 0, npu_nodes = 0;   // graph nodes other than the input, and those on the primary processor
  nlohmann::json report;          // as written to report.json
};

NpuDeployment deploy_npu_detector(const std::filesystem::path& folder, const data::Coco& coco, const hw::Device& device,
                                  const NpuDeployOptions& options, const std::filesystem::path& out,
                                  nlohmann::json report);

// What `hwnas search` prints of it: mAP fp32 and int8, the placement with the fallbacks' costs, the
// predicted figures at the frame rate, the files.
void print_npu_deployment(const NpuDeployment& d, const std::filesystem::path& out);

}  // namespace hwnas::cli
