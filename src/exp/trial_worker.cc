#include "hwnas/exp/trial_worker.h"

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace hwnas::exp {

int serve_trials(std::FILE* in, std::FILE* out, const TrialEvaluator& evaluate,
                 const std::map<std::string, std::string>& metrics) {
  const auto say = [out](const nlohmann::json& j) {
    const std::string line = j.dump() + "\n";
    std::fwrite(line.data(), 1, line.size(), out);
    std::fflush(out);  // the executor is waiting for this very line
  };
  say({{"ready", true}, {"metrics", metrics}});
  char* buf = nullptr;
  size_t cap = 0;
  int code = 0;
  for (;;) {
    errno = 0;
    const ssize_t n = ::getline(&buf, &cap, in);
    if (n < 0 && errno == EINTR && !std::feof(in)) {  // interrupted by a signal: read on
      std::clearerr(in);
      continue;
    }
    if (n < 0) break;  // end of input: the executor is done with us
    std::string_view line(buf, static_cast<size_t>(n));
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.find_first_not_of(" \t\r\n") == std::string_view::npos) continue;
    TrialRequest req;
    try {
      req = request_from_json(nlohmann::json::parse(line));
    } catch (const std::exception& e) {
      fmt::print(stderr, "trial worker: not a trial request: {} ({})\n", line, e.what());
      code = 2;
      break;
    }
    TrialResult r;
    try {
      r = evaluate(req);
    } catch (const std::exception& e) {  // evaluators report failures; one that throws still fails only its trial
      r.status = TrialOutcome::Failed;
      r.error = e.what();
    }
    r.id = req.id;
    say(to_json(r));
  }
  std::free(buf);
  return code;
}

int serve_trials_on_stdio(const TrialEvaluator& evaluate, const std::map<std::string, std::string>& metrics) {
  std::fflush(stdout);
  const int protocol_fd = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (protocol_fd < 0 || ::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
    fmt::print(stderr, "trial worker: cannot set up its output: {}\n", std::strerror(errno));
    return 2;
  }
  std::FILE* out = ::fdopen(protocol_fd, "w");
  if (!out) {
    fmt::print(stderr, "trial worker: fdopen: {}\n", std::strerror(errno));
    return 2;
  }
  const int code = serve_trials(stdin, out, evaluate, metrics);
  std::fclose(out);
  return code;
}

}  // namespace hwnas::exp
