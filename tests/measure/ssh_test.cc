// The ssh transport of remote measurement without an sshd: URLs, argv, quoting, and a kill at
// the deadline (the sshd-backed cases are remote_test.cc).
#include "hwnas/measure/ssh.h"

#include <gtest/gtest.h>

#include "testing.h"

namespace hwnas::measure {
namespace {

TEST(SshUrl, ParsesUserHostPort) {
  const SshTarget t = parse_ssh_url("ssh://pi@raspberrypi.local:2222");
  EXPECT_EQ(t.user, "pi");
  EXPECT_EQ(t.host, "raspberrypi.local");
  EXPECT_EQ(t.port, 2222);
  EXPECT_EQ(t.destination(), "pi@raspberrypi.local");
  EXPECT_EQ(parse_ssh_url("ssh://10.0.0.7").port, 0);
  EXPECT_EQ(parse_ssh_url("ssh://pi@[fe80::1]:22").host, "fe80::1");
}

TEST(SshUrl, RejectsWhatIsNotAnSshUrl) {
  EXPECT_HWNAS_ERROR(parse_ssh_url("http://x"), "http://x: not an ssh URL: expected ssh://[user@]host[:port]");
  EXPECT_HWNAS_ERROR(parse_ssh_url("ssh://"), "no host");
  EXPECT_HWNAS_ERROR(parse_ssh_url("ssh://pi@"), "no host");
  EXPECT_HWNAS_ERROR(parse_ssh_url("ssh://pi@host:0"), "bad port '0'");
  EXPECT_HWNAS_ERROR(parse_ssh_url("ssh://pi@host:99999"), "bad port '99999'");
  EXPECT_HWNAS_ERROR(parse_ssh_url("ssh://pi@host:ab"), "bad port 'ab'");
  EXPECT_HWNAS_ERROR(parse_ssh_url("ssh://-oProxyCommand=x"), "bad host");  // would be an ssh option
  EXPECT_HWNAS_ERROR(parse_ssh_url("ssh://host/path"), "bad host");
}

TEST(SshCommand, QuotesEveryWordForTheRemoteShell) {
  EXPECT_EQ(shell_quote("a b"), "'a b'");
  EXPECT_EQ(shell_quote("it's $(rm -rf /)"), "'it'\\''s $(rm -rf /)'");
  // Run the quoted words through a real sh: they come back as they were.
  const std::string nasty = "x'; echo pwned; '$HOME`id`\"";
  const ProcessResult r = run_process({"sh", "-c", "printf %s " + shell_quote(nasty)}, {}, 10);
  EXPECT_EQ(r.out, nasty);
}

TEST(SshCommand, BatchModeComesFirstSoNoOptionOverridesIt) {
  SshOptions o;
  o.target = parse_ssh_url("ssh://pi@board:2200");
  o.options = {"BatchMode=no", "ConnectTimeout=3"};
  const auto argv = ssh_argv(o, "true");
  const std::vector<std::string> head = {"ssh", "-p", "2200", "-o", "BatchMode=yes", "-o", "BatchMode=no"};
  EXPECT_EQ(std::vector<std::string>(argv.begin(), argv.begin() + 7), head);
  EXPECT_EQ(std::vector<std::string>(argv.end() - 3, argv.end()), (std::vector<std::string>{"--", "pi@board", "true"}));
  EXPECT_HWNAS_ERROR(ssh_argv({.options = {"no-equals"}}, "true"), "expected KEY=VALUE");
}

// A board without `timeout` is stopped from here: run_process kills ssh at the deadline, and
// the error says so (a real process killed, not a made-up result).
TEST(SshCommand, KilledAtTheDeadlineIsATimeout) {
  SshOptions o;
  o.target = parse_ssh_url("ssh://pi@board");
  const ProcessResult r = run_process({"sleep", "30"}, {}, 0.2);
  ASSERT_TRUE(r.timed_out);
  EXPECT_HWNAS_ERROR(check_ssh_result(r, o, "running hwnas measure"),
                     "ssh://pi@board: running hwnas measure did not finish within");
  EXPECT_HWNAS_ERROR(check_ssh_result(r, o, "running hwnas measure"), "raise --remote-timeout");
}

}  // namespace
}  // namespace hwnas::measure
