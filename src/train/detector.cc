// train_detector (detector.h) and its loss (detection_loss.h): one libtorch TU.
#include "hwnas/train/detector.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "hwnas/core/error.h"
#include "hwnas/core/rng.h"
#include "hwnas/train/detection_loss.h"
#include "hwnas/train/graph_module.h"
#include "hwnas/train/training_loop.h"

namespace hwnas::train {

double center_iou(const models::Anchor& a, const models::Anchor& b) {
  const double iw = std::min(a.cx + a.w / 2, b.cx + b.w / 2) - std::max(a.cx - a.w / 2, b.cx - b.w / 2);
  const double ih = std::min(a.cy + a.h / 2, b.cy + b.h / 2) - std::max(a.cy - a.h / 2, b.cy - b.h / 2);
  if (iw <= 0 || ih <= 0) return 0;
  const double inter = iw * ih;
  return inter / (static_cast<double>(a.w) * a.h + static_cast<double>(b.w) * b.h - inter);
}

std::vector<int> match_anchors(std::span<const models::Anchor> anchors, std::span<const models::Anchor> truth,
                               double threshold) {
  std::vector<int> match(anchors.size(), -1);
  std::vector<double> best_iou(anchors.size(), 0.0);
  std::vector<size_t> best_anchor(truth.size(), 0);
  std::vector<double> best_of_truth(truth.size(), -1.0);
  for (size_t i = 0; i < anchors.size(); ++i)
    for (size_t j = 0; j < truth.size(); ++j) {
      const double v = center_iou(anchors[i], truth[j]);
      if (v >= threshold && v > best_iou[i]) {
        best_iou[i] = v;
        match[i] = static_cast<int>(j);
      }
      if (v > best_of_truth[j]) {
        best_of_truth[j] = v;
        best_anchor[j] = i;
      }
    }
  for (size_t j = 0; j < truth.size(); ++j)
    if (truth[j].w > 0 && truth[j].h > 0) match[best_anchor[j]] = static_cast<int>(j);
  return match;
}

DetectionTargets detection_targets(std::span<const models::Anchor> anchors, std::span<const models::Anchor> truth,
                                   std::span<const int> labels, double threshold) {
  const std::vector<int> match = match_anchors(anchors, truth, threshold);
  const int64_t a = static_cast<int64_t>(anchors.size());
  DetectionTargets t{torch::zeros({a}, torch::kInt64), torch::zeros({a, 4}, torch::kFloat32)};
  auto cls = t.classes.accessor<int64_t, 1>();
  auto box = t.boxes.accessor<float, 2>();
  for (int64_t i = 0; i < a; ++i) {
    const int j = match[static_cast<size_t>(i)];
    if (j < 0) continue;
    cls[i] = labels[static_cast<size_t>(j)] + 1;
    const std::array<float, 4> code =
        models::encode_box(truth[static_cast<size_t>(j)], anchors[static_cast<size_t>(i)]);
    for (int k = 0; k < 4; ++k) box[i][k] = code[static_cast<size_t>(k)];
  }
  return t;
}

torch::Tensor hard_negatives(const torch::Tensor& class_loss, const torch::Tensor& positive, double ratio,
                             int min_negatives) {
  const torch::Tensor loss = class_loss.detach().masked_fill(positive, -std::numeric_limits<float>::infinity());
  const auto sorted = torch::sort(loss, /*stable=*/true, /*dim=*/1, /*descending=*/true);
  const torch::Tensor rank = std::get<1>(sorted).argsort(/*dim=*/1, /*descending=*/false);
  const torch::Tensor positives = positive.sum(1, /*keepdim=*/true).to(torch::kFloat64);
  const torch::Tensor negatives = torch::clamp_min(torch::floor(positives * ratio), static_cast<double>(min_negatives));
  return rank.to(torch::kFloat64).lt(negatives).logical_and(positive.logical_not());
}

DetectionLoss ssd_loss(const torch::Tensor& box_codes, const torch::Tensor& logits, const torch::Tensor& box_targets,
                       const torch::Tensor& class_targets, const SsdLossOptions& o) {
  namespace F = torch::nn::functional;
  const int64_t n = logits.size(0), a = logits.size(1), k = logits.size(2);
  const torch::Tensor positive = class_targets.gt(0);
  DetectionLoss l;
  l.positives = positive.sum().item<int64_t>();
  const double divisor = static_cast<double>(std::max<int64_t>(1, l.positives));
  const torch::Tensor ce =
      F::cross_entropy(logits.reshape({n * a, k}), class_targets.reshape({n * a}),
                       F::CrossEntropyFuncOptions().reduction(torch::kNone).label_smoothing(o.label_smoothing))
          .reshape({n, a});
  const torch::Tensor counted =
      positive.logical_or(hard_negatives(ce, positive, o.negatives_per_positive, o.min_negatives_per_image));
  l.classes = (ce * counted.to(ce.dtype())).sum() / divisor;
  l.box = F::smooth_l1_loss(box_codes.index({positive}), box_targets.index({positive}),
                            F::SmoothL1LossFuncOptions().reduction(torch::kSum).beta(1.0)) /
          divisor;
  l.total = l.box + l.classes;
  return l;
}

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// One split in memory: images as one [N, H, W, 3] tensor, ground truth in pixels and normalized.
struct Images {
  torch::Tensor x;
  std::vector<std::vector<data::Object>> objects;  // pixels of the H x W image (for mAP)
  std::vector<std::vector<models::Anchor>> truth;  // normalized centre form, crowd boxes left out
  std::vector<std::vector<int>> labels;
  int64_t size() const { return static_cast<int64_t>(objects.size()); }
};

Images load(const data::CocoSplit& split, const std::vector<int64_t>& idx, int h, int w) {
  Images s;
  s.x = torch::empty({static_cast<int64_t>(idx.size()), h, w, 3}, torch::kFloat32);
  for (size_t i = 0; i < idx.size(); ++i) {
    const data::CocoExample e = data::load_coco_example(split.images.at(static_cast<size_t>(idx[i])), h, w);
    std::copy(e.x.begin(), e.x.end(), s.x[static_cast<int64_t>(i)].data_ptr<float>());
    std::vector<models::Anchor> truth;
    std::vector<int> labels;
    for (const data::Object& o : e.objects) {
      if (o.crowd) continue;
      truth.push_back({.cy = static_cast<float>((o.box.y + o.box.h / 2) / h),
                       .cx = static_cast<float>((o.box.x + o.box.w / 2) / w),
                       .h = static_cast<float>(o.box.h / h),
                       .w = static_cast<float>(o.box.w / w)});
      labels.push_back(o.label);
    }
    s.objects.push_back(e.objects);
    s.truth.push_back(std::move(truth));
    s.labels.push_back(std::move(labels));
  }
  return s;
}

struct Heads {
  size_t boxes = 0, scores = 0;  // positions in GraphModule::forward_all()'s outputs
};
Heads heads_of(const ir::Graph& g) {
  const models::DetectorOutputs d = models::detector_outputs(g);
  const std::vector<int>& out = g.outputs();
  return {static_cast<size_t>(std::find(out.begin(), out.end(), d.boxes) - out.begin()),
          static_cast<size_t>(std::find(out.begin(), out.end(), d.scores) - out.begin())};
}

// Detections of every image of `s`, eval mode, as the CLI's host evaluation decodes them.
std::vector<std::vector<data::Detection>> detect(GraphModule& m, const Heads& heads, const Images& s,
                                                 const std::vector<models::Anchor>& anchors, int classes,
                                                 const data::DetectionSelectOptions& select, int batch) {
  torch::NoGradGuard no_grad;
  m.eval();
  const int h = static_cast<int>(s.x.size(1)), w = static_cast<int>(s.x.size(2));
  std::vector<std::vector<data::Detection>> out;
  for (int64_t b = 0; b < s.size(); b += batch) {
    const std::vector<torch::Tensor> y = m.forward_all(s.x.slice(0, b, std::min(s.size(), b + batch)));
    const torch::Tensor boxes = y[heads.boxes].contiguous(), logits = y[heads.scores].contiguous();
    for (int64_t i = 0; i < boxes.size(0); ++i) {
      const torch::Tensor bi = boxes[i].contiguous(), li = logits[i].contiguous();
      const std::vector<std::array<float, 4>> decoded =
          models::decode_boxes({bi.data_ptr<float>(), static_cast<size_t>(bi.numel())}, anchors, h, w);
      out.push_back(
          data::select_detections(decoded, {li.data_ptr<float>(), static_cast<size_t>(li.numel())}, classes, select));
    }
  }
  return out;
}

}  // namespace

DetectorResult train_detector(const ir::Graph& g, const data::Coco& coco, const TrainOptions& o,
                              const DetectorOptions& d, const DetectorProgressFn& progress) {
  check_options(o);
  check_detector_options(d);
  const int classes = static_cast<int>(coco.class_names.size());
  models::check_detector_fit(g, classes, "coco:" + coco.path);
  const Clock::time_point t0 = Clock::now();
  keep_freed_memory();
  torch::set_num_threads(o.threads);
  torch::manual_seed(o.seed);

  const ir::Shape& in = g.node(g.inputs().at(0)).shape;
  const int h = static_cast<int>(in.h()), w = static_cast<int>(in.w());
  const std::string where = "training '" + g.name() + "' on coco:" + coco.path;
  auto indices = [&](data::Split split, uint64_t stream) {
    return split_indices(static_cast<int64_t>(coco.split(split).images.size()), o.max_examples,
                         Rng(o.seed).fork(stream).next());
  };
  const Images tr = load(coco.split(data::Split::train), indices(data::Split::train, 1), h, w);
  const Images va = load(coco.split(data::Split::validation), indices(data::Split::validation, 2), h, w);
  if (tr.size() == 0 || va.size() == 0)
    fail(where,
         "the train and validation splits must have images (train {}, validation {}); the COCO folder needs "
         "annotations/instances_train.json and instances_val.json",
         tr.size(), va.size());
  DetectorResult r;
  r.train_images = tr.size();
  r.val_images = va.size();
  const std::vector<models::Anchor> anchors = models::ssd_anchors(models::anchor_layout(g), d.anchors);
  const Heads heads = heads_of(g);
  const SsdLossOptions loss_options{.negatives_per_positive = d.negatives_per_positive,
                                    .min_negatives_per_image = d.min_negatives_per_image,
                                    .label_smoothing = o.label_smoothing};

  GraphModule m = o.initial_weights ? GraphModule(g, *o.initial_weights) : GraphModule(g, o.seed);
  std::unique_ptr<torch::optim::Optimizer> opt = make_optimizer(m, o);
  const int64_t n = tr.size();
  const int64_t batches = (n + o.batch_size - 1) / o.batch_size;
  double best = -1;
  int since_best = 0;
  int64_t step = 0;
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    const Clock::time_point te0 = Clock::now();
    std::vector<int64_t> order(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
    Rng(o.seed).fork(static_cast<uint64_t>(epoch)).shuffle(order);
    const uint64_t aug_seed = epoch_seed(o.seed, epoch);
    DetectorEpochLog row;
    row.epoch = epoch;
    row.lr = learning_rate(o, step, batches);
    double loss_sum = 0, box_sum = 0, class_sum = 0;
    m.train();
    for (int64_t b = 0; b < batches; ++b) {
      const int64_t s = b * o.batch_size, e = std::min(n, s + o.batch_size);
      std::vector<torch::Tensor> xs, box_t, class_t;
      for (int64_t k = s; k < e; ++k) {
        const int64_t i = order[static_cast<size_t>(k)];
        torch::Tensor x = tr.x[i];
        std::vector<models::Anchor> truth = tr.truth[static_cast<size_t>(i)];
        if (o.augment) {
          Rng rng = Rng(aug_seed).fork(static_cast<uint64_t>(i));
          if (rng.bernoulli(0.5)) {  // horizontal flip: W is dim 1 of HWC
            x = x.flip({1});
            for (auto& t : truth) t.cx = 1 - t.cx;
          }
          if (rng.bernoulli(0.5)) {
            x = x.flip({0});
            for (auto& t : truth) t.cy = 1 - t.cy;
          }
          x = (x * static_cast<float>(0.8 + 0.4 * rng.uniform())).clamp(0, 1);
        }
        xs.push_back(x);
        DetectionTargets t = detection_targets(anchors, truth, tr.labels[static_cast<size_t>(i)], d.match_iou);
        box_t.push_back(t.boxes);
        class_t.push_back(t.classes);
      }
      const double lr = learning_rate(o, step, batches);
      for (auto& group : opt->param_groups()) group.options().set_lr(lr);
      opt->zero_grad();
      const std::vector<torch::Tensor> y = m.forward_all(torch::stack(xs));
      const DetectionLoss l =
          ssd_loss(y[heads.boxes], y[heads.scores], torch::stack(box_t), torch::stack(class_t), loss_options);
      l.total.backward();
      opt->step();
      ++step;
      const double count = static_cast<double>(e - s);
      loss_sum += l.total.item<double>() * count;
      box_sum += l.box.item<double>() * count;
      class_sum += l.classes.item<double>() * count;
      if (progress)
        progress({.epoch = epoch,
                  .epochs = o.epochs,
                  .batch = b + 1,
                  .batches = batches,
                  .loss = loss_sum / static_cast<double>(e),
                  .seconds = since(t0)});
    }
    row.train_loss = loss_sum / static_cast<double>(n);
    row.box_loss = box_sum / static_cast<double>(n);
    row.class_loss = class_sum / static_cast<double>(n);
    const data::DetectionMap vm =
        data::detection_map(va.objects, detect(m, heads, va, anchors, classes, d.select, o.eval_batch_size), classes);
    row.val_map50 = std::isnan(vm.map50) ? 0.0 : vm.map50;
    row.val_map = std::isnan(vm.map) ? 0.0 : vm.map;
    row.seconds = since(te0);
    r.log.push_back(row);
    if (progress)
      progress({.epoch = epoch,
                .epochs = o.epochs,
                .batch = batches,
                .batches = batches,
                .loss = row.train_loss,
                .seconds = since(t0),
                .epoch_done = true,
                .log = row});
    // Ties go to the later epoch: early epochs of a small detector often all score 0 on
    // validation, and the more trained weights are then the better guess.
    if (row.val_map50 >= best) {
      best = row.val_map50;
      r.best_epoch = epoch;
      r.weights = m.weights();
      since_best = 0;
    } else if (o.patience > 0 && ++since_best >= o.patience) {
      r.stopped_early = epoch < o.epochs;
      break;
    }
  }
  r.val_map50 = best;
  m.load(r.weights);
  const Images te = load(coco.split(data::Split::test), indices(data::Split::test, 3), h, w);
  r.test_images = te.size();
  r.test_objects.assign(static_cast<size_t>(classes), 0);
  for (const auto& objects : te.objects)
    for (const data::Object& obj : objects)
      if (!obj.crowd) ++r.test_objects[static_cast<size_t>(obj.label)];
  r.test =
      data::detection_map(te.objects, detect(m, heads, te, anchors, classes, d.select, o.eval_batch_size), classes);
  r.seconds = since(t0);
  return r;
}

}  // namespace hwnas::train
