#pragma once
// Owning handles and error checks for XGBoost's C API (<xgboost/c_api.h>), shared by the
// project's XGBoost users (learn/xgb_regressor.h, learn/boosted_residual.h) so that each
// turns an XGBoost failure into the same hwnas::Error and frees what it creates.
//
//   learn::XgbMatrix m = learn::xgb_dense_matrix(rows, rows[0].size(), "my_fit");
//   learn::XgbBooster b = learn::xgb_booster({m.get()});
//   learn::xgb_check(XGBoosterUpdateOneIter(b.get(), 0, m.get()), "XGBoosterUpdateOneIter");
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

namespace hwnas::learn {

// Throws hwnas::Error("xgboost", "<call> failed: <XGBoost's last error>") when rc != 0.
void xgb_check(int rc, const char* call);

struct XgbMatrixFree {
  void operator()(void* handle) const;
};
struct XgbBoosterFree {
  void operator()(void* handle) const;
};
using XgbMatrix = std::unique_ptr<void, XgbMatrixFree>;
using XgbBooster = std::unique_ptr<void, XgbBoosterFree>;

// A dense matrix of the rows, each `features` long (no missing values: NaN would mean
// missing). Throws, naming `where` and the row, when a row has another length.
XgbMatrix xgb_dense_matrix(const std::vector<std::vector<float>>& x, size_t features, const char* where);
// A booster that caches the given matrices (the ones it will train on; none to load a model).
XgbBooster xgb_booster(std::initializer_list<void*> cache = {});

}  // namespace hwnas::learn
