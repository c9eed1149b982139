#pragma once
// Finds and loads the interop plugin (plugin.h): libhwnas_interop_plugin.so next to the running
// executable, or at $HWNAS_INTEROP_PLUGIN; once, on first use. Linking this loader (the small
// hwnas_interop_loader library) also registers the "opencv" and "torch" backends with
// runtime::make_backend, which load the plugin when first made.
//
//   const interop::PluginApi& api = interop::plugin();   // hwnas::Error if it cannot load
//   api.write_onnx("m.onnx", api.export_onnx(g, w, {}));
#include "hwnas/interop/plugin.h"

namespace hwnas::interop {

const PluginApi& plugin();

}  // namespace hwnas::interop
