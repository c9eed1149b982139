#pragma once
// exp::ChildProcess (private to the process executor): one child started with fork+exec in a
// process group of its own, its stdin and stdout on pipes, every other descriptor of ours closed
// on exec. It dies with the thread that started it (PR_SET_PDEATHSIG), and killing it kills its
// whole group, so nothing it started outlives it. The destructor kills and reaps it: a
// ChildProcess never leaves a zombie.
//
//   auto c = ChildProcess::spawn({"hwnas", "trial-worker", "exp.yaml"});   // throws if exec fails
//   c->send("{...}\n");                      // false: the pipe is broken (the child is gone)
//   poll({c->output_fd(), POLLIN}) ...; c->read_some(buffer);   // false at end of output
//   int status = c->kill_and_reap();         // SIGKILL to the group, then waitpid
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace hwnas::exp {

class ChildProcess {
 public:
  static std::unique_ptr<ChildProcess> spawn(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  int output_fd() const { return out_fd_; }
  // Writes all of `data` to its stdin; false when the child closed it (no SIGPIPE is raised).
  bool send(std::string_view data);
  // Appends what one read() gives (call after poll() says readable); false at end of file.
  bool read_some(std::string& buffer);
  // Closes its stdin: a worker reads end of file and exits.
  void close_input();
  // Waits up to `grace_s` for it to exit, then SIGKILLs its group; returns the wait status.
  int reap(double grace_s);
  int kill_and_reap() { return reap(0); }

 private:
  ChildProcess(pid_t pid, int in_fd, int out_fd) : pid_(pid), in_fd_(in_fd), out_fd_(out_fd) {}
  pid_t pid_;
  int in_fd_;
  int out_fd_;
  bool reaped_ = false;
};


}  // namespace hwnas::exp
