#pragma once
// check_ubj_model: a bounds check of an XGBoost model buffer (UBJSON, as XGBoosterSaveModelToBuffer
// writes it with {"format": "ubj"}) before XGBoost reads it. XGBoost's UBJ reader trusts every
// length in the buffer: a damaged model file made it read past the buffer, jump to a wild
// address or allocate petabytes (found by fuzz/few_shot_fuzzer.cc). This walks the same grammar
// that reader accepts and throws an hwnas::Error for anything it could not read safely. A JSON
// model (text starting with {") is left to XGBoost's JSON parser.
//
//   learn::check_ubj_model(bytes, "edgegpu.json: residual.model");   // then XGBoosterLoadModelFromBuffer
#include <string>
#include <string_view>

namespace hwnas::learn {

void check_ubj_model(std::string_view bytes, const std::string& where);

}  // namespace hwnas::learn
