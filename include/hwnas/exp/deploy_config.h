#pragma once
// exp::DeployConfig: the optional `deploy:` section of an experiment file. After the search, the
// best trial by the first objective is deployed (the CLI does it: exp depends on none of quant,
// codegen or mcu):
//
//   deploy: {target: cortex-m7, dataset: speech-commands:../data/kws, inputs: 100, calibration_samples: 200,
//            qat: auto, qat_epochs: 2}
//     quantized to int8, generated as C, built, run in QEMU and checked bit for bit;
//   deploy: {target: npu, device: ethos-u55-128, dataset: coco:../data/inspect, calibration_samples: 100, fps: 30}
//     a detector quantized to int8 (fp32 and int8 mAP measured), its placement on the NPU with the
//     fallbacks' costs, latency and power at `fps` predicted, exported to ONNX; with
//     `baseline: <arch of the space>` that architecture is trained by the experiment's metrics as
//     the trials were, deployed the same way and compared (power at `fps`, mAP).
//
// `dataset` (required) calibrates the int8 ranges (train split) and measures fp32 and int8
// accuracy (test split); its path is relative to the experiment file.
#include <string>

#include <yaml-cpp/yaml.h>

#include "hwnas/core/yaml_source.h"

namespace hwnas::exp {

struct DeployConfig {
  std::string target = "cortex-m7";       // cortex-m7 or npu
  std::string device = "cortex-m7-f746";  // cortex-m7: the microcontroller profile whose clock gives the ms;
                                          // npu: the NPU profile (required)
  double fps = 30;                        // npu: the frame rate power is predicted at
  std::string baseline;                   // npu: an architecture of the space to compare the winner with
  std::string dataset;                    // <kind>:<resolved path>
  int inputs = 100;                       // cortex-m7: inputs run in QEMU and compared with the int8 reference
  int calibration_samples = 200;          // evenly spaced train examples that set the int8 ranges
  std::string qat = "auto";  // cortex-m7: quantization-aware fine-tuning: auto, on or off (hwnas quantize --qat)
  int qat_epochs = 2;        // its epochs (--qat-epochs)
};

// Checks every key and value; errors name the file, line and key path (`deploy.inputs`).
DeployConfig parse_deploy(const YamlSource& src, const YAML::Node& node);

}  // namespace hwnas::exp
