#include "hwnas/core/subprocess.h"

#include <gtest/gtest.h>

#include "testing.h"

namespace hwnas {
namespace {

TEST(Subprocess, CapturesStdoutStderrAndExitCode) {
  const auto dir = hwnas::testing::temp_dir();
  const auto r = run_process({"sh", "-c", "pwd; echo oops >&2; exit 3"}, dir, 10);
  EXPECT_TRUE(r.exited());
  EXPECT_EQ(r.exit_code(), 3);
  EXPECT_FALSE(r.exited_ok());
  EXPECT_EQ(r.out, std::filesystem::canonical(dir).string() + "\n");  // ran in `cwd`
  EXPECT_EQ(r.err, "oops\n");
  EXPECT_EQ(r.describe(), "exited with code 3");
}

TEST(Subprocess, DrainsLargeOutputWithoutDeadlock) {
  // More than a pipe holds (64 KiB) on both streams at once.
  const auto r = run_process({"sh", "-c", "head -c 300000 /dev/zero; head -c 200000 /dev/zero >&2"}, {}, 30);
  EXPECT_TRUE(r.exited_ok()) << r.describe();
  EXPECT_EQ(r.out.size(), 300000u);
  EXPECT_EQ(r.err.size(), 200000u);
}

TEST(Subprocess, KillsAtTheDeadlineWithItsChildren) {
  const auto r = run_process({"sh", "-c", "sleep 30 & sleep 30; echo never"}, {}, 0.3);
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.exited());
  EXPECT_LT(r.wall_s, 5);
  EXPECT_NE(r.describe().find("did not finish within"), std::string::npos);
  EXPECT_EQ(r.out, "");
}

TEST(Subprocess, MissingProgramOrFolderIsAnError) {
  EXPECT_HWNAS_ERROR(run_process({"hwnas-no-such-program"}, {}, 5), "hwnas-no-such-program: cannot run it");
  EXPECT_HWNAS_ERROR(run_process({"true"}, "/no/such/dir", 5), "/no/such/dir: no such directory");
}

TEST(Subprocess, FindsProgramsOnPath) {
  EXPECT_EQ(find_on_path("sh").filename(), "sh");
  EXPECT_TRUE(find_on_path("hwnas-no-such-program").empty());
}

}  // namespace
}  // namespace hwnas
