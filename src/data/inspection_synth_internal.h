#pragma once
// The pieces of inspection_synth.cc: surfaces (inspection_synth_textures.cc), defects
// (inspection_synth_defects.cc) and the COCO files (inspection_synth_coco.cc). Images are
// float RGB in [0, 1] (CV_32FC3) while drawn; only the written PNG is 8-bit.
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "hwnas/core/rng.h"
#include "hwnas/data/inspection_synth.h"

namespace hwnas::data::inspection {

// A part of a board that a "missing" defect can remove: a pad or a component.
struct Part {
  cv::Rect rect;
  bool round = false;  // a round pad: the circle inscribed in rect
};

struct Surface {
  cv::Mat3f image;       // what is seen
  cv::Mat3f background;  // where a part is gone: the board with each part's remnant (lands, mask opening, hole)
  std::vector<Part> parts;
};

// A `side` x `side` surface of this kind.
Surface render_surface(InspectionSurface kind, int side, Rng& rng);

// One defect on the canvas: where it is (alpha in [0, 1]) and what is seen there.
struct Layer {
  cv::Mat1f alpha;
  cv::Mat3f color;  // empty: `solid` everywhere (no canvas-sized copy for a one-colour defect)
  cv::Vec3f solid;
};

// The defect of this kind around `center` (canvas pixels); `scale` is the image size over
// 160, so that defects keep their share of the image at other sizes. For missing, `part`
// names the part of `surface` removed.
Layer draw_defect(InspectionDefect kind, const Surface& surface, const cv::Mat3f& canvas, cv::Point2f center,
                  double scale, int part, Rng& rng);

// One image as written: its file (relative to its split folder), split and boxes.
struct Entry {
  int64_t index = 0;
  int split = 0;  // 0 train, 1 val, 2 test
  std::string file;
  std::vector<InspectionBox> boxes;
};

// The COCO annotation file of one split (image id = index + 1; annotation ids count over
// the whole set, so they are unique across splits too).
std::string coco_json(const std::vector<Entry>& entries, int split, int size, uint64_t seed);
std::string readme(const InspectionSynthOptions& options, const InspectionSynthReport& report);
extern const char* const kReadmeFirstLine;  // how a previous output is recognised

}  // namespace hwnas::data::inspection
