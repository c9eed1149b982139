#include "hwnas/core/version.h"

namespace hwnas {

// HWNAS_VERSION is defined for this file by CMakeLists.txt from project(VERSION).
std::string_view version() { return HWNAS_VERSION; }

}  // namespace hwnas
