#include "train_curves.h"

#include <fmt/format.h>

#include "hwnas/report/markup.h"
#include "hwnas/report/svg_plot.h"

namespace hwnas::cli {

// Loss and accuracy per epoch, two plots side by side in one SVG.
std::string curves_svg(const train::TrainResult& r, const std::string& title) {
  report::SvgPlot loss("epoch", "loss (cross entropy)"), acc("epoch", "accuracy (%)");
  std::vector<report::PlotPoint> tl, vl, ta, va;
  for (const train::EpochLog& e : r.log) {
    tl.push_back({static_cast<double>(e.epoch), e.train_loss, fmt::format("train loss {:.4f}", e.train_loss)});
    vl.push_back({static_cast<double>(e.epoch), e.val_loss, fmt::format("val loss {:.4f}", e.val_loss)});
    ta.push_back({static_cast<double>(e.epoch), e.train_acc, fmt::format("train acc {:.2f}%", e.train_acc)});
    va.push_back({static_cast<double>(e.epoch), e.val_acc, fmt::format("val acc {:.2f}%", e.val_acc)});
  }
  const report::Style train_style{.fill = "#00798c", .stroke = "#00798c", .stroke_width = 2};
  const report::Style val_style{.fill = "#d1495b", .stroke = "#d1495b", .stroke_width = 2};
  loss.scatter("train (augmented, train mode)", tl, train_style);
  loss.scatter("validation", vl, val_style);
  acc.scatter("train (augmented, train mode)", ta, train_style);
  acc.scatter("validation", va, val_style);
  if (r.test.examples())
    acc.hline(fmt::format("test {:.2f}% (epoch {} weights)", r.test.top1(), r.best_epoch), r.test.top1(),
              {.stroke = "#555", .dash = "6 4"});
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1140\" height=\"410\">\n<text x=\"10\" y=\"18\" "
      "font-family=\"sans-serif\" font-size=\"14\">{}</text>\n<g transform=\"translate(0,28)\">{}</g>\n"
      "<g transform=\"translate(570,28)\">{}</g>\n</svg>\n",
      report::escape(title), loss.svg(), acc.svg());
}

}  // namespace hwnas::cli
