// The training loop, the loss and the torch-side evaluation: one libtorch TU for all three
// (libtorch TUs compile slowly; graph_module.cc is the other).
#include "hwnas/train/trainer.h"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>
#include <mutex>
#include <numbers>
#include <sstream>

#include "hwnas/core/error.h"
#include "hwnas/core/rng.h"
#include "hwnas/train/graph_module.h"
#include "hwnas/train/loss.h"
#include "hwnas/train/training_loop.h"

namespace hwnas::train {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// The examples of one split that a run uses.
struct Part {
  data::Split split = data::Split::train;
  std::vector<int64_t> idx;
};

// A non-augmented split, converted once: validation and test are read every epoch.
struct Cached {
  std::vector<torch::Tensor> x, y;
  int64_t examples = 0;
};

torch::Tensor to_x(const data::Batch& b) {
  return torch::from_blob(const_cast<float*>(b.x.data()), {b.shape[0], b.shape[1], b.shape[2], b.shape[3]},
                          torch::kFloat32);
}
torch::Tensor to_y(const data::Batch& b) { return torch::tensor(std::vector<int64_t>(b.y.begin(), b.y.end())); }

Cached cache(const data::Dataset& ds, const Part& p, int batch_size) {
  Cached c;
  for (size_t s = 0; s < p.idx.size(); s += static_cast<size_t>(batch_size)) {
    const size_t e = std::min(p.idx.size(), s + static_cast<size_t>(batch_size));
    const data::Batch b = ds.batch(p.split, std::span(p.idx).subspan(s, e - s));
    c.x.push_back(to_x(b).clone());
    c.y.push_back(to_y(b));
  }
  c.examples = static_cast<int64_t>(p.idx.size());
  return c;
}

// Logits of the graph's output: a classifier that ends in softmax is trained on its log.
torch::Tensor logits_of(GraphModule& m, const torch::Tensor& x) {
  torch::Tensor out = m.forward(x);
  const ir::Graph& g = m.graph();
  if (g.node(g.outputs()[0]).op == ir::OpKind::Softmax) out = torch::log(out.clamp_min(1e-30));
  return out;
}

struct Scores {
  double loss = 0;
  std::vector<int> labels, predicted;
};

Scores score(GraphModule& m, const Cached& c) {
  torch::NoGradGuard no_grad;
  m.eval();
  Scores s;
  double loss_sum = 0;
  for (size_t i = 0; i < c.x.size(); ++i) {
    const torch::Tensor logits = logits_of(m, c.x[i]);
    loss_sum += torch::nn::functional::cross_entropy(logits, c.y[i]).item<double>() * c.y[i].size(0);
    const torch::Tensor pred = logits.argmax(1).to(torch::kInt32).contiguous();
    const torch::Tensor y = c.y[i].to(torch::kInt32).contiguous();
    s.predicted.insert(s.predicted.end(), pred.data_ptr<int>(), pred.data_ptr<int>() + pred.numel());
    s.labels.insert(s.labels.end(), y.data_ptr<int>(), y.data_ptr<int>() + y.numel());
  }
  s.loss = c.examples ? loss_sum / static_cast<double>(c.examples) : 0.0;
  return s;
}

void check_fit(const ir::Graph& g, const data::Dataset& ds) {
  const std::string where = "training '" + g.name() + "' on " + ds.reference();
  const std::vector<int> in = g.inputs();
  if (in.size() != 1 || g.outputs().empty())
    fail(where, "the graph needs one input and an output, it has {} inputs", in.size());
  const ir::Shape& s = g.node(in[0]).shape;
  const auto [h, w, c] = ds.input_shape();
  if (s.rank() != 4 || s[1] != h || s[2] != w || s[3] != c)
    fail(where,
         "the graph's input is {}, the dataset's examples are [N,{},{},{}]; pick a model built for that input "
         "(a built-in model's resolution can be overridden, e.g. --resolution)",
         s.str(), h, w, c);
  const ir::Shape& o = g.node(g.outputs()[0]).shape;
  if (o.rank() != 2 || o[1] != ds.num_classes())
    fail(where, "the graph's output is {}, training needs [N,{}] logits (the dataset's {} classes)", o.str(),
         ds.num_classes(), ds.num_classes());
}

}  // namespace

std::unique_ptr<torch::optim::Optimizer> make_optimizer(GraphModule& m, const TrainOptions& o) {
  auto options = [&](double wd) -> std::unique_ptr<torch::optim::OptimizerOptions> {
    switch (o.optimizer) {
      case Optimizer::sgd:
        return std::make_unique<torch::optim::SGDOptions>(torch::optim::SGDOptions(o.lr)
                                                              .momentum(o.momentum)
                                                              .nesterov(o.nesterov && o.momentum > 0)
                                                              .weight_decay(wd));
      case Optimizer::adam:
        return std::make_unique<torch::optim::AdamOptions>(torch::optim::AdamOptions(o.lr).weight_decay(wd));
      case Optimizer::adamw:
        return std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(o.lr).weight_decay(wd));
    }
    return nullptr;
  };
  std::vector<torch::optim::OptimizerParamGroup> groups;
  if (auto d = m.decayed_parameters(); !d.empty()) groups.emplace_back(d, options(o.weight_decay));
  if (auto u = m.undecayed_parameters(); !u.empty()) groups.emplace_back(u, options(0.0));
  if (groups.empty()) fail("training '" + m.graph().name() + "'", "the graph has no trainable weights");
  switch (o.optimizer) {
    case Optimizer::sgd:
      return std::make_unique<torch::optim::SGD>(groups, torch::optim::SGDOptions(o.lr));
    case Optimizer::adam:
      return std::make_unique<torch::optim::Adam>(groups, torch::optim::AdamOptions(o.lr));
    case Optimizer::adamw:
      return std::make_unique<torch::optim::AdamW>(groups, torch::optim::AdamWOptions(o.lr));
  }
  return nullptr;
}

// Every step allocates and frees the same activation-sized buffers (MiBs each). With glibc's
// defaults, freed chunks above the mmap threshold go back to the kernel and the next step faults
// them in again page by page: measured 10x slower training of dscnn-mlperf (a quarter of the
// time in page faults; bench/run_torch_bench.sh). Keep freed memory in the process instead, as
// PyTorch users get by preloading jemalloc or tcmalloc. Process-wide, once: a training process
// wants it.
void keep_freed_memory() {
  static std::once_flag once;
  std::call_once(once, [] {
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
  });
}

uint64_t epoch_seed(uint64_t seed, int epoch) { return Rng(seed).fork(1000003 + static_cast<uint64_t>(epoch)).next(); }

torch::Tensor smoothed_cross_entropy(const torch::Tensor& logits, const torch::Tensor& labels, double smoothing) {
  const torch::Tensor logp = torch::log_softmax(logits, 1);
  const torch::Tensor nll = -logp.gather(1, labels.unsqueeze(1)).squeeze(1);
  if (smoothing == 0) return nll.mean();
  return ((1 - smoothing) * nll - smoothing * logp.mean(1)).mean();
}

TrainResult train(const ir::Graph& g, const data::Dataset& ds, const TrainOptions& o, const ProgressFn& progress,
                  const TrainResult* resume) {
  return run_training(g, ds, o, progress, resume, {});
}

TrainResult run_training(const ir::Graph& g, const data::Dataset& ds, const TrainOptions& o, const ProgressFn& progress,
                         const TrainResult* resume, const LoopSetup& setup) {
  check_options(o);
  check_fit(g, ds);
  const int done = resume ? static_cast<int>(resume->log.size()) : 0;
  if (resume) {
    const std::string where = "continuing the training of '" + g.name() + "'";
    if (done > o.epochs) fail(where, "the earlier run has {} epochs, more than the {} asked for", done, o.epochs);
    if (done > 0 && (resume->last_weights.nodes.empty() || resume->optimizer_state.empty()))
      fail(where, "the earlier run kept no state to go on from (its last weights and optimizer state)");
    if (resume->stopped_early) return *resume;  // early stopping ended it: more epochs would not run
  }
  const Clock::time_point t0 = Clock::now();
  keep_freed_memory();
  torch::set_num_threads(o.threads);
  torch::manual_seed(o.seed);

  TrainResult r;
  Part tr{data::Split::train, split_indices(ds.size(data::Split::train), 0, 0)};
  Part va{data::Split::validation, split_indices(ds.size(data::Split::validation), 0, 0)};
  if (va.idx.empty()) {
    // No validation split: a fixed 10% of train (seeded by a constant, so runs of different seeds
    // select on the same examples), never trained on.
    std::vector<int64_t> all = tr.idx;
    Rng(0x7661).shuffle(all);
    const size_t n = all.size() / 10;
    va = {data::Split::train, std::vector<int64_t>(all.begin(), all.begin() + static_cast<ptrdiff_t>(n))};
    tr.idx.assign(all.begin() + static_cast<ptrdiff_t>(n), all.end());
    std::sort(va.idx.begin(), va.idx.end());
    std::sort(tr.idx.begin(), tr.idx.end());
    r.validation_from = "10% of train held out";
  } else {
    r.validation_from = "validation split";
  }
  auto subset = [&](Part& p, uint64_t stream) {
    if (o.max_examples <= 0 || static_cast<int64_t>(p.idx.size()) <= o.max_examples) return;
    Rng(o.seed).fork(stream).shuffle(p.idx);
    p.idx.resize(static_cast<size_t>(o.max_examples));
    std::sort(p.idx.begin(), p.idx.end());
  };
  subset(tr, 1);
  subset(va, 2);
  Part te{data::Split::test, split_indices(ds.size(data::Split::test), o.max_examples, Rng(o.seed).fork(3).next())};
  if (tr.idx.empty()) fail("training on " + ds.reference(), "the train split is empty");
  r.train_examples = static_cast<int64_t>(tr.idx.size());
  r.val_examples = static_cast<int64_t>(va.idx.size());
  r.test_examples = static_cast<int64_t>(te.idx.size());
  const Cached val = cache(ds, va, o.eval_batch_size);

  const runtime::Weights* start = setup.start ? setup.start : o.initial_weights;
  GraphModule m = done > 0 ? GraphModule(g, resume->last_weights)
                  : start  ? GraphModule(g, *start)
                           : GraphModule(g, o.seed);
  const std::unique_ptr<ForwardHook> hook = setup.hook ? setup.hook(m) : nullptr;
  m.set_hook(hook.get());
  std::unique_ptr<torch::optim::Optimizer> opt = make_optimizer(m, o);
  const int64_t n = r.train_examples;
  const int64_t batches = (n + o.batch_size - 1) / o.batch_size;  // the last batch may be smaller
  double best = -1;
  int since_best = 0;
  int64_t step = 0;
  if (done > 0) {
    torch::serialize::InputArchive archive;
    std::istringstream state(resume->optimizer_state);
    archive.load_from(state);
    opt->load(archive);
    r.log = resume->log;
    r.best_epoch = resume->best_epoch;
    r.weights = resume->weights;
    best = resume->val_top1;
    since_best = done - resume->best_epoch;
    step = static_cast<int64_t>(done) * batches;
  }
  for (int epoch = done + 1; epoch <= o.epochs; ++epoch) {
    const Clock::time_point te0 = Clock::now();
    std::vector<int64_t> order = tr.idx;
    Rng(o.seed).fork(static_cast<uint64_t>(epoch)).shuffle(order);
    const data::BatchOptions bo{.augment = o.augment, .seed = epoch_seed(o.seed, epoch)};
    auto load = [&](int64_t b) {
      const int64_t s = b * o.batch_size, e = std::min(n, s + o.batch_size);
      return ds.batch(data::Split::train, std::span(order).subspan(static_cast<size_t>(s), static_cast<size_t>(e - s)),
                      bo);
    };
    EpochLog row;
    row.epoch = epoch;
    row.lr = learning_rate(o, step, batches);
    double loss_sum = 0;
    int64_t correct = 0;
    m.train();
    // The next batch is read (and augmented, MFCC computed) while this one trains.
    std::future<data::Batch> next = std::async(std::launch::async, load, 0);
    for (int64_t b = 0; b < batches; ++b) {
      const data::Batch batch = next.get();
      if (b + 1 < batches) next = std::async(std::launch::async, load, b + 1);
      const double lr = learning_rate(o, step, batches);
      for (auto& group : opt->param_groups()) group.options().set_lr(lr);
      const torch::Tensor x = to_x(batch), y = to_y(batch);
      opt->zero_grad();
      const torch::Tensor logits = logits_of(m, x);
      const torch::Tensor loss = smoothed_cross_entropy(logits, y, o.label_smoothing);
      loss.backward();
      opt->step();
      ++step;
      loss_sum += loss.item<double>() * static_cast<double>(batch.y.size());
      correct += logits.argmax(1).eq(y).sum().item<int64_t>();
      if (progress) {
        const int64_t seen = std::min(n, (b + 1) * o.batch_size);
        progress({.epoch = epoch,
                  .epochs = o.epochs,
                  .batch = b + 1,
                  .batches = batches,
                  .loss = loss_sum / static_cast<double>(seen),
                  .seconds = since(t0)});
      }
    }
    row.train_loss = loss_sum / static_cast<double>(n);
    row.train_acc = 100.0 * static_cast<double>(correct) / static_cast<double>(n);
    const Scores vs = score(m, val);
    row.val_loss = vs.loss;
    row.val_acc = vs.labels.empty() ? 0.0 : data::tally(vs.labels, vs.predicted, ds.class_names()).top1();
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
    if (row.val_acc > best) {
      best = row.val_acc;
      r.best_epoch = epoch;
      r.weights = m.weights();
      since_best = 0;
    } else if (o.patience > 0 && ++since_best >= o.patience) {
      r.stopped_early = epoch < o.epochs;
      break;
    }
  }
  r.val_top1 = best;
  r.last_weights = m.weights();
  {
    torch::serialize::OutputArchive archive;
    opt->save(archive);
    std::ostringstream state;
    archive.save_to(state);
    r.optimizer_state = state.str();
  }
  m.load(r.weights);
  if (!te.idx.empty()) {
    const Scores ts = score(m, cache(ds, te, o.eval_batch_size));
    r.test = data::tally(ts.labels, ts.predicted, ds.class_names());
  }
  r.seconds = since(t0) + (resume ? resume->seconds : 0.0);
  return r;
}

data::Accuracy evaluate(const ir::Graph& g, const runtime::Weights& w, const data::Dataset& ds, data::Split split,
                        int threads, int64_t max_examples, int batch_size) {
  check_fit(g, ds);
  if (threads < 1) fail("evaluate", "threads must be at least 1, got {}", threads);
  if (batch_size < 1) fail("evaluate", "batch size must be at least 1, got {}", batch_size);
  torch::set_num_threads(threads);
  GraphModule m(g, w);
  const Part p{split, split_indices(ds.size(split), max_examples, Rng(0).fork(3).next())};
  const Scores s = score(m, cache(ds, p, batch_size));
  return data::tally(s.labels, s.predicted, ds.class_names());
}

}  // namespace hwnas::train
