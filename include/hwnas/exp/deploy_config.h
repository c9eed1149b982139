#pragma once
// exp::DeployConfig: the optional `deploy:` section of an experiment file. After the search, the
// best trial by the first objective is quantized to int8, generated as C, built, run in QEMU and
// checked bit for bit (the CLI does it: exp depends on none of quant, codegen or mcu).
//
//   deploy: {target: cortex-m7, dataset: speech-commands:../data/kws, inputs: 100, calibration_samples: 200,
//            qat: auto, qat_epochs: 2}
//
// `dataset` (required) calibrates the int8 ranges (train split), measures fp32 and int8 top-1 and
// gives the inputs run in QEMU (test split); its path is relative to the experiment file.
#include <string>

#include <yaml-cpp/yaml.h>

#include "hwnas/core/yaml_source.h"

namespace hwnas::exp {

struct DeployConfig {
  std::string target = "cortex-m7";  // the only target so far
  std::string device = "cortex-m7-f746";  // microcontroller profile whose clock gives the ms
  std::string dataset;               // <kind>:<resolved path>
  int inputs = 100;                  // inputs run in QEMU and compared with the int8 reference
  int calibration_samples = 200;     // evenly spaced train examples that set the int8 ranges
  std::string qat = "auto";          // quantization-aware fine-tuning: auto, on or off (hwnas quantize --qat)
  int qat_epochs = 2;                // its epochs (--qat-epochs)
};

// Checks every key and value; errors name the file, line and key path (`deploy.inputs`).
DeployConfig parse_deploy(const YamlSource& src, const YAML::Node& node);

}  // namespace hwnas::exp
