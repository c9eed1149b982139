#pragma once
// The system OpenSSH client as remote measurement uses it (measure/remote.h): an ssh:// URL,
// the argv of ssh and scp (never a local shell), quoting for the remote shell, and what a
// failed ssh means in words that name the host and the fix.
//
//   measure::SshOptions o{.target = measure::parse_ssh_url("ssh://pi@raspberrypi.local:2222")};
//   auto r = run_process(measure::ssh_argv(o, "uname -n"), {}, 30);
//   measure::check_ssh_result(r, o, "connecting");   // throws: "... connection refused ..."
//
// ssh always runs with BatchMode=yes (a password prompt would hang a search; it fails
// instead) and a ConnectTimeout.
#include <string>
#include <vector>

#include "hwnas/core/subprocess.h"

namespace hwnas::measure {

// ssh://[user@]host[:port], host a name, an IPv4 address or a bracketed IPv6 one.
struct SshTarget {
  std::string user;  // empty: ssh's default (the local user, or ~/.ssh/config's)
  std::string host;
  int port = 0;  // 0: ssh's default (22, or ~/.ssh/config's)
  std::string url;
  std::string destination() const;  // "user@host" or "host" (IPv6 without brackets)
};

// Throws hwnas::Error (where: the URL) for anything else, saying the expected form.
SshTarget parse_ssh_url(const std::string& url);

struct SshOptions {
  SshTarget target;
  std::string key;                   // -i FILE (and IdentitiesOnly=yes); empty: ssh's own choice
  std::vector<std::string> options;  // KEY=VALUE, each passed as -o KEY=VALUE
  int connect_timeout_s = 15;        // ConnectTimeout, unless an option sets it
};

// 'word' for a POSIX shell: single quotes, each ' as '\''.
std::string shell_quote(const std::string& word);
// ssh [-p port] -o BatchMode=yes [-i key -o IdentitiesOnly=yes] [-o K=V]... -o ConnectTimeout=N ... -- dest command
// (ssh keeps the first value of an option: BatchMode cannot be overridden, ConnectTimeout can).
// Throws when an option is not KEY=VALUE.
std::vector<std::string> ssh_argv(const SshOptions& o, const std::string& command);
// scp -q -r [-P port] <the same options> -- local dest:remote_dir/
std::vector<std::string> scp_argv(const SshOptions& o, const std::string& local, const std::string& remote_dir);

// Throws the hwnas::Error that a failed ssh or scp `step` ("connecting", "copying x", ...)
// deserves: killed at the deadline, unreachable host, refused key, unknown host key, other
// ssh failures (exit 255), or the remote command's exit code. Returns when `r` succeeded.
void check_ssh_result(const ProcessResult& r, const SshOptions& o, const std::string& step);

// A program's stderr in one line, without ssh's "Warning: Permanently added ..." chatter;
// the last ~600 characters.
std::string stderr_summary(const std::string& err);

}  // namespace hwnas::measure
