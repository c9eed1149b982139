// The torch-free part of qat.h (mode, the auto rule, the fine-tuning's options): compiled into both
// hwnas_train and the CLI's hwnas_train_loader, which decides before loading the plugin.
#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/train/qat.h"

namespace hwnas::train {

std::string_view qat_mode_name(QatMode m) {
  switch (m) {
    case QatMode::off:
      return "off";
    case QatMode::on:
      return "on";
    case QatMode::automatic:
      break;
  }
  return "auto";
}

QatMode parse_qat_mode(std::string_view name, std::string_view flag) {
  for (QatMode m : {QatMode::off, QatMode::on, QatMode::automatic})
    if (qat_mode_name(m) == name) return m;
  fail(std::string(flag) + " '" + std::string(name) + "'",
       "unknown; use auto (fine-tune when int8 loses more than {} point), on or off", kQatAutoPoints);
}

QatDecision decide_qat(QatMode mode, double fp32_top1, double int8_top1) {
  const double loss = fp32_top1 - int8_top1;
  switch (mode) {
    case QatMode::off:
      return {false, "qat off: post-training int8 only"};
    case QatMode::on:
      return {true, fmt::format("qat on: int8 is {:.2f} points below fp32", loss)};
    case QatMode::automatic:
      break;
  }
  if (loss > kQatAutoPoints)
    return {true, fmt::format("qat auto: int8 is {:.2f} points below fp32, more than {}", loss, kQatAutoPoints)};
  return {false, fmt::format("qat auto: int8 is {:.2f} points below fp32, within {}; post-training int8 kept", loss,
                             kQatAutoPoints)};
}

TrainOptions qat_train_options(const TrainOptions& trained, int epochs, double lr_scale) {
  if (epochs < 1)
    fail("QAT epochs", "must be at least 1, got {} (turn QAT off instead of asking for 0 epochs)", epochs);
  if (!(lr_scale > 0)) fail("QAT learning-rate scale", "must be positive, got {}", lr_scale);
  TrainOptions o = trained;
  o.epochs = epochs;
  o.schedule_epochs = 0;
  o.lr = trained.lr * lr_scale;
  o.warmup_epochs = 0;
  o.cosine = true;
  o.patience = 0;
  return o;
}

}  // namespace hwnas::train
