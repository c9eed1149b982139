#include "hwnas/data/espeak.h"

#include <sys/wait.h>
#include <cctype>
#include <cstdio>

#include "hwnas/core/error.h"
#include "hwnas/data/resample.h"
#include "hwnas/data/wav.h"

namespace hwnas::data {
namespace {

bool shell_safe(std::string_view s, std::string_view extra) {
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && extra.find(c) == std::string_view::npos) return false;
  return !s.empty();
}

}  // namespace

std::vector<float> speak(std::string_view text, const SpeechParams& p, int sample_rate) {
  if (!shell_safe(text, " .,!?'-"))
    fail(std::string(text), "text for espeak-ng may hold only letters, digits, spaces and .,!?'-");
  if (!shell_safe(p.voice, "+-_")) fail(p.voice, "not an espeak-ng voice name (letters, digits, + - _)");
  const std::string cmd = fmt::format("espeak-ng -v {} -s {} -p {} -a {} -g {} --stdout \"{}\" 2>/dev/null", p.voice,
                                      p.rate, p.pitch, p.amplitude, p.word_gap, text);
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) fail(cmd, "cannot run espeak-ng");
  std::string bytes;
  char buf[65536];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) bytes.append(buf, n);
  const int status = ::pclose(pipe);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
      fail("espeak-ng", "not found; install the Debian package espeak-ng (scripts/install-deps.sh)");
    fail(cmd, "espeak-ng failed (status {}); run the command to see its message", status);
  }
  if (bytes.compare(0, 4, "RIFF") != 0) fail(cmd, "espeak-ng wrote no WAV ({} bytes)", bytes.size());
  const WavData w = parse_wav(bytes, "espeak-ng output for '" + std::string(text) + "'");
  std::vector<float> x(w.samples.size() / std::max(1, w.channels));
  for (size_t i = 0; i < x.size(); ++i) x[i] = w.samples[i * w.channels] / 32768.0f;
  return resample(x, w.sample_rate, sample_rate);
}

}  // namespace hwnas::data
