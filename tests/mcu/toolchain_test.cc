#include "hwnas/mcu/toolchain.h"

#include <cstdlib>

#include <gtest/gtest.h>

#include "mcu_testing.h"
#include "testing.h"

namespace hwnas::mcu {
namespace {

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() { old_ ? (void)::setenv(name_, old_->c_str(), 1) : (void)::unsetenv(name_); }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(McuToolchain, FindsCompilerQemuAndTargetFiles) {
  HWNAS_MCU_TOOLCHAIN_OR_SKIP(tc);
  EXPECT_EQ(tc.gcc.filename(), "arm-none-eabi-gcc");
  EXPECT_EQ(tc.qemu.filename(), "qemu-system-arm");
  EXPECT_TRUE(std::filesystem::exists(tc.target_dir / "an500.ld"));
  EXPECT_EQ(Toolchain::find().gcc, tc.gcc);
}

TEST(McuToolchain, MissingProgramNamesItsDebianPackage) {
  const ScopedEnv path("PATH", hwnas::testing::temp_dir().string());  // nothing on PATH
  EXPECT_HWNAS_ERROR(Toolchain::find(), "arm-none-eabi-gcc is not on PATH; install the Debian package gcc-arm-none-eabi");
  EXPECT_FALSE(Toolchain::find_if_present());
}

TEST(McuToolchain, WrongTargetFolderSaysWhatIsMissing) {
  HWNAS_MCU_TOOLCHAIN_OR_SKIP(tc);  // the programs must be there to get to the folder check
  (void)tc;
  const ScopedEnv dir("HWNAS_MCU_DIR", hwnas::testing::temp_dir().string());
  EXPECT_HWNAS_ERROR(Toolchain::find(), "missing an500.ld (set HWNAS_MCU_DIR");
  EXPECT_HWNAS_ERROR(Toolchain::find_if_present(), "missing an500.ld");  // not a reason to skip
}

TEST(McuToolchain, TargetFolderFollowsTheEnvironment) {
  const ScopedEnv dir("HWNAS_MCU_DIR", "/opt/hwnas/mcu");
  EXPECT_EQ(mcu_dir(), "/opt/hwnas/mcu");
}

}  // namespace
}  // namespace hwnas::mcu
