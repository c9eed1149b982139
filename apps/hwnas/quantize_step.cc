#include "quantize_step.h"

#include <algorithm>
#include <cstdio>
#include <memory>

#include <unistd.h>

#include <fmt/format.h>

#include "hwnas/exp/task_progress.h"
#include "hwnas/quant/calibration.h"
#include "table.h"

namespace hwnas::cli {

double Quantized::agreement() const {
  return 100.0 * static_cast<double>(cmp.agree) / static_cast<double>(std::max<int64_t>(1, cmp.fp32.examples()));
}

data::Split calibration_split(const data::Dataset& ds, data::Split evaluated) {
  for (data::Split s : {data::Split::train, data::Split::validation})
    if (ds.size(s) > 0) return s;
  return evaluated;
}

Quantized quantize_on_dataset(const ir::Graph& g, const runtime::InferenceParams& params, const data::Dataset& ds,
                              data::Split split, const QuantizeSettings& s) {
  quant::check_quantizable(g, params);  // before the long calibration
  Quantized q;
  q.calibration_split = calibration_split(ds, split);
  const auto cal_idx = quant::spaced_indices(ds.size(q.calibration_split), s.calibration_samples);
  q.calibration_examples = cal_idx.size();
  const quant::CalibrationOptions cal{.policy = quant::range_policy_from_name(s.policy), .percentile = s.percentile};
  q.ranges = quant::calibrate(g, params, quant::dataset_samples(g, ds, q.calibration_split, cal_idx), cal);
  q.calibration_source =
      fmt::format("{} ranges over {} {} examples of {}{}", s.policy, cal_idx.size(),
                  data::split_name(q.calibration_split), ds.reference(),
                  q.calibration_split == split
                      ? fmt::format(" (the dataset has no train or validation split: calibrated on the "
                                    "evaluated {} split itself)",
                                    data::split_name(split))
                      : "");
  q.model = quant::quantize_model(g, params, q.ranges, {.per_channel_fc = !s.per_tensor_fc});

  const auto idx = quant::spaced_indices(ds.size(split), s.max_examples);
  std::unique_ptr<exp::TaskProgress> bar;
  if (::isatty(STDERR_FILENO) || idx.size() > 2000)
    bar = std::make_unique<exp::TaskProgress>(stderr, ::isatty(STDERR_FILENO), "evaluating fp32 and int8", "examples");
  q.cmp = quant::compare_on_dataset(q.model, params, ds, split, idx, [&](int64_t done, int64_t total) {
    if (bar) bar->update(done, total);
  });
  bar.reset();
  const std::string on = fmt::format("on {} {} examples of {}", group_digits(q.cmp.fp32.examples()),
                                     data::split_name(split), ds.reference());
  q.fp32_source = "measured (reference kernels f32, BatchNorm folded, " + on + ")";
  q.int8_source = "measured (quant int8 reference kernels, TFLite arithmetic, " + on + ")";
  return q;
}

}  // namespace hwnas::cli
