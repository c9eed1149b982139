#pragma once
// `hwnas predictor fit` without --prior: a device profile fitted to a table of measured
// whole-model latencies of a space's architectures, or of models of any kind (a handful of
// phone measurements of the user's own models). Loads the table with each row's
// calibration terms on the base profile (load_calibration_data), fits the factors
// (fit_factors, learn::ridge toward calibration_prior(base)), applies them to the base
// (apply_calibration, whose `calibration` text says what it was fitted on), names the result
// and writes it as device YAML (hw::to_yaml), which `--device <file> --model calibrated` reads.
//
//   const cost::DeviceFit f = cost::fit_device(hw::load_device("pixel3-cpu"), *space,
//       {.measurements = "m.csv", .arch_column = "arch_str", .latency_column = "raspi4_latency_ms",
//        .out = "raspi4-fit.yaml"});
//   f.device.name;           // "pixel3-cpu-fitted"
//   f.fit.factors;           // per calibration_term_names()
//   f.accuracy.within_10;    // on the measured rows themselves
#include <filesystem>
#include <string>
#include <vector>

#include "hwnas/cost/calibrated.h"
#include "hwnas/cost/calibration_fit.h"
#include "hwnas/cost/predictor_eval.h"
#include "hwnas/hw/device.h"
#include "hwnas/space/search_space.h"

namespace hwnas::cost {

struct DeviceFitOptions {
  std::filesystem::path measurements;  // the CSV
  std::string arch_column = "arch", latency_column = "latency_ms";
  ir::DType dtype = ir::DType::f32;
  std::string name;           // of the fitted device; default "<base>-fitted"
  std::filesystem::path out;  // the YAML to write (also the device's source); empty: none
};

struct DeviceFit {
  hw::Device device;  // the fitted profile
  FitResult fit;
  std::vector<double> prior;      // calibration_prior(base): the factors the base implies
  std::vector<double> predicted;  // the fit's prediction of each measured row
  std::vector<double> measured_ms;
  Accuracy accuracy;  // of `predicted` against the measurements
  int skipped = 0;    // rows without a latency
};

DeviceFit fit_device(const hw::Device& base, const space::SearchSpace& space, const DeviceFitOptions& o);
// The same on a table already loaded (load_calibration_data over models of any kind); `what`
// says what the rows are ("models", "nb201 archs") in the profile's calibration text.
DeviceFit fit_device(const hw::Device& base, const CalibrationData& d, const std::string& what,
                     const DeviceFitOptions& o);

}  // namespace hwnas::cost
