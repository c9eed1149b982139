#include "hwnas/eval/metric.h"

#include <charconv>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/error.h"
#include "hwnas/core/suggest.h"
#include "hwnas/cost/latency_model.h"
#include "hwnas/eval/few_shot_metric.h"
#include "hwnas/eval/measured_metric.h"
#include "hwnas/eval/memory_metric.h"
#include "hwnas/eval/model_metric.h"
#include "hwnas/eval/model_table_metric.h"
#include "hwnas/eval/proxy_metric.h"
#include "hwnas/eval/stat_metric.h"
#include "hwnas/eval/table_metric.h"
#include "hwnas/eval/train_metric.h"
#include "hwnas/eval/trainer_service.h"
#include "hwnas/hw/device.h"

namespace hwnas::eval {

std::string_view cost_class_name(CostClass c) { return c == CostClass::Cheap ? "cheap" : "expensive"; }

CostClass parse_cost_class(const YAML::Node& node, const std::string& path, const YamlSource& src, CostClass fallback) {
  if (!node["cost"]) return fallback;
  const std::string v = src.get_string(node["cost"], path + ".cost");
  if (v == "cheap") return CostClass::Cheap;
  if (v == "expensive") return CostClass::Expensive;
  src.fail(node["cost"], path + ".cost", fmt::format("'{}' is not a cost class; use cheap or expensive", v));
}

namespace {

// `columns: {12: valid_acc_12ep, 200: test_acc_200ep}`: the column after each number of epochs.
std::map<int, std::string> table_columns(const YAML::Node& node, const std::string& path, const YamlSource& src) {
  if (!node.IsMap() || node.size() == 0)
    src.fail(node, path, "must map training epochs to columns, e.g. {12: valid_acc_12ep, 200: test_acc_200ep}");
  std::map<int, std::string> columns;
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    int epochs = 0;
    const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), epochs);
    if (ec != std::errc() || end != key.data() + key.size() || epochs < 1)
      src.fail(kv.first, path, fmt::format("'{}' is not a number of epochs (a whole number >= 1)", key));
    columns[epochs] = src.get_string(kv.second, fmt::format("{}.{}", path, key));
  }
  return columns;
}

std::unique_ptr<Metric> make_table_metric(const std::string& name, const YAML::Node& node, const std::string& path,
                                          const MetricContext& ctx) {
  const YamlSource& src = *ctx.source;
  src.check_keys(node, path, {"table", "key", "column", "columns", "cost"});
  if (!node["key"]) src.fail(node, path, "a table metric needs 'key:' (the CSV column to match archs by)");
  if (!node["column"] == !node["columns"])
    src.fail(node, path,
             "a table metric needs one of 'column:' (the CSV column to read) or 'columns:' (the column after each "
             "number of training epochs, for a multi-fidelity search)");
  const std::string file = src.get_string(node["table"], path + ".table");
  const std::filesystem::path table = src.resolve_path(file, path + ".table");
  const CostClass cost = parse_cost_class(node, path, src, CostClass::Expensive);
  const std::string key = src.get_string(node["key"], path + ".key");
  const std::string columns_key = node["column"] ? "column" : "columns";
  const std::map<int, std::string> columns =
      node["column"] ? std::map<int, std::string>{{0, src.get_string(node["column"], path + ".column")}}
                     : table_columns(node["columns"], path + ".columns", src);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(table, ec))
    src.fail(node["table"], path + ".table", fmt::format("no such file: {}", table.string()));
  try {
    return std::make_unique<TableMetric>(name, cost, table, key, columns, *ctx.space);
  } catch (const Error& e) {
    const bool about_key = e.message().find(fmt::format("'{}'", key)) != std::string::npos;
    const std::string sub = about_key                                                ? "key"
                            : e.message().find("has no column") != std::string::npos ? columns_key
                                                                                     : "table";
    throw e.within(src.where(node[sub], path + "." + sub));
  }
}

// The device named by `device:` (a built-in name, or a profile file relative to the experiment).
hw::Device metric_device(const YAML::Node& node, const std::string& path, const YamlSource& src) {
  if (!node["device"])
    src.fail(node, path,
             fmt::format("needs 'device:' (a built-in device: {}, or a profile .yaml file)",
                         fmt::join(hw::builtin_device_names(), ", ")));
  const std::string d = src.get_string(node["device"], path + ".device");
  try {
    if (d.ends_with(".yaml") || d.ends_with(".yml") || d.find('/') != std::string::npos)
      return hw::load_device(src.resolve_path(d, path + ".device").string());
    return hw::load_device(d);
  } catch (const Error& e) {
    throw e.within(src.where(node["device"], path + ".device"));
  }
}

ir::DType metric_dtype(const YAML::Node& node, const std::string& path, const YamlSource& src, ir::DType fallback) {
  if (!node["dtype"]) return fallback;
  const std::string t = src.get_string(node["dtype"], path + ".dtype");
  const auto dtype = ir::dtype_from_name(t);
  if (!dtype || (*dtype != ir::DType::f32 && *dtype != ir::DType::i8))
    src.fail(node["dtype"], path + ".dtype", fmt::format("'{}' is not a dtype a network runs in; use f32 or int8", t));
  return *dtype;
}

// The value of `key:` among `names` (with a did-you-mean), as an index into names.
size_t pick(const YAML::Node& node, const std::string& key, const std::string& path, const YamlSource& src,
            const std::vector<std::string>& names, std::string_view what) {
  const std::string v = src.get_string(node[key], join_path(path, key));
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == v) return i;
  const std::string close = closest_match(v, names);
  src.fail(node[key], join_path(path, key),
           fmt::format("'{}' is not a {}{} ({})", v, what,
                       close.empty() ? "" : fmt::format("; did you mean '{}'?", close), fmt::join(names, ", ")));
}

std::unique_ptr<Metric> make_model_metric(const std::string& name, const YAML::Node& node, const std::string& path,
                                          const MetricContext& ctx) {
  const YamlSource& src = *ctx.source;
  src.check_keys(node, path, {"model", "device", "dtype", "predictor", "value", "cost", "fps", "pipeline", "frame"});
  cost::LatencyModelOptions options;
  std::vector<std::string> kinds = cost::latency_model_kinds();
  kinds.push_back("few_shot");  // dispatched by make_metric(); listed here for the did-you-mean
  options.kind = kinds[pick(node, "model", path, src, kinds, "latency model kind")];
  const bool needs_file = options.kind == "lut" || options.kind == "kernel";
  if (needs_file && !node["predictor"])
    src.fail(node, path,
             fmt::format("a {} model needs 'predictor:' (the predictor file `hwnas predictor build` "
                         "writes)",
                         options.kind));
  if (!needs_file && node["predictor"])
    src.fail(node["predictor"], path + ".predictor",
             fmt::format("a {} model reads no predictor file; remove the key, or use model: kernel or lut",
                         options.kind));
  if (needs_file) {
    const auto file = src.resolve_path(src.get_string(node["predictor"], path + ".predictor"), path + ".predictor");
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
      src.fail(node["predictor"], path + ".predictor", fmt::format("no such file: {}", file.string()));
    options.path = file.string();
  }
  hw::Device device = metric_device(node, path, src);
  const ir::DType dtype = metric_dtype(node, path, src, device.default_dtype);
  const ModelValue value =
      node["value"] ? static_cast<ModelValue>(pick(node, "value", path, src, model_value_names(), "model value"))
                    : ModelValue::LatencyMs;
  FrameOptions frame;
  if (value == ModelValue::PowerMw) {
    if (!node["fps"]) src.fail(node, path, "value: power_mw is the power at a frame rate; add 'fps:' (e.g. fps: 30)");
    frame.fps = src.get_double(node["fps"], path + ".fps", "frames per second");
    if (!(frame.fps > 0)) src.fail(node["fps"], path + ".fps", "must be a positive frame rate");
  } else if (node["fps"]) {
    src.fail(node["fps"], path + ".fps",
             "applies to value: power_mw only (the power at that frame rate); for a frame-rate constraint use "
             "value: fps with a constraint such as fps >= 30");
  }
  if (node["pipeline"]) frame.pipeline = src.get_bool(node["pipeline"], path + ".pipeline");
  if (const YAML::Node f = node["frame"]) {
    if (!f.IsSequence() || f.size() != 2)
      src.fail(f, path + ".frame", "expected the camera frame's [width, height], e.g. [640, 480]");
    frame.pre_post.frame_width = src.get_int(f[0], path + ".frame[0]");
    frame.pre_post.frame_height = src.get_int(f[1], path + ".frame[1]");
    if (frame.pre_post.frame_width < 1 || frame.pre_post.frame_height < 1)
      src.fail(f, path + ".frame", "width and height must be positive");
  }
  const CostClass cost = parse_cost_class(node, path, src, CostClass::Cheap);
  try {
    return std::make_unique<ModelMetric>(name, cost, std::move(device), options, dtype, value, ctx.space, frame);
  } catch (const Error& e) {
    throw e.within(src.where(node[needs_file ? "predictor" : "model"], path + (needs_file ? ".predictor" : ".model")));
  }
}

std::unique_ptr<Metric> make_memory_metric(const std::string& name, const YAML::Node& node, const std::string& path,
                                           const MetricContext& ctx) {
  const YamlSource& src = *ctx.source;
  src.check_keys(node, path, {"memory", "device", "dtype", "engine", "cost"});
  const auto value = static_cast<MemoryValue>(pick(node, "memory", path, src, memory_value_names(), "memory figure"));
  hw::Device device = metric_device(node, path, src);
  const ir::DType dtype = metric_dtype(node, path, src, device.default_dtype);
  std::optional<plan::Engine> engine;  // none: the device's default (plan::default_memory_options)
  if (node["engine"]) {
    const std::vector<std::string> engines = {"tflm", "hwnas-codegen"};
    engine = plan::parse_engine(engines[pick(node, "engine", path, src, engines, "memory engine")]);
  }
  const CostClass cost = parse_cost_class(node, path, src, CostClass::Cheap);
  try {
    return std::make_unique<MemoryMetric>(name, cost, std::move(device), value, dtype, ctx.space, engine);
  } catch (const Error& e) {
    throw e.within(src.where(node["engine"], path + ".engine"));
  }
}

std::unique_ptr<Metric> make_stat_metric(const std::string& name, const YAML::Node& node, const std::string& path,
                                         const MetricContext& ctx) {
  const YamlSource& src = *ctx.source;
  src.check_keys(node, path, {"stat", "cost"});
  const auto value = static_cast<StatValue>(pick(node, "stat", path, src, stat_value_names(), "graph statistic"));
  return std::make_unique<StatMetric>(name, parse_cost_class(node, path, src, CostClass::Cheap), value, ctx.space);
}

// A YAML scalar as the JSON value it reads as: a whole number, a number, true/false, or text.
nlohmann::json scalar_json(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  int64_t i = 0;
  if (auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
      ec == std::errc() && end == s.data() + s.size())
    return i;
  double d = 0;
  if (YAML::convert<double>::decode(node, d)) return d;
  if (s == "true" || s == "false") return s == "true";
  return s;
}

// {train: {dataset: kind:path, <trainer options>}, value: val_top1|top1, cost: ...}
std::unique_ptr<Metric> make_train_metric(const std::string& name, const YAML::Node& node, const std::string& path,
                                          const MetricContext& ctx) {
  const YamlSource& src = *ctx.source;
  src.check_keys(node, path, {"train", "value", "cost"});
  const std::string tpath = path + ".train";
  const YAML::Node train = node["train"];
  src.require_map(train, tpath);
  if (!train["dataset"])
    src.fail(train, tpath, "needs 'dataset: <kind>:<path>' (speech-commands, fashion-mnist, cifar10, image-folder)");
  const std::string ref = src.get_string(train["dataset"], tpath + ".dataset");
  const size_t colon = ref.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == ref.size())
    src.fail(train["dataset"], tpath + ".dataset",
             fmt::format("'{}' is not <kind>:<path>, e.g. fashion-mnist:data/fmnist", ref));
  const std::string dataset =
      ref.substr(0, colon + 1) + src.resolve_path(ref.substr(colon + 1), tpath + ".dataset").string();
  nlohmann::json options = nlohmann::json::object();
  for (const auto& kv : train) {
    const std::string key = kv.first.Scalar();
    if (key == "dataset") continue;
    if (!kv.second.IsScalar()) src.fail(kv.second, tpath + "." + key, "must be a single value (a trainer option)");
    options[key] = scalar_json(kv.second);
  }
  try {
    check_train_options(options);
  } catch (const Error& e) {
    throw e.within(src.where(train, tpath));
  }
  // A detector (coco: data) is judged by mAP, a classifier by top-1; each default selects on validation.
  const bool detection = dataset.starts_with("coco:");
  TrainValue value = detection ? TrainValue::ValMap50 : TrainValue::ValTop1;
  if (node["value"]) {
    const std::string v = src.get_string(node["value"], path + ".value");
    bool known = false;
    for (TrainValue t :
         {TrainValue::ValTop1, TrainValue::Top1, TrainValue::ValMap50, TrainValue::Map50, TrainValue::Map})
      if (v == train_value_name(t)) {
        value = t;
        known = true;
      }
    if (!known)
      src.fail(node["value"], path + ".value",
               fmt::format("'{}': use val_top1 (validation accuracy, the default) or top1 (test accuracy); for a "
                           "coco: dataset val_map50 (the default), map50 or map",
                           v));
    if (is_detection_value(value) != detection)
      src.fail(node["value"], path + ".value",
               detection ? fmt::format("'{}' is a classifier's accuracy, but {} is detection data; use val_map50, "
                                       "map50 or map",
                                       v, dataset)
                         : fmt::format("'{}' is a detector's mAP, but {} is not coco: detection data; use val_top1 "
                                       "or top1",
                                       v, dataset));
  }
  return std::make_unique<TrainMetric>(name, parse_cost_class(node, path, src, CostClass::Expensive), dataset,
                                       std::move(options), value, ctx.space, ctx.models, ctx.continued_rungs);
}

// {published: f.csv, key: model, column: top1, source: source} and
// {measurements: f.csv, key: arch, column: latency_ms, source: source}, each with an optional
// `fallback:` metric for models the table does not have.
std::unique_ptr<Metric> make_model_table_metric(const std::string& name, const YAML::Node& node,
                                                const std::string& path, const MetricContext& ctx) {
  const YamlSource& src = *ctx.source;
  const bool published = static_cast<bool>(node["published"]);
  const std::string kind = published ? "published" : "measurements";
  src.check_keys(node, path, {kind, "key", "column", "source", "fallback", "cost"});
  ModelTableOptions o;
  if (!published) o = {.key_column = "arch", .value_column = "latency_ms", .how = "measured"};
  const std::string file = src.get_string(node[kind], path + "." + kind);
  o.file = published && file == "builtin" ? builtin_published_accuracy() : src.resolve_path(file, path + "." + kind);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(o.file, ec))
    src.fail(node[kind], path + "." + kind, fmt::format("no such file: {}", o.file.string()));
  if (node["key"]) o.key_column = src.get_string(node["key"], path + ".key");
  if (node["column"]) o.value_column = src.get_string(node["column"], path + ".column");
  if (node["source"]) o.source_column = src.get_string(node["source"], path + ".source");
  std::unique_ptr<Metric> fallback;
  if (node["fallback"]) fallback = make_metric(name, node["fallback"], path + ".fallback", ctx);
  const CostClass cost = parse_cost_class(node, path, src, CostClass::Expensive);
  try {
    return std::make_unique<ModelTableMetric>(name, cost, o, std::move(fallback));
  } catch (const Error& e) {
    throw e.within(src.where(node[kind], path + "." + kind));
  }
}

// {measure: latency_ms, backend: xnnpack, threads: 1, dtype: f32, runs: 20, budget_s: 5, seed: 0}
std::unique_ptr<Metric> make_measured_metric(const std::string& name, const YAML::Node& node, const std::string& path,
                                             const MetricContext& ctx) {
  const YamlSource& src = *ctx.source;
  src.check_keys(node, path, {"measure", "backend", "threads", "dtype", "runs", "budget_s", "seed", "cost"});
  const std::string what = src.get_string(node["measure"], path + ".measure");
  if (what != "latency_ms")
    src.fail(node["measure"], path + ".measure", fmt::format("'{}' cannot be measured; use latency_ms", what));
  measure::MeasureOptions o;
  if (node["backend"]) o.backend = src.get_string(node["backend"], path + ".backend");
  if (node["threads"]) o.threads = src.get_int(node["threads"], path + ".threads");
  if (o.threads < 1) src.fail(node["threads"], path + ".threads", "must be at least 1");
  o.dtype = metric_dtype(node, path, src, ir::DType::f32);
  int runs = 20;
  if (node["runs"]) runs = src.get_int(node["runs"], path + ".runs");
  if (runs < 1) src.fail(node["runs"], path + ".runs", "must be at least 1");
  o.timing.max_runs = runs;
  o.timing.min_runs = std::min(runs, o.timing.min_runs);
  o.timing.budget_s = 5;
  if (node["budget_s"]) o.timing.budget_s = src.get_double(node["budget_s"], path + ".budget_s", "s");
  if (!(o.timing.budget_s > 0)) src.fail(node["budget_s"], path + ".budget_s", "must be > 0 s");
  if (node["seed"]) o.seed = static_cast<uint64_t>(src.get_int(node["seed"], path + ".seed"));
  return std::make_unique<MeasuredMetric>(name, parse_cost_class(node, path, src, CostClass::Expensive), o, ctx.space);
}

}  // namespace

std::unique_ptr<Metric> make_metric(const std::string& name, const YAML::Node& node, const std::string& path,
                                    const MetricContext& ctx) {
  const YamlSource& src = *ctx.source;
  src.require_map(node, path);
  if (node["table"]) return make_table_metric(name, node, path, ctx);
  if (node["model"] && node["model"].IsScalar() && node["model"].Scalar() == "few_shot")
    return make_few_shot_metric(name, node, path, ctx);  // a fitted device: no device profile
  if (node["model"]) return make_model_metric(name, node, path, ctx);
  if (node["memory"]) return make_memory_metric(name, node, path, ctx);
  if (node["stat"]) return make_stat_metric(name, node, path, ctx);
  if (node["train"]) return make_train_metric(name, node, path, ctx);
  if (node["proxy"]) return make_proxy_metric(name, node, path, ctx);
  if (node["published"] || node["measurements"]) return make_model_table_metric(name, node, path, ctx);
  if (node["measure"]) return make_measured_metric(name, node, path, ctx);
  src.fail(node, path,
           "a metric needs one of 'table:' (CSV lookup), 'model:' (latency cost model), 'memory:' (peak SRAM or "
           "flash), 'stat:' (MACs or params), 'train:' (accuracy after training on a dataset), 'proxy:' (a zero-cost "
           "proxy), 'published:' (a published figure per model), 'measurements:' (latencies measured elsewhere, per "
           "model) or 'measure:' (latency measured on this host)");
}

}  // namespace hwnas::eval
