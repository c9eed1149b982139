#pragma once
// The deploy: {target: npu} section of a detector search (exp/deploy_config.h), run by `hwnas
// search` after the search (search_deploy.h): the best trained detector deployed to the NPU as
// npu_deploy_step.h does it, to <output>/deploy/. With `baseline: <arch>`, that architecture is
// first trained by the experiment's own metrics (at the top rung, as the best trial was) and
// deployed to <output>/deploy-baseline/; the trial deployed is then the one that beats it
// (exp::best_beating: the least power with a validation mAP no lower), and both are printed side
// by side: test mAP@0.5 fp32 and int8, power at the fps. A deployment of the same trained folder,
// device and fps is kept ("up to date").
#include "hwnas/eval/train_metric.h"
#include "hwnas/exp/experiment.h"
#include "hwnas/exp/status.h"

namespace hwnas::cli {

void deploy_npu_search(const exp::Experiment& e, const eval::TrainMetric& tm, const exp::RunStatus& st);

}  // namespace hwnas::cli
