#pragma once
// Remote measurement over SSH: `hwnas measure` run on a Linux board (a Raspberry Pi, say)
// that has hwnas installed, driven from here with the system OpenSSH client. The model is
// copied when it is a local file or directory (graph JSON, ONNX, a trained model directory)
// into a fresh `mktemp -d` on the board, measured there with `hwnas measure --json`, and the
// directory removed again; built-in names go as they are. Every ssh and scp runs through
// run_process() with a deadline, BatchMode=yes (never a password prompt) and a ConnectTimeout,
// and its failures become hwnas::Errors that name the host and the fix.
//
//   measure::RemoteOptions o;
//   o.ssh.target = measure::parse_ssh_url("ssh://pi@raspberrypi.local");
//   o.ssh.key = "/home/me/.ssh/id_ed25519";
//   auto r = measure::measure_remote({.model = "mobilenetv2-1.0", .args = {"--threads", "4"}}, o);
//   fmt::print("{}\n", measure::to_text(r));   // the local figures' line + "measured on raspberrypi ..."
//
// The remote command line is one string that the remote shell parses, so every word of it is
// single-quoted (shell_quote); nothing the user typed reaches a shell unquoted. The transport
// (URL, argv, failures in words) is measure/ssh.h.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hwnas/measure/measure_model.h"
#include "hwnas/measure/ssh.h"

namespace hwnas::measure {

struct RemoteOptions {
  SshOptions ssh;
  std::string hwnas = "hwnas";  // the hwnas program on the remote machine
  double timeout_s = 600;       // the remote command's limit (each copy's too)
};

// What to measure: the model reference as the user gave it, and `hwnas measure` options
// (without --json) to pass on as they are. A model or --weights that names an existing local
// path is copied; the copy's path replaces it on the remote command line.
struct RemoteRequest {
  std::string model;
  std::vector<std::string> args;
  std::string weights;  // a local .hwnasw file, or empty
};

// The machine the figures came from, as it describes itself.
struct RemoteMachine {
  std::string name;  // uname -n
  std::string arch;  // uname -m
  std::string cpu;   // /proc/cpuinfo's "Model" (a Pi's board) or "model name"; may be empty
};

struct RemoteMeasurement {
  Measurement measurement;  // read back from the remote JSON
  nlohmann::json json;      // that JSON as printed, plus "remote": {"host", "arch", "cpu", "url", "hwnas"}
  RemoteMachine machine;
  std::string url, hwnas;
};

RemoteMeasurement measure_remote(const RemoteRequest& request, const RemoteOptions& o);

// to_text() of the measurement, then where it was measured:
//   "  measured on raspberrypi (Raspberry Pi 4 Model B Rev 1.4, aarch64) over ssh://pi@raspberrypi.local"
std::string to_text(const RemoteMeasurement& r);

// The pieces, public for their tests.

// The `sh -c` script that runs `hwnas measure --json` in `dir` (empty: the login directory)
// under `timeout` when the machine has it, then removes `dir`; exits with hwnas's code
// (124 when timeout stopped it).
std::string remote_measure_script(const std::string& hwnas, const std::vector<std::string>& measure_args,
                                  const std::string& dir, double timeout_s);
// Measurement from to_json()'s object; throws when a figure is missing.
Measurement measurement_from_json(const nlohmann::json& j);

}  // namespace hwnas::measure
