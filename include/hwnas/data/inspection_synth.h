#pragma once
// An industrial-inspection detection dataset drawn procedurally, written in the COCO layout
// that detection trainers read (torchvision's CocoDetection, pycocotools, mmdetection,
// ultralytics' converters), so that a detector trained on it runs unchanged on real data.
//
//   hwnas::data::InspectionSynthOptions o{.out = "inspect", .images = 1000, .size = 160, .seed = 1};
//   hwnas::data::InspectionSynthReport r = hwnas::data::synthesize_inspection(o);
//
// What it writes:
//   <out>/train/<id>.png, <out>/val/<id>.png, <out>/test/<id>.png   size x size RGB
//   <out>/annotations/instances_{train,val,test}.json               COCO: images, annotations
//                                           (bbox [x, y, w, h] in pixels), categories
//   <out>/README.txt                        what it is, the seed, the counts
// Image i goes to val when i % 10 == 8, to test when i % 10 == 9, else to train (80/10/10).
//
// Each image is a textured surface (brushed metal, wood, woven fabric or a printed circuit
// board) with 0-4 defects: scratch, dent, spot, crack and, on boards only, missing (a pad or
// component gone, leaving what optical inspection sees of it: a component's bare solder lands,
// a pad's opening in the solder mask, a via's hole). The surface is drawn larger than the image,
// then posed (rotated up to 12 degrees, scaled 0.9-1.1, shifted), lit by a gradient,
// blurred and given sensor noise. A defect's box is the tight box of its pixels after the
// pose, clipped to the image; a defect whose box would be under 3 pixels wide or high is
// not drawn at all, so every visible defect has a box and every box has a visible defect.
//
// Every choice comes from generators seeded by (seed, image index), separate for the
// surface, the defects, the pose and lighting, and the noise: a seed gives the same bytes
// whatever the number of jobs, and render_inspection_sample(.., {.defects = false}) gives
// the same image without its defects (what the tests compare against).
// Everything is written to <out>.partial, file by file, and renamed to <out> at the end: a
// killed run leaves no half-written <out>. An existing non-empty <out> is replaced only if
// it is a previous output of this generator (its README.txt says so), else it is an error.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hwnas::data {

enum class InspectionSurface { metal, wood, fabric, pcb, flat };  // flat: one grey, for tests
constexpr int kInspectionSurfaces = 4;                            // the ones drawn at random
enum class InspectionDefect { scratch, dent, spot, crack, missing };
constexpr int kInspectionDefects = 5;

// Names as the COCO categories give them (category id = index + 1).
const std::vector<std::string>& inspection_defect_names();
const std::vector<std::string>& inspection_surface_names();

struct InspectionBox {
  InspectionDefect defect;
  int x = 0, y = 0, w = 0, h = 0;  // pixels; inside the image, w and h >= 3
};

struct InspectionSample {
  int size = 0;
  std::vector<uint8_t> rgb;  // size x size x 3, row-major (HWC)
  InspectionSurface surface = InspectionSurface::metal;
  std::vector<InspectionBox> boxes;  // in the order drawn (a later defect may cover an earlier one)
};

struct InspectionRenderOptions {
  int size = 160;
  bool defects = true;                       // false: the same image without its defects
  std::optional<InspectionSurface> surface;  // force a surface (otherwise drawn by the seed)
};

// Image `index` of the set with this seed, as synthesize_inspection writes it.
InspectionSample render_inspection_sample(uint64_t seed, int64_t index, const InspectionRenderOptions& options = {});

struct InspectionSynthOptions {
  std::filesystem::path out;
  int images = 1000;
  int size = 160;
  uint64_t seed = 1;
  int jobs = 2;                                               // rendering threads
  std::function<void(int64_t done, int64_t total)> progress;  // called from worker threads, serialised
};

struct InspectionSynthReport {
  std::filesystem::path out;
  int64_t images[3] = {0, 0, 0};       // per split: train, val, test
  int64_t defect_free[3] = {0, 0, 0};  // images without a box, per split
  int64_t boxes[3][kInspectionDefects] = {};
  double seconds = 0;  // wall-clock time of the run
};

InspectionSynthReport synthesize_inspection(const InspectionSynthOptions& options);

}  // namespace hwnas::data
