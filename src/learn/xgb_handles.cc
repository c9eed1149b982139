#include "hwnas/learn/xgb_handles.h"

#include <xgboost/c_api.h>

#include <cmath>

#include "hwnas/core/error.h"

namespace hwnas::learn {

void xgb_check(int rc, const char* call) {
  if (rc != 0) fail("xgboost", "{} failed: {}", call, XGBGetLastError());
}

void XgbMatrixFree::operator()(void* handle) const { XGDMatrixFree(handle); }
void XgbBoosterFree::operator()(void* handle) const { XGBoosterFree(handle); }

XgbMatrix xgb_dense_matrix(const std::vector<std::vector<float>>& x, size_t features, const char* where) {
  std::vector<float> flat;
  flat.reserve(x.size() * features);
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i].size() != features)
      fail(where, "row {} has {} features, expected {} (as in the first row given to fit())", i, x[i].size(), features);
    flat.insert(flat.end(), x[i].begin(), x[i].end());
  }
  DMatrixHandle handle = nullptr;
  xgb_check(XGDMatrixCreateFromMat(flat.data(), x.size(), features, std::nanf(""), &handle), "XGDMatrixCreateFromMat");
  return XgbMatrix(handle);
}

XgbBooster xgb_booster(std::initializer_list<void*> cache) {
  const std::vector<DMatrixHandle> matrices(cache.begin(), cache.end());
  BoosterHandle handle = nullptr;
  xgb_check(XGBoosterCreate(matrices.data(), matrices.size(), &handle), "XGBoosterCreate");
  return XgbBooster(handle);
}

}  // namespace hwnas::learn
