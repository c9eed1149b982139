#include "hwnas/cost/device_fit.h"

#include <fmt/format.h>

#include "hwnas/core/files.h"

namespace hwnas::cost {

DeviceFit fit_device(const hw::Device& base, const space::SearchSpace& space, const DeviceFitOptions& o) {
  return fit_device(base, load_calibration_data(o.measurements, space, o.arch_column, o.latency_column, base, o.dtype),
                    space.name() + " archs", o);
}

DeviceFit fit_device(const hw::Device& base, const CalibrationData& d, const std::string& what,
                     const DeviceFitOptions& o) {
  DeviceFit f;
  f.prior = calibration_prior(base);
  f.fit = fit_factors({d.terms, d.measured_ms, f.prior});
  const std::string calibration = fmt::format(
      "calibrated model fitted to {} measured {} ({}, column {}) on base {}; RMS error {:.1f}% (leave-one-out "
      "{:.1f}%); use it with --model calibrated",
      d.measured_ms.size(), what, o.measurements.string(), o.latency_column, base.name, 100 * f.fit.train_rel_rmse,
      100 * f.fit.loo_rel_rmse);
  f.device = apply_calibration(base, f.fit, calibration);
  f.device.name = o.name.empty() ? base.name + "-fitted" : o.name;
  if (!o.out.empty()) {
    f.device.source = o.out.string();
    write_file_atomic(o.out, hw::to_yaml(f.device));
  }
  for (const auto& row : d.terms) f.predicted.push_back(fitted_ms(f.fit, row));
  f.measured_ms = d.measured_ms;
  f.accuracy = accuracy(f.predicted, f.measured_ms);
  f.skipped = d.skipped;
  return f;
}

}  // namespace hwnas::cost
