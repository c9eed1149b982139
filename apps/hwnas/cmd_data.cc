// hwnas data kws-synth | inspection-synth | info: datasets (docs/data.md).
//
//   hwnas data kws-synth --out kws [--voices 200] [--per-word 5] [--seed 1] [--jobs 2]
//   hwnas data inspection-synth --out inspect [--images 1000] [--size 160] [--seed 1] [--jobs 2]
//   hwnas data info speech-commands:kws [--window-ms 30 --stride-ms 20 --mel-bands 40 --coefficients 10]
//   hwnas data info fashion-mnist:/usr/share/datasets/fashion-mnist [--json]
//   hwnas data info coco:/data/coco [--json]
//
// kws-synth speaks the keyword set with espeak-ng into the Speech Commands layout and prints
// the clips per class and split as the loader reads them back; inspection-synth draws a
// defect-detection set in the COCO layout and prints its boxes per class and split; info prints
// any dataset's classes, examples per split and input shape; for COCO detection data (not a
// classification Dataset) the objects per class and split and the images per split.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command.h"
#include "hwnas/core/error.h"
#include "hwnas/data/coco.h"
#include "hwnas/data/inspection_synth.h"
#include "hwnas/data/kws_synth.h"
#include "hwnas/data/open_dataset.h"
#include "hwnas/data/speech_commands.h"
#include "table.h"

namespace hwnas::cli {
namespace {

// Class counts per split, one row per class, then the totals.
std::string counts_table(const data::Dataset& ds) {
  TextTable t({{"class"}, {"train", Align::Right}, {"validation", Align::Right}, {"test", Align::Right}});
  std::vector<int64_t> counts[3];
  for (data::Split s : data::kSplits) counts[static_cast<int>(s)] = ds.class_counts(s);
  for (size_t c = 0; c < ds.class_names().size(); ++c)
    t.add_row(
        {ds.class_names()[c], group_digits(counts[0][c]), group_digits(counts[1][c]), group_digits(counts[2][c])});
  t.add_row({"total", group_digits(ds.size(data::Split::train)), group_digits(ds.size(data::Split::validation)),
             group_digits(ds.size(data::Split::test))});
  return t.str();
}

// COCO detection data: boxes per class and split (crowd boxes included), then images.
void print_coco(const std::string& path, bool json) {
  const data::Coco coco = data::read_coco(path);
  std::vector<int64_t> objects[3], crowd(3, 0);
  for (data::Split s : data::kSplits) {
    const int si = static_cast<int>(s);
    objects[si].assign(coco.class_names.size(), 0);
    for (const auto& img : coco.split(s).images)
      for (const auto& o : img.objects) {
        ++objects[si][static_cast<size_t>(o.label)];
        crowd[si] += o.crowd ? 1 : 0;
      }
  }
  if (json) {
    nlohmann::json j;
    j["dataset"] = "coco:" + coco.path;
    j["classes"] = coco.class_names;
    j["category_ids"] = coco.category_ids;
    for (data::Split s : data::kSplits) {
      const int si = static_cast<int>(s);
      auto& o = j["splits"][std::string(data::split_name(s))];
      o["annotations"] = coco.split(s).annotations.string();
      o["images"] = coco.split(s).images.size();
      o["boxes_per_class"] = objects[si];
      o["crowd"] = crowd[si];
    }
    fmt::print("{}\n", j.dump(2));
    return;
  }
  fmt::print("coco:{}: {} classes (object detection; boxes per class, crowd boxes included)\n", coco.path,
             coco.class_names.size());
  TextTable t({{"class"}, {"train", Align::Right}, {"validation", Align::Right}, {"test", Align::Right}});
  for (size_t c = 0; c < coco.class_names.size(); ++c)
    t.add_row(
        {coco.class_names[c], group_digits(objects[0][c]), group_digits(objects[1][c]), group_digits(objects[2][c])});
  const auto split_row = [&](const std::string& name, auto value) {
    t.add_row({name, group_digits(value(data::Split::train)), group_digits(value(data::Split::validation)),
               group_digits(value(data::Split::test))});
  };
  split_row("boxes", [&](data::Split s) { return coco.split(s).objects(); });
  split_row("crowd boxes", [&](data::Split s) { return crowd[static_cast<int>(s)]; });
  split_row("images", [&](data::Split s) { return static_cast<int64_t>(coco.split(s).images.size()); });
  fmt::print("{}", t.str());
  for (data::Split s : data::kSplits)
    if (!coco.split(s).annotations.empty())
      fmt::print("{}: {}\n", data::split_name(s), coco.split(s).annotations.string());
}

std::string shape_line(const data::Dataset& ds, const data::OpenOptions& o) {
  const auto s = ds.input_shape();
  std::string line =
      fmt::format("input shape: {} x {} x {} (H x W x C of one example; batches are NHWC)", s[0], s[1], s[2]);
  if (ds.kind() == "speech-commands") {
    const auto& m = o.speech.mfcc;
    line += fmt::format(
        "\nfeatures: MFCC of 1 s at {} Hz, {} ms window, {} ms stride, {} mel bands ({}-{} Hz), {} coefficients",
        m.sample_rate, m.window_ms, m.stride_ms, m.mel_bands, m.lower_hz, m.upper_hz, m.coefficients);
  }
  return line;
}

void add_kws_synth(CLI::App& parent) {
  auto* cmd =
      parent.add_subcommand("kws-synth", "Write a keyword-spotting set spoken by espeak-ng (Speech Commands layout)");
  auto o = std::make_shared<data::KwsSynthOptions>();
  auto out = std::make_shared<std::string>();
  cmd->add_option("--out", *out, "Folder to write (must not exist unless --overwrite)")->required();
  cmd->add_option("--voices", o->voices, "Number of voices (10% validation, 10% test, rest train)")
      ->capture_default_str()
      ->check(CLI::Range(3, 1000));
  cmd->add_option("--per-word", o->per_word, "Clips per keyword per voice")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  cmd->add_option("--unknown-per-voice", o->unknown_per_voice, "Clips of other words per voice (default 2 x per-word)");
  cmd->add_option("--seed", o->seed, "Seed: the same seed writes the same files")->capture_default_str();
  cmd->add_option("--jobs", o->jobs, "espeak-ng processes at once")->capture_default_str()->check(CLI::Range(1, 64));
  cmd->add_flag("--overwrite", o->overwrite, "Replace an existing --out folder");
  cmd->callback([o, out] {
    o->out = *out;
    const int unknown = o->unknown_per_voice < 0 ? 2 * o->per_word : o->unknown_per_voice;
    fmt::print("hwnas data kws-synth: {} voices x ({} keywords x {} + {} other words), seed {}, {} jobs -> {}\n",
               o->voices, data::kws_keywords().size(), o->per_word, unknown, o->seed, o->jobs, *out);
    std::fflush(stdout);
    const auto start = std::chrono::steady_clock::now();
    auto last = start;
    // On a terminal one line rewritten twice a second; in a log one line per 10%.
    const bool tty = ::isatty(STDERR_FILENO);
    int64_t next_tenth = 1;
    o->progress = [&](int64_t done, int64_t total) {
      const auto now = std::chrono::steady_clock::now();
      if (tty ? (done != total && now - last < std::chrono::milliseconds(500)) : done * 10 < next_tenth * total) return;
      last = now;
      next_tenth = done * 10 / total + 1;
      const double elapsed = std::chrono::duration<double>(now - start).count();
      std::fprintf(stderr, "%s%lld/%lld clips | %.1f clips/s, ETA %.0f s%s", tty ? "\r" : "",
                   static_cast<long long>(done), static_cast<long long>(total), done / std::max(elapsed, 1e-9),
                   elapsed / static_cast<double>(done) * static_cast<double>(total - done),
                   tty ? (done == total ? "   \n" : "   ") : "\n");
    };
    const data::KwsSynthReport r = data::synthesize_kws(*o);
    data::SpeechCommands ds(r.out, {});  // read back: the counts are what a trainer will see
    fmt::print("voices: {} train, {} validation, {} test (no held-out voice in train; see voices.txt)\n", r.voices[0],
               r.voices[1], r.voices[2]);
    fmt::print("{}", counts_table(ds));
    fmt::print(
        "background noise: 6 files x {:.0f} s (white, pink, brown, mains hum, babble, room tone); silence = their 1 s chunks\n",
        r.noise_seconds);
    fmt::print("wrote {} in {:.1f} s\n", r.out.string(), r.seconds);
  });
}

void add_inspection_synth(CLI::App& parent) {
  auto* cmd = parent.add_subcommand(
      "inspection-synth",
      "Write a defect-detection set of textured surfaces (COCO layout: scratch, dent, spot, crack, missing)");
  auto o = std::make_shared<data::InspectionSynthOptions>();
  auto out = std::make_shared<std::string>();
  cmd->add_option("--out", *out, "Folder to write (new, empty, or a previous output of this command)")->required();
  cmd->add_option("--images", o->images, "Number of images (80% train, 10% val, 10% test)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000000));
  cmd->add_option("--size", o->size, "Image width and height in pixels")
      ->capture_default_str()
      ->check(CLI::Range(32, 2048));
  cmd->add_option("--seed", o->seed, "Seed: the same seed writes the same files")->capture_default_str();
  cmd->add_option("--jobs", o->jobs, "Rendering threads")->capture_default_str()->check(CLI::Range(1, 64));
  cmd->callback([o, out] {
    o->out = *out;
    fmt::print("hwnas data inspection-synth: {} images of {}x{}, seed {}, {} jobs -> {}\n", o->images, o->size, o->size,
               o->seed, o->jobs, *out);
    std::fflush(stdout);
    const data::InspectionSynthReport r = data::synthesize_inspection(*o);
    TextTable t({{"boxes"}, {"train", Align::Right}, {"val", Align::Right}, {"test", Align::Right}});
    int64_t total[3] = {0, 0, 0};
    for (int c = 0; c < data::kInspectionDefects; ++c) {
      t.add_row({data::inspection_defect_names()[c], group_digits(r.boxes[0][c]), group_digits(r.boxes[1][c]),
                 group_digits(r.boxes[2][c])});
      for (int s = 0; s < 3; ++s) total[s] += r.boxes[s][c];
    }
    t.add_row({"total", group_digits(total[0]), group_digits(total[1]), group_digits(total[2])});
    fmt::print("images: {} train, {} val, {} test ({}, {}, {} without defects)\n", group_digits(r.images[0]),
               group_digits(r.images[1]), group_digits(r.images[2]), group_digits(r.defect_free[0]),
               group_digits(r.defect_free[1]), group_digits(r.defect_free[2]));
    fmt::print("{}", t.str());
    fmt::print("wrote {} (COCO: annotations/instances_{{train,val,test}}.json) in {:.1f} s\n", r.out.string(),
               r.seconds);
  });
}

void add_info(CLI::App& parent) {
  auto* cmd = parent.add_subcommand("info", "Classes, examples per split and input shape of a dataset");
  auto ref = std::make_shared<std::string>();
  auto opts = std::make_shared<data::OpenOptions>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("dataset", *ref,
                  "<kind>:<path>, kind one of speech-commands, fashion-mnist, cifar10, image-folder, coco")
      ->required();
  auto& m = opts->speech.mfcc;
  cmd->add_option("--window-ms", m.window_ms, "speech-commands: MFCC window")->capture_default_str();
  cmd->add_option("--stride-ms", m.stride_ms, "speech-commands: MFCC stride")->capture_default_str();
  cmd->add_option("--mel-bands", m.mel_bands, "speech-commands: mel bands")->capture_default_str();
  cmd->add_option("--coefficients", m.coefficients, "speech-commands: MFCC coefficients kept")->capture_default_str();
  cmd->add_option("--resize", opts->image.resize, "image-folder: resize (shorter side with --crop)");
  cmd->add_option("--crop", opts->image.crop, "image-folder: centre crop size");
  cmd->add_flag("--json", *json, "Print JSON");
  cmd->callback([ref, opts, json] {
    // COCO is detection data, read as plain structs rather than a classification Dataset.
    if (ref->rfind("coco:", 0) == 0) return print_coco(ref->substr(5), *json);
    const auto ds = data::open_dataset(*ref, *opts);
    const auto s = ds->input_shape();
    if (*json) {
      nlohmann::json j;
      j["dataset"] = ds->reference();
      j["input_shape"] = {s[0], s[1], s[2]};
      j["classes"] = ds->class_names();
      for (data::Split sp : data::kSplits) j["counts"][std::string(data::split_name(sp))] = ds->class_counts(sp);
      fmt::print("{}\n", j.dump(2));
      return;
    }
    fmt::print("{}: {} classes\n", ds->reference(), ds->num_classes());
    fmt::print("{}", counts_table(*ds));
    fmt::print("{}\n", shape_line(*ds, *opts));
  });
}

// After the cost commands, before search: data feeds training and evaluation, which feed the search.
const CommandRegistration reg(47, [](CLI::App& app) {
  auto* cmd =
      app.add_subcommand("data", "Datasets: generate a keyword-spotting or an inspection set, inspect a dataset");
  cmd->require_subcommand(1);
  add_kws_synth(*cmd);
  add_inspection_synth(*cmd);
  add_info(*cmd);
});

}  // namespace
}  // namespace hwnas::cli
