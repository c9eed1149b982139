#pragma once
// What a test can see of the processes and threads it left behind: the executor tests check
// that nothing keeps running after a hung or crashed trial.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/types.h>
#include <unistd.h>

namespace hwnas::testing {

// "pid (comm) S ppid ...": the state and parent of a process; comm may hold spaces and ')'.
inline bool read_stat(pid_t pid, char& state, pid_t& ppid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream rest(text.substr(close + 1));
  return static_cast<bool>(rest >> state >> ppid);
}

// Every process whose parent is this one, zombies included.
inline std::vector<pid_t> children_of_this_process() {
  std::vector<pid_t> kids;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    char state;
    pid_t ppid;
    if (read_stat(std::stoi(name), state, ppid) && ppid == ::getpid()) kids.push_back(std::stoi(name));
  }
  return kids;
}

// Running (or sleeping): not gone, and not a zombie waiting for its parent.
inline bool process_running(pid_t pid) {
  char state;
  pid_t ppid;
  return read_stat(pid, state, ppid) && state != 'Z' && state != 'X';
}

inline size_t thread_count() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

}  // namespace hwnas::testing
