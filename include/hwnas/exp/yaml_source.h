#pragma once
// exp::YamlSource: the located YAML reader of experiment files, now in core
// (core/yaml_source.h) so that device profiles (hw/) read YAML the same way.
#include "hwnas/core/yaml_source.h"

namespace hwnas::exp {

using hwnas::join_path;
using hwnas::YamlSource;

}  // namespace hwnas::exp
