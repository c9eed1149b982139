#include "hwnas/data/inspection_synth.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <exception>
#include <fstream>
#include <mutex>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "inspection_synth_internal.h"

namespace hwnas::data {
namespace fs = std::filesystem;
using inspection::Entry;
using inspection::Layer;
using inspection::Surface;

namespace {

constexpr const char* kWhere = "inspection-synth";
constexpr const char* kSplitNames[] = {"train", "val", "test"};
// A warped defect pixel counts towards its box from this opacity on: fainter fringes (the
// anti-aliasing, the interpolation of the pose) are not what an inspector would box.
constexpr float kVisible = 0.1f;
constexpr int kMinBox = 3;  // pixels: a defect narrower or lower than this is not drawn

int split_of(int64_t index) { return index % 10 == 8 ? 1 : index % 10 == 9 ? 2 : 0; }

double uniform(Rng& rng, double lo, double hi) { return lo + (hi - lo) * rng.uniform(); }

InspectionDefect pick_defect(InspectionSurface s, Rng& rng) {
  // Boards get "missing" a third of the time; the other kinds are equally likely anywhere.
  if (s == InspectionSurface::pcb && rng.bernoulli(0.35)) return InspectionDefect::missing;
  return static_cast<InspectionDefect>(rng.uniform_int(4));
}

cv::Point2f apply(const cv::Mat& m, cv::Point2f p) {
  return {static_cast<float>(m.at<double>(0, 0) * p.x + m.at<double>(0, 1) * p.y + m.at<double>(0, 2)),
          static_cast<float>(m.at<double>(1, 0) * p.x + m.at<double>(1, 1) * p.y + m.at<double>(1, 2))};
}

// A file written whole under a temporary name, then renamed: atomic, like write_file_atomic,
// but without its fsync per file, which made writing 1000 images three times slower; the set
// is synced once before it is published (sync_folder).
void write_whole(const fs::path& path, std::string_view bytes) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) fail(path.string(), "cannot write");
  }
  fs::rename(tmp, path);
}

// Everything written to the file system of `dir` reaches the disk before <out> appears.
void sync_folder(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) fail(dir.string(), "cannot open: {}", std::strerror(errno));
  const int rc = ::syncfs(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) fail(dir.string(), "cannot sync: {}", std::strerror(err));
}

void check_size(int size) {
  if (size < 32 || size > 2048) fail(kWhere, "image size must be in 32..2048 pixels, got {}", size);
}

}  // namespace

const std::vector<std::string>& inspection_defect_names() {
  static const std::vector<std::string> n = {"scratch", "dent", "spot", "crack", "missing"};
  return n;
}

const std::vector<std::string>& inspection_surface_names() {
  static const std::vector<std::string> n = {"metal", "wood", "fabric", "pcb", "flat"};
  return n;
}

InspectionSample render_inspection_sample(uint64_t seed, int64_t index, const InspectionRenderOptions& o) {
  check_size(o.size);
  const int size = o.size;
  const double scale = size / 160.0;
  // Separate streams, so that leaving the defects out (or forcing a surface) changes
  // nothing else of the image.
  const Rng root = Rng(seed).fork(1000 + static_cast<uint64_t>(index));
  Rng surface_rng = root.fork(1), defect_rng = root.fork(2), pose_rng = root.fork(3), noise_rng = root.fork(4);

  const auto drawn = static_cast<InspectionSurface>(surface_rng.uniform_int(kInspectionSurfaces));
  InspectionSample out;
  out.size = size;
  out.surface = o.surface.value_or(drawn);

  // The pose: the surface is drawn 1.8 times the image so that the posed image never sees
  // its edge (a corner of the image is at most (0.71 + 0.06) / 0.9 = 0.85 sizes from the centre).
  const int side = static_cast<int>(std::ceil(size * 1.8));
  const double angle = uniform(pose_rng, -12, 12), zoom = uniform(pose_rng, 0.9, 1.1);
  const double tx = uniform(pose_rng, -0.04, 0.04) * size, ty = uniform(pose_rng, -0.04, 0.04) * size;
  cv::Mat pose = cv::getRotationMatrix2D(cv::Point2f(side / 2.0f, side / 2.0f), angle, zoom);
  pose.at<double>(0, 2) += (size - side) / 2.0 + tx;
  pose.at<double>(1, 2) += (size - side) / 2.0 + ty;
  cv::Mat unpose;
  cv::invertAffineTransform(pose, unpose);
  const double gain = uniform(pose_rng, 0.8, 1.15), gx = uniform(pose_rng, -0.35, 0.35),
               gy = uniform(pose_rng, -0.35, 0.35);
  const double blur = pose_rng.bernoulli(0.4) ? 0.0 : uniform(pose_rng, 0.5, 1.0);
  const double noise = uniform(pose_rng, 0.004, 0.03);

  const Surface surface = inspection::render_surface(out.surface, side, surface_rng);
  cv::Mat3f canvas = surface.image.clone();

  const int defects = defect_rng.bernoulli(0.15) ? 0 : defect_rng.uniform_int(1, 4);
  std::vector<std::pair<InspectionDefect, cv::Mat1f>> shown;  // each with where it is seen in the image
  for (int k = 0; k < defects; ++k) {
    InspectionDefect kind = pick_defect(out.surface, defect_rng);
    // Centred well inside the image (12%..88%), so that few defects are cut by its edge.
    cv::Point2f centre = apply(unpose, cv::Point2f(static_cast<float>(uniform(defect_rng, 0.12, 0.88) * size),
                                                   static_cast<float>(uniform(defect_rng, 0.12, 0.88) * size)));
    int part = -1;
    if (kind == InspectionDefect::missing) {
      std::vector<int> inside;
      for (size_t i = 0; i < surface.parts.size(); ++i) {
        const cv::Rect& r = surface.parts[i].rect;
        const cv::Point2f p = apply(pose, cv::Point2f(r.x + r.width / 2.0f, r.y + r.height / 2.0f));
        if (p.x > 0.1 * size && p.x < 0.9 * size && p.y > 0.1 * size && p.y < 0.9 * size)
          inside.push_back(static_cast<int>(i));
      }
      if (inside.empty()) {
        kind = InspectionDefect::scratch;  // no part in view to remove
      } else {
        part = inside[static_cast<size_t>(defect_rng.uniform_int(static_cast<int>(inside.size())))];
      }
    }
    const Layer layer = inspection::draw_defect(kind, surface, canvas, centre, scale, part, defect_rng);
    // The box: where the defect is seen after the pose, which also clips it to the image.
    cv::Mat1f seen;
    cv::warpAffine(layer.alpha, seen, pose, cv::Size(size, size), cv::INTER_LINEAR, cv::BORDER_CONSTANT, 0);
    const cv::Rect box = cv::boundingRect(cv::Mat1b(seen > kVisible));
    if (box.width < kMinBox || box.height < kMinBox || !o.defects) continue;
    // What this defect covers of the earlier ones is no longer seen (a part gone with the
    // dent on it, a spot over a scratch).
    for (auto& earlier : shown) earlier.second = earlier.second.mul(1.0f - seen);
    shown.emplace_back(kind, seen);
    const bool one_colour = layer.color.empty();
    for (int y = 0; y < side; ++y) {
      const float* a = layer.alpha[y];
      const cv::Vec3f* c = one_colour ? nullptr : layer.color[y];
      cv::Vec3f* p = canvas[y];
      for (int x = 0; x < side; ++x)
        if (a[x] > 0) p[x] += a[x] * ((one_colour ? layer.solid : c[x]) - p[x]);
    }
  }

  // The boxes of what is seen in the end; one hidden by later defects is dropped.
  for (const auto& [kind, seen] : shown) {
    const cv::Rect box = cv::boundingRect(cv::Mat1b(seen > kVisible));
    if (box.width >= kMinBox && box.height >= kMinBox) out.boxes.push_back({kind, box.x, box.y, box.width, box.height});
  }

  // Camera: pose, a lighting gradient, a little defocus, sensor noise.
  cv::Mat3f img;
  cv::warpAffine(canvas, img, pose, cv::Size(size, size), cv::INTER_LINEAR, cv::BORDER_REFLECT101);
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x)
      img(y, x) *= static_cast<float>(gain + gx * (x / static_cast<double>(size) - 0.5) +
                                      gy * (y / static_cast<double>(size) - 0.5));
  if (blur > 0) cv::GaussianBlur(img, img, cv::Size(3, 3), blur);
  // Per-pixel noise from OpenCV's generator (a fixed algorithm, seeded from this image's
  // stream): a Box-Muller normal per pixel and channel cost as much as the rest of the image.
  cv::Mat3f grain(size, size);
  cv::RNG(noise_rng.next()).fill(grain, cv::RNG::NORMAL, 0.0, noise);
  img += grain;
  cv::Mat rgb8;
  img.convertTo(rgb8, CV_8UC3, 255.0);  // rounds and saturates to 0..255
  out.rgb.assign(rgb8.data, rgb8.data + static_cast<size_t>(size) * size * 3);
  return out;
}

InspectionSynthReport synthesize_inspection(const InspectionSynthOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  if (o.out.empty()) fail(kWhere, "no output folder given");
  if (o.images < 1) fail(kWhere, "--images must be at least 1, got {}", o.images);
  check_size(o.size);
  const fs::path out = o.out.lexically_normal();
  // Only a previous output is replaced: anything else in the way may be someone's data.
  if (fs::exists(out)) {
    if (!fs::is_directory(out)) fail(out.string(), "exists and is not a folder");
    if (!fs::is_empty(out)) {
      const fs::path readme = out / "README.txt";
      const bool ours = fs::is_regular_file(readme) && read_file(readme).rfind(inspection::kReadmeFirstLine, 0) == 0;
      if (!ours)
        fail(out.string(),
             "exists, is not empty and is not an output of hwnas data inspection-synth (no README.txt of it); remove "
             "it or choose another --out");
    }
  }
  const fs::path tmp = out.string() + ".partial";
  fs::remove_all(tmp);  // what a killed run left
  for (const char* s : kSplitNames) fs::create_directories(tmp / s);
  fs::create_directories(tmp / "annotations");

  std::vector<Entry> entries(static_cast<size_t>(o.images));
  for (int i = 0; i < o.images; ++i) {
    auto& e = entries[static_cast<size_t>(i)];
    e.index = i;
    e.split = split_of(i);
    e.file = fmt::format("{:06d}.png", i);
  }

  // Images in parallel; each depends only on (seed, index), never on which thread drew it.
  std::atomic<int64_t> next{0}, done{0};
  std::atomic<bool> stop{false};
  std::exception_ptr error;
  std::mutex mu;
  auto worker = [&] {
    while (!stop) {
      const int64_t i = next++;
      if (i >= o.images) return;
      Entry& e = entries[static_cast<size_t>(i)];
      try {
        InspectionSample s = render_inspection_sample(o.seed, i, {.size = o.size});
        e.boxes = std::move(s.boxes);
        cv::Mat bgr;
        cv::cvtColor(cv::Mat(o.size, o.size, CV_8UC3, s.rgb.data()), bgr, cv::COLOR_RGB2BGR);
        std::vector<uchar> png;
        if (!cv::imencode(".png", bgr, png)) fail(e.file, "OpenCV could not encode the PNG");
        write_whole(tmp / kSplitNames[e.split] / e.file,
                    std::string_view(reinterpret_cast<const char*>(png.data()), png.size()));
      } catch (...) {
        std::lock_guard lock(mu);
        if (!error) error = std::current_exception();
        stop = true;
        return;
      }
      const int64_t d = ++done;
      if (o.progress) {
        std::lock_guard lock(mu);
        o.progress(d, o.images);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < std::clamp(o.jobs, 1, o.images); ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  if (error) {
    fs::remove_all(tmp);
    std::rethrow_exception(error);
  }

  InspectionSynthReport r;
  r.out = out;
  for (const Entry& e : entries) {
    ++r.images[e.split];
    if (e.boxes.empty()) ++r.defect_free[e.split];
    for (const auto& b : e.boxes) ++r.boxes[e.split][static_cast<int>(b.defect)];
  }
  for (int s = 0; s < 3; ++s)
    write_whole(tmp / "annotations" / fmt::format("instances_{}.json", kSplitNames[s]),
                inspection::coco_json(entries, s, o.size, o.seed));
  write_whole(tmp / "README.txt", inspection::readme(o, r));
  sync_folder(tmp);

  // Publish: only now does <out> hold the new set, complete.
  publish_folder(tmp, out);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace hwnas::data
