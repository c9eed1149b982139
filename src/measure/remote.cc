#include "hwnas/measure/remote.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "hwnas/core/error.h"

namespace hwnas::measure {
namespace {

namespace fs = std::filesystem;

const char* const kNameChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/";

struct Probe {
  RemoteMachine machine;
  std::string dir;  // the mktemp -d directory, when asked for
};

// One connection that names the machine and, when files are to be copied, makes their
// directory: one subdirectory per file, so a model and weights of the same name both fit.
Probe probe(const RemoteOptions& o, int copies) {
  std::string script =
      "echo \"name=$(uname -n)\"; echo \"arch=$(uname -m)\"; "
      "echo \"cpu=$( (grep -m1 '^Model' /proc/cpuinfo || grep -m1 '^model name' /proc/cpuinfo) 2>/dev/null | "
      "cut -d: -f2-)\"";
  if (copies > 0) {
    script += "; t=$(mktemp -d) || exit 1; cd \"$t\" || exit 1";
    for (int i = 0; i < copies; ++i) script += fmt::format("; mkdir {} || exit 1", i);
    script += "; echo \"dir=$t\"";
  }
  const ProcessResult r = run_process(ssh_argv(o.ssh, "sh -c " + shell_quote(script)), {},
                                      o.ssh.connect_timeout_s + std::min(o.timeout_s, 60.0));
  check_ssh_result(r, o.ssh, "connecting");
  std::map<std::string, std::string> kv;
  size_t start = 0;
  while (start < r.out.size()) {
    size_t end = r.out.find('\n', start);
    if (end == std::string::npos) end = r.out.size();
    const std::string line = r.out.substr(start, end - start);
    start = end + 1;
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string value = line.substr(eq + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t\r") + 1);
    kv[line.substr(0, eq)] = value;
  }
  Probe p{{kv["name"], kv["arch"], kv["cpu"]}, kv["dir"]};
  if (p.machine.name.empty())
    fail(o.ssh.target.url, "the machine did not say its name (uname -n); is it a Linux/POSIX system?");
  // The directory is used in scp's destination and a script: only plain characters.
  if (copies > 0 && (p.dir.empty() || p.dir[0] != '/' || p.dir.find_first_not_of(kNameChars) != std::string::npos))
    fail(o.ssh.target.url, "mktemp -d gave an unexpected directory '{}' (stdout: {}; stderr: {})", p.dir, r.out,
         stderr_summary(r.err));
  return p;
}

// Best effort after a failure: the directory should not outlive the attempt.
void remove_dir(const RemoteOptions& o, const std::string& dir) {
  if (dir.empty()) return;
  try {
    run_process(ssh_argv(o.ssh, "rm -rf " + shell_quote(dir)), {}, o.ssh.connect_timeout_s + 30.0);
  } catch (const Error&) {
  }
}

// The copy of local `path` in remote `dir`: `path`'s last component, under `dir`.
std::string copy_to(const RemoteOptions& o, const std::string& path, const std::string& dir) {
  // Absolute, so scp never reads a "name:x" as a host; "dir/" as "dir", whose name is kept.
  std::string source = fs::absolute(fs::path(path)).lexically_normal().string();
  while (source.size() > 1 && source.back() == '/') source.pop_back();
  const std::string name = fs::path(source).filename().string();
  const ProcessResult r = run_process(scp_argv(o.ssh, source, dir), {}, o.ssh.connect_timeout_s + o.timeout_s);
  check_ssh_result(r, o.ssh, "copying " + path + " to " + dir);
  return dir + "/" + name;
}

// The hwnas step's own failures, once ssh itself is known to have worked.
[[noreturn]] void fail_hwnas(const ProcessResult& r, const RemoteOptions& o) {
  const int code = r.exit_code();
  const std::string err = stderr_summary(r.err);
  if (code == 124 || code == 137)
    fail(o.ssh.target.url,
         "hwnas measure did not finish within --remote-timeout {:g} s and was stopped there; raise "
         "--remote-timeout or lower --budget-s",
         o.timeout_s);
  if (code == 127 || code == 126)
    fail(o.ssh.target.url,
         "cannot run '{}' there ({}): install hwnas on the board with the README's command, or pass "
         "--remote-hwnas PATH to where it is",
         o.hwnas, err.empty() ? r.describe() : err);
  fail(o.ssh.target.url, "hwnas measure {} there: {}", r.describe(), err.empty() ? "(it printed no error)" : err);
}

double number(const nlohmann::json& j, const char* key) { return j.at(key).get<double>(); }

}  // namespace

std::string remote_measure_script(const std::string& hwnas, const std::vector<std::string>& measure_args,
                                  const std::string& dir, double timeout_s) {
  std::string command = shell_quote(hwnas) + " measure --json";
  for (const auto& a : measure_args) command += " " + shell_quote(a);
  std::string script;
  if (!dir.empty()) script += "cd " + shell_quote(dir) + " || exit 1; ";
  // GNU timeout signals its whole process group, so whatever hwnas started goes too; -k: KILL
  // 10 s after TERM. Without timeout, the local deadline kills ssh (and the run may go on).
  script += fmt::format("if command -v timeout >/dev/null 2>&1; then timeout -k 10 {:g} {}; else {}; fi; rc=$?; ",
                        timeout_s, command, command);
  if (!dir.empty()) script += "rm -rf " + shell_quote(dir) + "; ";
  return script + "exit $rc";
}

Measurement measurement_from_json(const nlohmann::json& j) {
  try {
    Measurement m;
    m.model = j.at("model").get<std::string>();
    m.backend = j.at("backend").get<std::string>();
    const auto dtype = ir::dtype_from_name(j.at("dtype").get<std::string>());
    if (!dtype) fail("dtype", "unknown dtype {}", j.at("dtype").dump());
    m.dtype = *dtype;
    m.threads = j.at("threads").get<int>();
    m.confidence = number(j, "confidence");
    Summary& s = m.timing.summary;
    s.median = number(j, "median_ms"), s.p10 = number(j, "p10_ms"), s.p90 = number(j, "p90_ms");
    s.mean = number(j, "mean_ms"), s.min = number(j, "min_ms"), s.cv = number(j, "cv");
    s.runs = j.at("runs").get<int>();
    if (!j.at("ci_low_ms").is_null()) s.ci_low = number(j, "ci_low_ms");
    if (!j.at("ci_high_ms").is_null()) s.ci_high = number(j, "ci_high_ms");
    m.timing.converged = j.at("converged").get<bool>();
    m.timing.noisy = j.at("noisy").get<bool>();
    m.timing.spent_s = number(j, "spent_s");
    m.timing.note = j.at("note").get<std::string>();
    m.pinning.pinned = j.at("pinned").get<bool>();
    m.pinning.cpus = j.at("cpus").get<std::vector<int>>();
    m.pinning.note = j.at("pinning").get<std::string>();
    m.fallback_nodes = j.at("fallback_nodes").get<int>();
    m.execution = j.at("execution").get<std::string>();
    return m;
  } catch (const nlohmann::json::exception& e) {
    fail("measurement JSON", "{}", e.what());
  }
}

RemoteMeasurement measure_remote(const RemoteRequest& request, const RemoteOptions& o) {
  if (o.timeout_s <= 0) fail("--remote-timeout", "must be positive, got {:g}", o.timeout_s);
  if (!o.ssh.key.empty() && !fs::is_regular_file(o.ssh.key))
    fail("--ssh-key " + o.ssh.key, "no such key file (a private key, e.g. ~/.ssh/id_ed25519)");
  std::error_code ec;
  const bool copy_model = fs::exists(request.model, ec);
  if (!request.weights.empty() && !fs::is_regular_file(request.weights))
    fail("--weights " + request.weights, "no such file");
  const int copies = (copy_model ? 1 : 0) + (request.weights.empty() ? 0 : 1);
  const Probe p = probe(o, copies);

  std::vector<std::string> args;
  try {
    int next = 0;
    args.push_back(copy_model ? copy_to(o, request.model, fmt::format("{}/{}", p.dir, next++)) : request.model);
    args.insert(args.end(), request.args.begin(), request.args.end());
    if (!request.weights.empty())
      args.insert(args.end(), {"--weights", copy_to(o, request.weights, fmt::format("{}/{}", p.dir, next++))});
  } catch (const Error&) {
    remove_dir(o, p.dir);
    throw;
  }

  // The local deadline backs up the remote `timeout`: connecting, then the grace of -k.
  const std::string script = remote_measure_script(o.hwnas, args, p.dir, o.timeout_s);
  const ProcessResult r =
      run_process(ssh_argv(o.ssh, "sh -c " + shell_quote(script)), {}, o.timeout_s + o.ssh.connect_timeout_s + 15);
  if (r.timed_out) remove_dir(o, p.dir);
  // Killed here, or ssh's own failure (255); any other code is the remote command's.
  if (!r.exited() || r.exit_code() == 255) check_ssh_result(r, o.ssh, "running hwnas measure");
  if (!r.exited_ok()) fail_hwnas(r, o);

  RemoteMeasurement out;
  const size_t brace = r.out.find('{');
  out.json = nlohmann::json::parse(brace == std::string::npos ? r.out : r.out.substr(brace), nullptr, false);
  if (out.json.is_discarded() || !out.json.is_object())
    fail(o.ssh.target.url, "hwnas measure --json printed no JSON object there (an old hwnas?): {}",
         r.out.substr(0, 300));
  try {
    out.measurement = measurement_from_json(out.json);
  } catch (const Error& e) {
    throw e.within(o.ssh.target.url);
  }
  out.machine = p.machine;
  out.url = o.ssh.target.url;
  out.hwnas = o.hwnas;
  out.json["remote"] = {{"host", p.machine.name},
                        {"arch", p.machine.arch},
                        {"cpu", p.machine.cpu},
                        {"url", o.ssh.target.url},
                        {"hwnas", o.hwnas}};
  return out;
}

std::string to_text(const RemoteMeasurement& r) {
  std::string where = r.machine.name;
  std::string about = r.machine.cpu;
  if (!r.machine.arch.empty()) about += (about.empty() ? "" : ", ") + r.machine.arch;
  if (!about.empty()) where += " (" + about + ")";
  return to_text(r.measurement) + "\n  measured on " + where + " over " + r.url;
}

}  // namespace hwnas::measure
