#include "child_process.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/error.h"

namespace hwnas::exp {
namespace {

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);  // not retried on EINTR: on Linux the descriptor is closed anyway
  fd = -1;
}

// Between fork and exec only async-signal-safe calls: no allocation, no locks, no exceptions.
[[noreturn]] void exec_child(char* const* argv, int in_fd, int out_fd, int err_fd, pid_t parent) {
  ::setpgid(0, 0);                          // a group of its own: killed as one
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);       // and with us, should we die first
  if (::getppid() != parent) ::_exit(127);  // we died before prctl took effect
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGCHLD}) ::sigaction(sig, &dfl, nullptr);  // SIG_IGN survives exec
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);  // the mask survives exec too
  // dup2 clears close-on-exec on the copies; the originals close at exec.
  if (::dup2(in_fd, STDIN_FILENO) < 0 || ::dup2(out_fd, STDOUT_FILENO) < 0) {
    const int e = errno;
    (void)!::write(err_fd, &e, sizeof e);
    ::_exit(127);
  }
  ::execvp(argv[0], argv);
  const int e = errno;
  (void)!::write(err_fd, &e, sizeof e);  // tells the parent why; err_fd closes at a successful exec
  ::_exit(127);
}

pid_t wait_for(pid_t pid, int* status, int flags) {
  for (;;) {
    const pid_t r = ::waitpid(pid, status, flags);
    if (r >= 0 || errno != EINTR) return r;
  }
}

}  // namespace

std::unique_ptr<ChildProcess> ChildProcess::spawn(const std::vector<std::string>& argv) {
  if (argv.empty()) fail("executor", "the worker command is empty");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // Close-on-exec from birth (pipe2), so a fork on another thread never leaks them.
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0) fail("executor", "pipe: {}", std::strerror(errno));
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]), ::close(in[1]);
    fail("executor", "pipe: {}", std::strerror(errno));
  }
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(in[0]), ::close(in[1]), ::close(out[0]), ::close(out[1]);
    fail("executor", "pipe: {}", std::strerror(errno));
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) exec_child(args.data(), in[0], out[1], err[1], parent);
  const int fork_errno = errno;
  ::close(in[0]), ::close(out[1]), ::close(err[1]);
  if (pid < 0) {
    ::close(in[1]), ::close(out[0]), ::close(err[0]);
    fail("executor", "fork: {}", std::strerror(fork_errno));
  }
  ::setpgid(pid, pid);  // also here, so the group exists before we might kill it (races with the child's)
  auto child = std::unique_ptr<ChildProcess>(new ChildProcess(pid, in[1], out[0]));
  int exec_errno = 0;
  ssize_t n;
  do n = ::read(err[0], &exec_errno, sizeof exec_errno);
  while (n < 0 && errno == EINTR);
  ::close(err[0]);
  if (n > 0) {
    child->kill_and_reap();
    fail(fmt::format("executor: worker command '{}'", fmt::join(argv, " ")), "cannot run it: {}",
         std::strerror(exec_errno));
  }
  return child;
}

ChildProcess::~ChildProcess() {
  kill_and_reap();
  close_fd(in_fd_);
  close_fd(out_fd_);
}

bool ChildProcess::send(std::string_view data) {
  if (in_fd_ < 0) return false;
  // A write to a pipe nobody reads raises SIGPIPE, which would end this process. Block it on
  // this thread for the write and swallow the one our write raised, leaving others' alone.
  sigset_t pipe_set, old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  sigset_t pending;
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE);
  bool ok = true;
  while (!data.empty()) {
    const ssize_t n = ::write(in_fd_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ok = false;
      break;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  if (!ok && errno == EPIPE && !was_pending) {
    const timespec zero{};
    while (sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return ok;
}

bool ChildProcess::read_some(std::string& buffer) {
  char chunk[4096];
  for (;;) {
    const ssize_t n = ::read(out_fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;  // end of file, or an error that means the same here
    buffer.append(chunk, static_cast<size_t>(n));
    return true;
  }
}

void ChildProcess::close_input() { close_fd(in_fd_); }

int ChildProcess::reap(double grace_s) {
  if (reaped_) return 0;
  // Wait for it to exit without reaping it (WNOWAIT): while it is a zombie its process group id
  // cannot be reused, so the group kill below reaches only what it left behind.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(grace_s);
  for (;;) {
    siginfo_t info{};
    const int r = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT);
    if ((r == 0 && info.si_pid == pid_) || (r < 0 && errno != EINTR)) break;
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ::kill(-pid_, SIGKILL);  // the group: the worker and anything it started
  int status = 0;
  wait_for(pid_, &status, 0);
  reaped_ = true;
  return status;
}

}  // namespace hwnas::exp
