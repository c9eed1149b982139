#include "hwnas/exp/task_progress.h"

#include <algorithm>

#include <fmt/format.h>

namespace hwnas::exp {
namespace {

std::string commas(int64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

}  // namespace

TaskProgress::TaskProgress(std::FILE* out, bool terminal, std::string what, std::string unit)
    : out_(out), terminal_(terminal), what_(std::move(what)), unit_(std::move(unit)) {}

std::string TaskProgress::line(const std::string& what, const std::string& unit, int64_t done, int64_t total,
                               double elapsed_s) {
  std::string text = fmt::format("{} {}/{} {}", what, commas(done), commas(total), unit);
  if (elapsed_s <= 0 || done <= 0) return text;
  const double rate = static_cast<double>(done) / elapsed_s;
  text += fmt::format(" | {:.1f} {}/s", rate, unit);
  if (done < total) text += fmt::format(", ETA {:.0f} s", static_cast<double>(total - done) / rate);
  else text += fmt::format(", {:.1f} s", elapsed_s);
  return text;
}

void TaskProgress::update(int64_t done, int64_t total) {
  const auto now = std::chrono::steady_clock::now();
  const bool finished = done >= total;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (terminal_) {
    if (!finished && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    const double fraction = total > 0 ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total)) : 1.0;
    const int full = static_cast<int>(fraction * 24 + 0.5);
    fmt::print(out_, "\r\x1b[2K[{}{}] {}{}", std::string(full, '#'), std::string(24 - full, '.'),
               line(what_, unit_, done, total, elapsed), finished ? "\n" : "");
  } else {
    const int tenth = total > 0 ? static_cast<int>(10 * done / total) : 10;
    if (!finished && tenth == last_tenth_) return;
    if (finished && last_tenth_ == 10) return;
    last_tenth_ = tenth;
    fmt::print(out_, "{}\n", line(what_, unit_, done, total, elapsed));
  }
  std::fflush(out_);
}

}  // namespace hwnas::exp
