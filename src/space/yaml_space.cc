#include "hwnas/space/yaml_space.h"

#include <charconv>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "detection_yaml.h"
#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/ir/builder.h"
#include "hwnas/space/blocks.h"
#include "yaml_reader.h"

namespace hwnas::space {
namespace {

// What a setting holds; every kind has one canonical label form, so that "4" and "4.0" or
// "yes" and "true" are the same choice.
enum class Kind {
  Int,         // positive integer: "3"
  IntOrPair,   // positive integer or [h, w]: "3", "10x4"
  Number,      // positive number: "4", "2.5"
  Bool,        // "true", "false"
  Activation,  // an activation op name: "relu", "hardswish"
};

enum class BlockType { Conv, DsConv, MbConv };

// A setting: a decision of the space, or a fixed label.
struct Param {
  int decision = -1;
  std::string fixed;
};

struct BlockParams {
  Param kernel, expand, se, act;
};

struct Stage {
  BlockType type = BlockType::Conv;
  Param repeat, channels, stride;
  bool residual = false;
  std::vector<BlockParams> blocks;  // as many as the largest repeat
};

struct Spec {
  int height = 0, width = 0, in_channels = 0, classes = 0;
  bool stem = false;
  Param stem_channels, stem_kernel, stem_stride, stem_act;
  std::vector<Stage> stages;
  bool head_conv = false, fc = true;
  Param head_channels, head_act;
};

double to_double(std::string_view s) {
  double v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

int to_int(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::pair<int, int> to_pair(std::string_view s) {  // "3" -> (3, 3), "10x4" -> (10, 4)
  const size_t x = s.find('x');
  if (x == std::string_view::npos) return {to_int(s), to_int(s)};
  return {to_int(s.substr(0, x)), to_int(s.substr(x + 1))};
}

ir::OpKind to_act(std::string_view s) { return *ir::op_from_name(s); }

// Reads the YAML into a Spec and the decisions, in the order the file writes them (a
// stage's repeat before its blocks, as gating needs).
class SpecReader {
 public:
  explicit SpecReader(const std::string& file) : r_(file) {}

  Spec read(const YAML::Node& root) {
    r_.check_keys(root, "", {"name", "input", "classes", "stem", "stages", "head"});
    name_ = r_.string(r_.required(root, "", "name"), "name");
    read_input(r_.required(root, "", "input"));
    spec_.classes = r_.positive_int(r_.required(root, "", "classes"), "classes");
    if (const YAML::Node stem = root["stem"]; stem.IsDefined()) read_stem(stem);
    const YAML::Node stages = r_.required(root, "", "stages");
    if (!stages.IsSequence() || stages.size() == 0)
      r_.fail(stages, "stages", fmt::format("expected a list of stages, got {}", describe(stages)));
    for (size_t i = 0; i < stages.size(); ++i) read_stage(stages[i], index_path("stages", i));
    if (const YAML::Node head = root["head"]; head.IsDefined()) read_head(head);
    return spec_;
  }

  const std::string& name() const { return name_; }
  std::vector<Decision>& decisions() { return decisions_; }
  const std::vector<std::pair<int, int>>& gates() const { return gates_; }  // (decision, depth) pairs
  const std::vector<int>& gate_blocks() const { return gate_blocks_; }

 private:
  void read_input(const YAML::Node& n) {
    if (!n.IsSequence() || n.size() != 3)
      r_.fail(n, "input", fmt::format("expected the input shape [height, width, channels], got {}", describe(n)));
    spec_.height = r_.positive_int(n[0], "input[0]");
    spec_.width = r_.positive_int(n[1], "input[1]");
    spec_.in_channels = r_.positive_int(n[2], "input[2]");
  }

  void read_stem(const YAML::Node& n) {
    r_.check_keys(n, "stem", {"op", "channels", "kernel", "stride", "activation"});
    if (const YAML::Node op = n["op"]; op.IsDefined() && r_.string(op, "stem.op") != "conv")
      r_.fail(op, "stem.op", fmt::format("unknown stem op '{}' (expected conv)", op.Scalar()));
    spec_.stem = true;
    spec_.stem_channels = param(r_.required(n, "stem", "channels"), "stem.channels", Kind::Int);
    spec_.stem_kernel = param(n["kernel"], "stem.kernel", Kind::IntOrPair, "3");
    spec_.stem_stride = param(n["stride"], "stem.stride", Kind::IntOrPair, "1");
    spec_.stem_act = param(n["activation"], "stem.activation", Kind::Activation, "relu");
  }

  void read_stage(const YAML::Node& n, const std::string& path) {
    r_.check_keys(n, path, {"repeat", "block"});
    Stage st;
    st.repeat = param(n["repeat"], path + ".repeat", Kind::Int, "1");
    const YAML::Node block = r_.required(n, path, "block");
    const std::string bpath = path + ".block";
    r_.require_map(block, bpath);
    const YAML::Node type = r_.required(block, bpath, "type");
    const std::string t = r_.string(type, bpath + ".type");
    std::vector<std::string> keys = {"type", "channels", "kernel", "stride", "activation"};
    if (t == "conv") {
      st.type = BlockType::Conv;
    } else if (t == "dsconv") {
      st.type = BlockType::DsConv;
      keys.push_back("residual");
    } else if (t == "mbconv") {
      st.type = BlockType::MbConv;
      keys.insert(keys.end(), {"expand", "se"});
    } else {
      r_.fail(type, bpath + ".type", fmt::format("unknown block type '{}' (expected conv, dsconv, mbconv)", t));
    }
    r_.check_keys(block, bpath, keys);
    // Depthwise blocks take square kernels and strides; plain convs also take [h, w] pairs.
    const Kind window = st.type == BlockType::Conv ? Kind::IntOrPair : Kind::Int;
    st.channels = param(r_.required(block, bpath, "channels"), path + ".channels", Kind::Int, "", bpath + ".channels");
    st.stride = param(block["stride"], path + ".stride", window, "1", bpath + ".stride");
    if (const YAML::Node res = block["residual"]; res.IsDefined()) st.residual = r_.boolean(res, bpath + ".residual");
    int max_repeat = 0;
    for (const auto& c : labels_of(st.repeat)) max_repeat = std::max(max_repeat, to_int(c));
    for (int b = 0; b < max_repeat; ++b) {
      const std::string prefix = fmt::format("{}.block{}.", path, b + 1);
      const size_t first = decisions_.size();
      BlockParams bp;
      bp.kernel = param(block["kernel"], prefix + "kernel", window, "3", bpath + ".kernel");
      if (st.type == BlockType::MbConv) {
        bp.expand = param(block["expand"], prefix + "expand", Kind::Number, "6", bpath + ".expand");
        bp.se = param(block["se"], prefix + "se", Kind::Bool, "false", bpath + ".se");
      }
      bp.act = param(block["activation"], prefix + "activation", Kind::Activation, "relu", bpath + ".activation");
      if (st.repeat.decision >= 0)
        for (size_t d = first; d < decisions_.size(); ++d) {
          gates_.emplace_back(static_cast<int>(d), st.repeat.decision);
          gate_blocks_.push_back(b);
        }
      st.blocks.push_back(std::move(bp));
    }
    spec_.stages.push_back(std::move(st));
  }

  void read_head(const YAML::Node& n) {
    r_.check_keys(n, "head", {"pool", "fc", "channels", "activation"});
    if (const YAML::Node pool = n["pool"]; pool.IsDefined() && r_.string(pool, "head.pool") != "global_avg")
      r_.fail(pool, "head.pool", fmt::format("unknown pool '{}' (expected global_avg)", pool.Scalar()));
    if (const YAML::Node fc = n["fc"]; fc.IsDefined()) spec_.fc = r_.boolean(fc, "head.fc");
    if (const YAML::Node ch = n["channels"]; ch.IsDefined()) {
      spec_.head_conv = true;
      spec_.head_channels = param(ch, "head.channels", Kind::Int);
      spec_.head_act = param(n["activation"], "head.activation", Kind::Activation, "relu");
    } else if (n["activation"].IsDefined()) {
      r_.fail(n["activation"], "head.activation", "applies to the head conv only; set head.channels too");
    }
  }

  // The canonical label of one value of `kind`.
  std::string label(const YAML::Node& n, const std::string& path, Kind kind) const {
    switch (kind) {
      case Kind::Int:
        return std::to_string(r_.positive_int(n, path));
      case Kind::IntOrPair:
        if (n.IsSequence()) {
          if (n.size() != 2)
            r_.fail(n, path, fmt::format("expected an integer or an [h, w] pair, got a list of {}", n.size()));
          return fmt::format("{}x{}", r_.positive_int(n[0], path + "[0]"), r_.positive_int(n[1], path + "[1]"));
        }
        return std::to_string(r_.positive_int(n, path));
      case Kind::Number: {
        double v = 0;
        const std::string& s = n.IsScalar() ? n.Scalar() : std::string();
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (!n.IsScalar() || ec != std::errc() || end != s.data() + s.size() || !(v > 0))
          r_.fail(n, path, fmt::format("expected a positive number, got {}", describe(n)));
        return core::format_number(v);
      }
      case Kind::Bool:
        return r_.boolean(n, path) ? "true" : "false";
      case Kind::Activation: {
        const std::string s = r_.string(n, path);
        const auto op = ir::op_from_name(s);
        if (!op || !ir::is_activation(*op))
          r_.fail(n, path,
                  fmt::format("unknown activation '{}' (expected relu, relu6, hardswish, hardsigmoid, "
                              "sigmoid, swish)",
                              s));
        return s;
      }
    }
    return {};
  }

  // A setting: a list is a choice (a decision named `name` when it has 2+ entries), anything
  // else a fixed value; missing -> `fallback` (required when empty). `path` is the YAML path.
  Param param(const YAML::Node& n, const std::string& name, Kind kind, const std::string& fallback = "",
              std::string path = "") {
    if (path.empty()) path = name;
    Param p;
    if (!n.IsDefined()) {
      p.fixed = fallback;
      return p;
    }
    if (!n.IsSequence()) {
      p.fixed = label(n, path, kind);
      return p;
    }
    if (n.size() == 0) r_.fail(n, path, "is an empty choice list; give at least one choice");
    std::vector<std::string> choices;
    for (size_t i = 0; i < n.size(); ++i) {
      std::string l = label(n[i], index_path(path, i), kind);
      if (std::find(choices.begin(), choices.end(), l) != choices.end())
        r_.fail(n[i], index_path(path, i),
                fmt::format("choice '{}' is listed twice{}", l,
                            kind == Kind::IntOrPair ? " (a list is a choice; a fixed [h, w] pair is written [[h, w]])"
                                                    : ""));
      choices.push_back(std::move(l));
    }
    if (choices.size() == 1) {
      p.fixed = choices[0];
      return p;
    }
    p.decision = static_cast<int>(decisions_.size());
    decisions_.push_back({name, std::move(choices)});
    return p;
  }

  std::vector<std::string> labels_of(const Param& p) const {
    return p.decision >= 0 ? decisions_[p.decision].choices : std::vector<std::string>{p.fixed};
  }

  YamlReader r_;
  std::string name_;
  Spec spec_;
  std::vector<Decision> decisions_;
  std::vector<std::pair<int, int>> gates_;
  std::vector<int> gate_blocks_;
};

class YamlSpace : public SearchSpace {
 public:
  YamlSpace(std::string name, std::vector<Decision> decisions, Spec spec)
      : SearchSpace(std::move(name), std::move(decisions)), spec_(std::move(spec)) {}

  void add_gate(int d, int depth, int block) { gate(d, depth, block); }

  ir::Graph decode(const Arch& a) const override {
    check(a);
    ir::GraphBuilder b(name() + ":" + to_string(a));
    int x = b.input({1, spec_.height, spec_.width, spec_.in_channels});
    if (spec_.stem) {
      auto scope = b.scope("stem");
      const auto [kh, kw] = to_pair(get(a, spec_.stem_kernel));
      const auto [sh, sw] = to_pair(get(a, spec_.stem_stride));
      x = conv_bn_act(b, x, to_int(get(a, spec_.stem_channels)), kh, kw, sh, sw, to_act(get(a, spec_.stem_act)));
    }
    for (size_t s = 0; s < spec_.stages.size(); ++s) {
      const Stage& st = spec_.stages[s];
      const int channels = to_int(get(a, st.channels));
      const auto [sh, sw] = to_pair(get(a, st.stride));
      const int repeat = to_int(get(a, st.repeat));
      for (int i = 0; i < repeat; ++i) {
        auto scope = b.scope(fmt::format("stage{}.block{}", s + 1, i + 1));
        const BlockParams& bp = st.blocks[i];
        const auto [kh, kw] = to_pair(get(a, bp.kernel));
        const ir::OpKind act = to_act(get(a, bp.act));
        const int stride_h = i == 0 ? sh : 1, stride_w = i == 0 ? sw : 1;  // first block strides
        switch (st.type) {
          case BlockType::Conv:
            x = conv_bn_act(b, x, channels, kh, kw, stride_h, stride_w, act);
            break;
          case BlockType::DsConv:
            x = dsconv_block(b, x, channels, kh, stride_h, act, st.residual);
            break;
          case BlockType::MbConv:
            x = mbconv_block(b, x,
                             {.out_channels = channels,
                              .kernel = kh,
                              .stride = stride_h,
                              .expand = to_double(get(a, bp.expand)),
                              .se = get(a, bp.se) == "true",
                              .act = act});
            break;
        }
      }
    }
    if (spec_.head_conv) {
      auto scope = b.scope("head");
      x = conv_bn_act(b, x, to_int(get(a, spec_.head_channels)), 1, 1, 1, 1, to_act(get(a, spec_.head_act)));
    }
    x = b.global_avg_pool(x, "global_pool");
    if (spec_.fc) x = b.fc(x, spec_.classes, true, "classifier");
    return b.finish({x});
  }

  std::unique_ptr<SearchSpace> clone() const override { return std::make_unique<YamlSpace>(*this); }

 private:
  const std::string& get(const Arch& a, const Param& p) const {
    return p.decision >= 0 ? label(a, p.decision) : p.fixed;
  }

  Spec spec_;
};

}  // namespace

bool is_yaml_path(std::string_view name) { return name.ends_with(".yaml") || name.ends_with(".yml"); }

std::unique_ptr<SearchSpace> parse_yaml_space(std::string_view text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    fail(fmt::format("{}:{}", file, e.mark.line + 1), "is not valid YAML: {}", e.msg);
  }
  if (root.IsMap() && root["detector"].IsDefined()) return read_detection_space(root, file);
  SpecReader reader(file);
  Spec spec = reader.read(root);
  auto space = std::make_unique<YamlSpace>(reader.name(), std::move(reader.decisions()), std::move(spec));
  for (size_t i = 0; i < reader.gates().size(); ++i)
    space->add_gate(reader.gates()[i].first, reader.gates()[i].second, reader.gate_blocks()[i]);
  // Build the first architecture now, so that a space whose shapes cannot work (a stride
  // that shrinks the map to nothing) fails when it is loaded, not in the middle of a search.
  try {
    space->decode(Arch{std::vector<int>(space->num_decisions(), 0)});
  } catch (const Error& e) {
    throw e.within(fmt::format("{}: the space's first architecture does not build", file));
  }
  return space;
}

std::unique_ptr<SearchSpace> load_yaml_space(const std::filesystem::path& path) {
  return parse_yaml_space(read_file(path), path.string());
}

}  // namespace hwnas::space
