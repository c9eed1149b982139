#include "hwnas/measure/ssh.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "hwnas/core/error.h"

namespace hwnas::measure {
namespace {

const char* const kUrlForm =
    "expected ssh://[user@]host[:port], e.g. ssh://pi@raspberrypi.local or ssh://pi@10.0.0.7:2222";

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

bool all_of_chars(const std::string& s, bool (*ok)(char)) { return std::all_of(s.begin(), s.end(), ok); }

bool has(const std::string& text, const char* needle) { return text.find(needle) != std::string::npos; }

std::string user_at_host(const SshTarget& t) { return t.user.empty() ? t.host : t.user + "@" + t.host; }

// Options shared by ssh and scp. BatchMode comes first: ssh keeps the first value it is given
// for an option, so no --ssh-option can bring back a password prompt that would hang.
std::vector<std::string> common_options(const SshOptions& o) {
  std::vector<std::string> v = {"-o", "BatchMode=yes"};
  if (!o.key.empty()) v.insert(v.end(), {"-i", o.key, "-o", "IdentitiesOnly=yes"});
  for (const auto& kv : o.options) {
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

}  // namespace

std::string stderr_summary(const std::string& err) {
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

std::vector<std::string> ssh_argv(const SshOptions& o, const std::string& command) {
  std::vector<std::string> v = {"ssh"};
  if (o.target.port > 0) v.insert(v.end(), {"-p", std::to_string(o.target.port)});
  const auto common = common_options(o);
  v.insert(v.end(), common.begin(), common.end());
  v.insert(v.end(), {"--", o.target.destination(), command});
  return v;
}

std::vector<std::string> scp_argv(const SshOptions& o, const std::string& local, const std::string& remote_dir) {
  std::vector<std::string> v = {"scp", "-q", "-r"};
  if (o.target.port > 0) v.insert(v.end(), {"-P", std::to_string(o.target.port)});
  const auto common = common_options(o);
  v.insert(v.end(), common.begin(), common.end());
  const SshTarget& t = o.target;
  const std::string host = t.host.find(':') != std::string::npos ? "[" + t.host + "]" : t.host;
  v.insert(v.end(), {"--", local, (t.user.empty() ? host : t.user + "@" + host) + ":" + remote_dir + "/"});
  return v;
}

void check_ssh_result(const ProcessResult& r, const SshOptions& o, const std::string& step) {
  const SshTarget& t = o.target;
  if (r.timed_out)
    fail(
        t.url,
        "{} did not finish within {:.3g} s and ssh was killed here: raise --remote-timeout (or is the board overloaded?)",
        step, r.wall_s);
  if (r.exited_ok()) return;
  const std::string err = stderr_summary(r.err);
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

}  // namespace hwnas::measure
