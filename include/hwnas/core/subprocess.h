#pragma once
// run_process: runs a program to completion with fork+exec, in a working directory of
// its choosing, its stdout and stderr captured, and a deadline after which it is killed
// (with its whole process group, so nothing it started outlives it). The compiler and QEMU
// runs of mcu/ and codegen/ go through it.
//
//   auto r = run_process({"arm-none-eabi-gcc", "--version"}, {}, 10);
//   if (!r.exited_ok()) ... r.describe() ... r.err ...
#include <filesystem>
#include <string>
#include <vector>

namespace hwnas {

struct ProcessResult {
  int status = 0;          // waitpid() status
  std::string out, err;    // everything it wrote to stdout and stderr
  double wall_s = 0;       // from fork to exit
  bool timed_out = false;  // killed at the deadline

  bool exited() const;      // exited by itself (not by a signal, not timed out)
  int exit_code() const;    // its exit code; -1 if it did not exit by itself
  bool exited_ok() const { return exited() && exit_code() == 0; }
  // "exited with code 3", "was killed by signal 11 (SIGSEGV: Segmentation fault)",
  // "did not finish within 5 s and was killed".
  std::string describe() const;
};

// A waitpid() status in words: "exited with code 3", "was killed by signal 11 (SIGSEGV: ...)".
std::string describe_wait_status(int status);

// Runs argv[0] (looked up on PATH when it has no '/') with the given arguments, stdin from
// /dev/null, in `cwd` (the current directory when empty). Throws hwnas::Error when it cannot
// be started (the error names the program); a program that fails is a result, not an error.
ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                          double timeout_s);

// The full path of `name` found on PATH, or an empty path.
std::filesystem::path find_on_path(const std::string& name);

}  // namespace hwnas
