#pragma once
// The trainer's progress on stderr, for hwnas train and QAT in hwnas quantize (qat_step.h).
#include <cstdio>
#include <string>

#include "hwnas/train/trainer.h"

namespace hwnas::cli {

// One line redrawn in place on a terminal: epoch, batch bar, running loss, ETA of the epoch
// and of the run (from the mean time per batch so far); elsewhere one line per epoch.
class TrainBar {
 public:
  explicit TrainBar(bool terminal) : terminal_(terminal) {}
  void update(const train::TrainProgress& p) {
    const double done = (p.epoch - 1) + static_cast<double>(p.batch) / static_cast<double>(p.batches);
    const double eta = done > 0 ? p.seconds / done * (p.epochs - done) : 0;
    if (p.epoch_done) {
      if (terminal_) std::fputs("\r\033[K", stderr);
      const train::EpochLog& e = p.log;
      std::fprintf(stderr,
                   "epoch %d/%d  lr %.4g  train loss %.4f acc %.2f%%  val loss %.4f acc %.2f%%  %.1f s  (ETA %.0f s)\n",
                   e.epoch, p.epochs, e.lr, e.train_loss, e.train_acc, e.val_loss, e.val_acc, e.seconds, eta);
      return;
    }
    if (!terminal_ || (p.batch % 5 != 0 && p.batch != p.batches)) return;
    const int width = 30, filled = static_cast<int>(width * p.batch / p.batches);
    std::fprintf(stderr, "\r\033[Kepoch %d/%d [%s%s] %lld/%lld loss %.4f  ETA %.0f s", p.epoch, p.epochs,
                 std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(),
                 static_cast<long long>(p.batch), static_cast<long long>(p.batches), p.loss, eta);
  }

 private:
  bool terminal_;
};

}  // namespace hwnas::cli
