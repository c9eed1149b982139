#include "hwnas/exp/progress.h"

#include <fmt/format.h>

namespace hwnas::exp {
namespace {

int done(const Progress& p) { return static_cast<int>(p.trials->size()); }

std::string bar(double fraction, int width) {
  const int full = static_cast<int>(fraction * width + 0.5);
  return "[" + std::string(std::min(full, width), '#') + std::string(std::max(0, width - full), '.') + "]";
}

}  // namespace

std::string ProgressPrinter::line(const Progress& p) {
  const RunSummary s = summarize(*p.info, *p.trials, p.skipped);
  std::string text = fmt::format("{}/{} trials", done(p), p.budget);
  if (p.replayed) text += fmt::format(" ({} from the store)", p.replayed);
  if (p.rungs_replayed)  // a resumed multi-fidelity search: evaluations (trainings) not done again
    text += fmt::format(", {} rung evaluation{} from the store", p.rungs_replayed, p.rungs_replayed == 1 ? "" : "s");
  if (s.failed) text += fmt::format(", {} failed", s.failed);
  if (s.infeasible) text += fmt::format(", {} infeasible", s.infeasible);
  if (s.pruned) text += fmt::format(", {} pruned", s.pruned);
  if (p.skipped) text += fmt::format(", {} skipped (cheap limits)", p.skipped);
  const double rate = p.elapsed_s > 0 ? p.evaluated / p.elapsed_s : 0;
  text += fmt::format(" | {:.1f} trials/s", rate);
  if (!p.finished && rate > 0) text += fmt::format(", ETA {:.0f} s", std::max(0, p.budget - done(p)) / rate);
  for (size_t o = 0; o < p.info->objectives.size(); ++o) {
    const auto& obj = p.info->objectives[o];
    text += fmt::format(" | best {} ", obj.metric);
    text += s.best[o] ? format_value(s.trials[*s.best[o]].metrics.at(obj.metric)) : "-";
  }
  text += fmt::format(" | front {}", s.front.size());
  return text;
}

void ProgressPrinter::update(const Progress& p) {
  const int n = done(p);
  if (terminal_) {
    const auto now = std::chrono::steady_clock::now();
    if (!p.finished && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    const double fraction = p.budget > 0 ? std::min(1.0, static_cast<double>(n) / p.budget) : 1.0;
    fmt::print(out_, "\r\x1b[2K{} {}{}", bar(fraction, 24), line(p), p.finished ? "\n" : "");
  } else {
    if (!p.finished && (n == last_printed_ || n % every_ != 0)) return;
    last_printed_ = n;
    fmt::print(out_, "{}{}\n", p.finished ? "done: " : "", line(p));
  }
  std::fflush(out_);
}

}  // namespace hwnas::exp
