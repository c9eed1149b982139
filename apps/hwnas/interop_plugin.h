#pragma once
// The CLI's side of the interop plugin (include/hwnas/interop/plugin.h): found next to the
// hwnas executable (or at $HWNAS_INTEROP_PLUGIN), loaded once, on first use.
//
//   const interop::PluginApi& api = cli::interop_plugin();   // hwnas::Error if it cannot load
//   api.write_onnx("m.onnx", api.export_onnx(g, w, {}));
#include "hwnas/interop/plugin.h"

namespace hwnas::cli {

const interop::PluginApi& interop_plugin();

}  // namespace hwnas::cli
