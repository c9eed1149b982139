#include "hwnas/measure/remote.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "hwnas/core/error.h"

namespace hwnas::measure {
namespace {

namespace fs = std::filesystem;

const char* const kUrlForm =
    "expected ssh://[user@]host[:port], e.g. ssh://pi@raspberrypi.local or ssh://pi@10.0.0.7:2222";

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

bool all_of_chars(const std::string& s, bool (*ok)(char)) { return std::all_of(s.begin(), s.end(), ok); }

// ssh's own words without its chatter ("Warning: Permanently added ..."), at most ~600 chars.
std::string stderr_text(const std::string& err) {
  std::string kept;
  size_t start = 0;
  while (start < err.size()) {
    size_t end = err.find('\n', start);
    if (end == std::string::npos) end = err.size();
    std::string line = err.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.rfind("Warning: Permanently added", 0) == 0) continue;
    if (!kept.empty()) kept += "; ";
    kept += line;
  }
  if (kept.size() > 600) kept = "..." + kept.substr(kept.size() - 600);
  return kept;
}

bool has(const std::string& text, const char* needle) { return text.find(needle) != std::string::npos; }

std::string user_at_host(const SshTarget& t) { return t.user.empty() ? t.host : t.user + "@" + t.host; }

// Options shared by ssh and scp. BatchMode comes first: ssh keeps the first value it is given
// for an option, so no --ssh-option can bring back a password prompt that would hang.
std::vector<std::string> common_options(const RemoteOptions& o) {
  std::vector<std::string> v = {"-o", "BatchMode=yes"};
  if (!o.ssh_key.empty()) v.insert(v.end(), {"-i", o.ssh_key, "-o", "IdentitiesOnly=yes"});
  for (const auto& kv : o.ssh_options) {
    const size_t eq = kv.find('=');
    if (eq == 0 || eq == std::string::npos ||
        !all_of_chars(kv.substr(0, eq), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }))
      fail("--ssh-option " + kv, "expected KEY=VALUE, an ssh_config option such as StrictHostKeyChecking=accept-new");
    v.insert(v.end(), {"-o", kv});
  }
  // After the user's: theirs win. Keep-alives end a session whose board went away.
  v.insert(v.end(), {"-o", fmt::format("ConnectTimeout={}", o.connect_timeout_s), "-o", "ServerAliveInterval=15", "-o",
                     "ServerAliveCountMax=4"});
  return v;
}

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
  const ProcessResult r =
      run_process(ssh_argv(o, "sh -c " + shell_quote(script)), {}, o.connect_timeout_s + std::min(o.timeout_s, 60.0));
  check_ssh_result(r, o, "connecting");
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
    fail(o.target.url, "the machine did not say its name (uname -n); is it a Linux/POSIX system?");
  // The directory is used in scp's destination and a script: only plain characters.
  if (copies > 0 &&
      (p.dir.empty() || p.dir[0] != '/' || !all_of_chars(p.dir, [](char c) { return is_name_char(c) || c == '/'; })))
    fail(o.target.url, "mktemp -d gave an unexpected directory '{}' (stdout: {}; stderr: {})", p.dir, r.out,
         stderr_text(r.err));
  return p;
}

// Best effort after a failure: the directory should not outlive the attempt.
void remove_dir(const RemoteOptions& o, const std::string& dir) {
  if (dir.empty()) return;
  try {
    run_process(ssh_argv(o, "rm -rf " + shell_quote(dir)), {}, o.connect_timeout_s + 30.0);
  } catch (const Error&) {
  }
}

// The copy of local `path` in remote `dir`: `path`'s last component, under `dir`.
std::string copy_to(const RemoteOptions& o, const std::string& path, const std::string& dir) {
  // Absolute, so scp never reads a "name:x" as a host; "dir/" as "dir", whose name is kept.
  std::string source = fs::absolute(fs::path(path)).lexically_normal().string();
  while (source.size() > 1 && source.back() == '/') source.pop_back();
  const std::string name = fs::path(source).filename().string();
  const ProcessResult r = run_process(scp_argv(o, source, dir), {}, o.connect_timeout_s + o.timeout_s);
  check_ssh_result(r, o, "copying " + path + " to " + dir);
  return dir + "/" + name;
}

// The hwnas step's own failures, once ssh itself is known to have worked.
[[noreturn]] void fail_hwnas(const ProcessResult& r, const RemoteOptions& o) {
  const int code = r.exit_code();
  const std::string err = stderr_text(r.err);
  if (code == 124 || code == 137)
    fail(o.target.url,
         "hwnas measure did not finish within --remote-timeout {:g} s and was stopped there; raise "
         "--remote-timeout or lower --budget-s",
         o.timeout_s);
  if (code == 127 || code == 126)
    fail(o.target.url,
         "cannot run '{}' there ({}): install hwnas on the board with the README's command, or pass "
         "--remote-hwnas PATH to where it is",
         o.hwnas, err.empty() ? r.describe() : err);
  fail(o.target.url, "hwnas measure {} there: {}", r.describe(), err.empty() ? "(it printed no error)" : err);
}

double number(const nlohmann::json& j, const char* key) { return j.at(key).get<double>(); }

}  // namespace

std::string SshTarget::destination() const { return user_at_host(*this); }

SshTarget parse_ssh_url(const std::string& url) {
  const std::string scheme = "ssh://";
  if (url.rfind(scheme, 0) != 0) fail(url, "not an ssh URL: {}", kUrlForm);
  std::string rest = url.substr(scheme.size());
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  SshTarget t;
  t.url = url;
  const size_t at = rest.find('@');
  if (at != std::string::npos) {
    t.user = rest.substr(0, at);
    rest = rest.substr(at + 1);
    if (t.user.empty() || t.user[0] == '-' || !all_of_chars(t.user, is_name_char))
      fail(url, "bad user name '{}': {}", t.user, kUrlForm);
  }
  std::string port;
  if (!rest.empty() && rest[0] == '[') {  // [IPv6]
    const size_t close = rest.find(']');
    if (close == std::string::npos) fail(url, "unclosed '[' in the host: {}", kUrlForm);
    t.host = rest.substr(1, close - 1);
    if (t.host.empty() || !all_of_chars(t.host, [](char c) {
          return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
        }))
      fail(url, "bad IPv6 address '{}': {}", t.host, kUrlForm);
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') fail(url, "unexpected '{}' after the host: {}", rest, kUrlForm);
    if (!rest.empty()) port = rest.substr(1), rest = ":";
  } else {
    const size_t colon = rest.find(':');
    t.host = rest.substr(0, colon);
    if (colon != std::string::npos) port = rest.substr(colon + 1), rest = ":";
  }
  if (t.host.empty()) fail(url, "no host: {}", kUrlForm);
  // A host that starts with '-' would be read by ssh as an option.
  if (t.host[0] == '-' || (t.host.find(':') == std::string::npos && !all_of_chars(t.host, is_name_char)))
    fail(url, "bad host '{}' (a path or query is not allowed either): {}", t.host, kUrlForm);
  if (rest == ":") {
    const bool digits =
        !port.empty() && port.size() <= 5 && all_of_chars(port, [](char c) { return c >= '0' && c <= '9'; });
    const int p = digits ? std::stoi(port) : 0;
    if (p < 1 || p > 65535) fail(url, "bad port '{}' (1 to 65535): {}", port, kUrlForm);
    t.port = p;
  }
  return t;
}

std::string shell_quote(const std::string& word) {
  std::string q = "'";
  for (char c : word) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::vector<std::string> ssh_argv(const RemoteOptions& o, const std::string& command) {
  std::vector<std::string> v = {"ssh"};
  if (o.target.port > 0) v.insert(v.end(), {"-p", std::to_string(o.target.port)});
  const auto common = common_options(o);
  v.insert(v.end(), common.begin(), common.end());
  v.insert(v.end(), {"--", o.target.destination(), command});
  return v;
}

std::vector<std::string> scp_argv(const RemoteOptions& o, const std::string& local, const std::string& remote_dir) {
  std::vector<std::string> v = {"scp", "-q", "-r"};
  if (o.target.port > 0) v.insert(v.end(), {"-P", std::to_string(o.target.port)});
  const auto common = common_options(o);
  v.insert(v.end(), common.begin(), common.end());
  const SshTarget& t = o.target;
  const std::string host = t.host.find(':') != std::string::npos ? "[" + t.host + "]" : t.host;
  v.insert(v.end(), {"--", local, (t.user.empty() ? host : t.user + "@" + host) + ":" + remote_dir + "/"});
  return v;
}

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

void check_ssh_result(const ProcessResult& r, const RemoteOptions& o, const std::string& step) {
  const SshTarget& t = o.target;
  if (r.timed_out)
    fail(
        t.url,
        "{} did not finish within {:.3g} s and ssh was killed here: raise --remote-timeout (or is the board overloaded?)",
        step, r.wall_s);
  if (r.exited_ok()) return;
  const std::string err = stderr_text(r.err);
  if (r.exit_code() != 255) fail(t.url, "{}: ssh {}: {}", step, r.describe(), err);
  const std::string where = t.host + (t.port > 0 ? fmt::format(" port {}", t.port) : "");
  if (has(err, "Connection refused"))
    fail(t.url,
         "{}: cannot reach {}: connection refused (nothing listens there): is the board on, is sshd running "
         "(sudo systemctl enable --now ssh), is the port right?",
         step, where);
  if (has(err, "timed out") || has(err, "No route to host") || has(err, "Network is unreachable"))
    fail(t.url,
         "{}: cannot reach {} within ConnectTimeout={} s ({}): check the address, the network and that the "
         "board is on",
         step, where, o.connect_timeout_s, err);
  if (has(err, "Could not resolve hostname") || has(err, "Name or service not known"))
    fail(t.url, "{}: unknown host name '{}' ({}): use its IP address or fix the name", step, t.host, err);
  if (has(err, "Permission denied") || has(err, "Too many authentication failures"))
    fail(t.url,
         "{}: {} refused the login of {} ({}): add your public key to ~/.ssh/authorized_keys there "
         "(ssh-copy-id {}), or pass --ssh-key FILE with a key it accepts",
         step, t.host, t.user.empty() ? "this user" : "'" + t.user + "'", err, t.destination());
  if (has(err, "Host key verification failed") || has(err, "REMOTE HOST IDENTIFICATION HAS CHANGED"))
    fail(t.url,
         "{}: the host key of {} is not known (or changed) ({}): connect once with ssh {} to check and accept "
         "it, or pass --ssh-option StrictHostKeyChecking=accept-new",
         step, t.host, err, t.destination());
  fail(t.url, "{}: ssh failed ({}): {}", step, r.describe(), err.empty() ? "(no message)" : err);
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
  if (!o.ssh_key.empty() && !fs::is_regular_file(o.ssh_key))
    fail("--ssh-key " + o.ssh_key, "no such key file (a private key, e.g. ~/.ssh/id_ed25519)");
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
      run_process(ssh_argv(o, "sh -c " + shell_quote(script)), {}, o.timeout_s + o.connect_timeout_s + 15);
  if (r.timed_out) remove_dir(o, p.dir);
  // Killed here, or ssh's own failure (255); any other code is the remote command's.
  if (!r.exited() || r.exit_code() == 255) check_ssh_result(r, o, "running hwnas measure");
  if (!r.exited_ok()) fail_hwnas(r, o);

  RemoteMeasurement out;
  const size_t brace = r.out.find('{');
  out.json = nlohmann::json::parse(brace == std::string::npos ? r.out : r.out.substr(brace), nullptr, false);
  if (out.json.is_discarded() || !out.json.is_object())
    fail(o.target.url, "hwnas measure --json printed no JSON object there (an old hwnas?): {}", r.out.substr(0, 300));
  try {
    out.measurement = measurement_from_json(out.json);
  } catch (const Error& e) {
    throw e.within(o.target.url);
  }
  out.machine = p.machine;
  out.url = o.target.url;
  out.hwnas = o.hwnas;
  out.json["remote"] = {{"host", p.machine.name},
                        {"arch", p.machine.arch},
                        {"cpu", p.machine.cpu},
                        {"url", o.target.url},
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
