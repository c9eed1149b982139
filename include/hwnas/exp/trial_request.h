#pragma once
// exp::TrialRequest / exp::TrialResult: one trial as plain data, so that it can be evaluated on
// a thread, in a worker process or (later) on another machine. A request names the
// architecture by its canonical string and the metrics by name; the evaluator rebuilds both from
// the experiment it was started with. Each travels as one line of JSON:
//
//   {"id":12,"arch":"|nor_conv_3x3~0|+|...|","metrics":["accuracy"],"epochs":0,"timeout_s":600}
//   {"id":12,"status":"ok","values":{"accuracy":93.27},"error":"","seconds":0.0012}
//
//   exp::TrialRequest r{.id = 12, .arch = s, .metrics = {"accuracy"}};
//   exp::TrialRequest back = exp::request_from_json(nlohmann::json::parse(exp::to_json(r).dump()));
//
// Values survive the round trip bit for bit (nlohmann writes the shortest text that reads back
// to the same double; non-finite values, which JSON has no number for, travel as strings).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace hwnas::exp {

struct TrialRequest {
  int64_t id = -1;
  std::string arch;                  // the space's canonical string
  std::vector<std::string> metrics;  // names of the metrics to evaluate, in this order
  // Fidelity of a multi-fidelity search (training epochs); 0: the metric's own default.
  // Metrics without a fidelity ignore it (eval::Metric::evaluate_at).
  int epochs = 0;
  double timeout_s = 0;  // wall-time limit of the evaluation; 0: none
};

// ok: every value is there. failed: a metric threw or the worker answered nonsense (error says
// what). timed_out: killed or abandoned after timeout_s. crashed: the process evaluating it died.
enum class TrialOutcome { Ok, Failed, TimedOut, Crashed };
std::string_view trial_outcome_name(TrialOutcome s);

struct TrialResult {
  int64_t id = -1;
  TrialOutcome status = TrialOutcome::Ok;
  std::map<std::string, double> values;  // by metric name; a failed trial keeps those it got
  std::string error;                     // empty when ok
  double seconds = 0;                    // wall time of the evaluation
};

nlohmann::json to_json(const TrialRequest& r);
nlohmann::json to_json(const TrialResult& r);
// Throw hwnas::Error naming the missing or mistyped field.
TrialRequest request_from_json(const nlohmann::json& j);
TrialResult result_from_json(const nlohmann::json& j);

}  // namespace hwnas::exp
