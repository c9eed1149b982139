#include "hwnas/core/subprocess.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "hwnas/core/error.h"

namespace hwnas {
namespace {

using Clock = std::chrono::steady_clock;

// Between fork and exec only async-signal-safe calls: no allocation, no exceptions.
[[noreturn]] void exec_child(char* const* argv, const char* cwd, int out_fd, int err_fd, int report_fd, pid_t parent) {
  ::setpgid(0, 0);                     // a group of its own, killed as one at the deadline
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // and with us, should we die first
  if (::getppid() != parent) ::_exit(127);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGCHLD}) ::sigaction(sig, &dfl, nullptr);  // SIG_IGN survives exec
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  const int null_fd = ::open("/dev/null", O_RDONLY);
  int e = 0;
  if (null_fd < 0 || ::dup2(null_fd, STDIN_FILENO) < 0 || ::dup2(out_fd, STDOUT_FILENO) < 0 ||
      ::dup2(err_fd, STDERR_FILENO) < 0 || (cwd[0] != '\0' && ::chdir(cwd) != 0)) {
    e = errno;
  } else {
    ::execvp(argv[0], argv);
    e = errno;
  }
  (void)!::write(report_fd, &e, sizeof e);  // tells the parent why; report_fd closes at a successful exec
  ::_exit(127);
}

pid_t wait_for(pid_t pid, int* status) {
  for (;;) {
    const pid_t r = ::waitpid(pid, status, 0);
    if (r >= 0 || errno != EINTR) return r;
  }
}

void close_pair(int p[2]) {
  ::close(p[0]);
  ::close(p[1]);
}

}  // namespace

bool ProcessResult::exited() const { return !timed_out && WIFEXITED(status); }

int ProcessResult::exit_code() const { return exited() ? WEXITSTATUS(status) : -1; }

std::string ProcessResult::describe() const {
  if (timed_out) return fmt::format("did not finish within {:.3g} s and was killed", wall_s);
  return describe_wait_status(status);
}

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with code {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* abbrev = sigabbrev_np(sig);
    return fmt::format("was killed by signal {} (SIG{}: {})", sig, abbrev ? abbrev : "?", strsignal(sig));
  }
  return fmt::format("ended with wait status {}", status);
}

std::filesystem::path find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    const size_t colon = dirs.find(':');
    const std::string dir(dirs.substr(0, colon));
    dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    const auto candidate = std::filesystem::path(dir.empty() ? "." : dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate)) return candidate;
  }
  return {};
}

ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd, double timeout_s) {
  if (argv.empty()) fail("run_process", "the command is empty");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const std::string cwd_str = cwd.string();
  std::error_code ec;
  if (!cwd.empty() && !std::filesystem::is_directory(cwd, ec)) fail(cwd_str, "no such directory to run {} in", argv[0]);
  // Close-on-exec from birth (pipe2), so a fork on another thread never inherits them.
  int out[2], err[2], report[2];
  if (::pipe2(out, O_CLOEXEC) != 0) fail(argv[0], "pipe: {}", std::strerror(errno));
  if (::pipe2(err, O_CLOEXEC) != 0) {
    close_pair(out);
    fail(argv[0], "pipe: {}", std::strerror(errno));
  }
  if (::pipe2(report, O_CLOEXEC) != 0) {
    close_pair(out), close_pair(err);
    fail(argv[0], "pipe: {}", std::strerror(errno));
  }
  const auto start = Clock::now();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) exec_child(args.data(), cwd_str.c_str(), out[1], err[1], report[1], parent);
  const int fork_errno = errno;
  ::close(out[1]), ::close(err[1]), ::close(report[1]);
  if (pid < 0) {
    ::close(out[0]), ::close(err[0]), ::close(report[0]);
    fail(argv[0], "fork: {}", std::strerror(fork_errno));
  }
  ::setpgid(pid, pid);  // also here, so the group exists before we might kill it
  int exec_errno = 0;
  ssize_t n;
  do n = ::read(report[0], &exec_errno, sizeof exec_errno);
  while (n < 0 && errno == EINTR);
  ::close(report[0]);
  if (n > 0) {
    int status;
    wait_for(pid, &status);
    ::close(out[0]), ::close(err[0]);
    fail(argv[0], "cannot run it: {}", std::strerror(exec_errno));
  }

  // Drain both pipes until both close (the child and anything it started are gone) or the
  // deadline passes; a child that fills a pipe nobody reads would block forever.
  ProcessResult result;
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s));
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      result.timed_out = true;
      break;
    }
    const int r = ::poll(fds, 2, static_cast<int>(std::min<long long>(left, 1000)));
    if (r < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char chunk[8192];
      const ssize_t got = ::read(fds[i].fd, chunk, sizeof chunk);
      if (got > 0) {
        sinks[i]->append(chunk, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) ::close(f.fd);
  // Both pipes closed: the child has exited or is about to, unless it closed them itself.
  while (!result.timed_out) {
    const pid_t r = ::waitpid(pid, &result.status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) break;
    if (Clock::now() >= deadline) result.timed_out = true;
    else ::usleep(1000);
  }
  if (result.timed_out) {
    ::kill(-pid, SIGKILL);  // the group: the program and anything it started
    wait_for(pid, &result.status);
  }
  result.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace hwnas
