#include "hwnas/exp/deploy_config.h"

#include <gtest/gtest.h>

#include "exp_testing.h"
#include "hwnas/exp/config.h"
#include "hwnas/exp/experiment.h"

namespace hwnas::exp {
namespace {

using testing::nb201_yaml;

ExperimentConfig parse(const std::string& text, const std::vector<std::string>& sets = {}) {
  return parse_config(text, "/tmp/exp/e.yaml", sets);
}

TEST(DeployConfig, AbsentByDefault) { EXPECT_FALSE(parse(nb201_yaml()).deploy); }

TEST(DeployConfig, ParsesTheSectionWithTheDatasetRelativeToTheFile) {
  const auto c = parse(nb201_yaml("random", 5,
                                  "deploy: {target: cortex-m7, device: cortex-m7-h7a3, dataset: "
                                  "speech-commands:../data/kws, inputs: 7, calibration_samples: 50, qat: on, "
                                  "qat_epochs: 3}\n"));
  ASSERT_TRUE(c.deploy);
  EXPECT_EQ(c.deploy->target, "cortex-m7");
  EXPECT_EQ(c.deploy->device, "cortex-m7-h7a3");
  EXPECT_EQ(c.deploy->dataset, "speech-commands:/tmp/data/kws");
  EXPECT_EQ(c.deploy->inputs, 7);
  EXPECT_EQ(c.deploy->calibration_samples, 50);
  EXPECT_EQ(c.deploy->qat, "on");
  EXPECT_EQ(c.deploy->qat_epochs, 3);
  // The effective configuration keeps the resolved path, so a resumed run reads the same data.
  EXPECT_NE(c.effective_yaml().find("speech-commands:/tmp/data/kws"), std::string::npos);
}

TEST(DeployConfig, DefaultsAndSetPathsRelativeToTheCurrentDir) {
  const auto c = parse(nb201_yaml(), {"deploy.dataset=speech-commands:/abs/kws"});
  ASSERT_TRUE(c.deploy);
  EXPECT_EQ(c.deploy->target, "cortex-m7");
  EXPECT_EQ(c.deploy->dataset, "speech-commands:/abs/kws");
  EXPECT_EQ(c.deploy->device, "cortex-m7-f746");
  EXPECT_EQ(c.deploy->inputs, 100);
  EXPECT_EQ(c.deploy->calibration_samples, 200);
  EXPECT_EQ(c.deploy->qat, "auto");
  EXPECT_EQ(c.deploy->qat_epochs, 2);
}

TEST(DeployConfig, NpuTargetTakesItsDeviceAndFrameRate) {
  const auto c = parse(nb201_yaml("random", 5,
                                  "deploy: {target: npu, device: ethos-u55-128, dataset: coco:../data/inspect, "
                                  "calibration_samples: 40, fps: 25}\n"));
  ASSERT_TRUE(c.deploy);
  EXPECT_EQ(c.deploy->target, "npu");
  EXPECT_EQ(c.deploy->device, "ethos-u55-128");
  EXPECT_EQ(c.deploy->dataset, "coco:/tmp/data/inspect");
  EXPECT_EQ(c.deploy->calibration_samples, 40);
  EXPECT_DOUBLE_EQ(c.deploy->fps, 25);
  EXPECT_EQ(c.deploy->baseline, "");
  EXPECT_EQ(parse(nb201_yaml(),
                  {"deploy.target=npu", "deploy.device=edgetpu", "deploy.dataset=coco:d", "deploy.baseline=r160-w1.0"})
                .deploy->baseline,
            "r160-w1.0");
  EXPECT_DOUBLE_EQ(
      parse(nb201_yaml(), {"deploy.target=npu", "deploy.device=edgetpu", "deploy.dataset=coco:d"}).deploy->fps, 30);
  // An NPU has no default profile, and each target refuses the other's options.
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(), {"deploy.target=npu", "deploy.dataset=coco:d"}),
                     "deploy: target npu needs 'device: <NPU profile>', e.g. device: ethos-u55-128");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(),
                           {"deploy.target=npu", "deploy.device=edgetpu", "deploy.dataset=coco:d", "deploy.qat=on"}),
                     "deploy.qat: is an option of target cortex-m7, not of npu");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(), {"deploy.dataset=speech-commands:k", "deploy.fps=30"}),
                     "deploy.fps: is an option of target npu, not of cortex-m7");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(), {"deploy.dataset=speech-commands:k", "deploy.baseline=x"}),
                     "deploy.baseline: is an option of target npu, not of cortex-m7");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(),
                           {"deploy.target=npu", "deploy.device=edgetpu", "deploy.dataset=coco:d", "deploy.fps=0"}),
                     "deploy.fps: must be a frame rate in (0, 10000]");
}

TEST(DeployConfig, ABaselineOutsideTheSpaceFailsBeforeTheSearch) {
  const std::string npu = "deploy: {target: npu, device: edgetpu, dataset: coco:d, baseline: '|nor_conv_9x9~0|'}\n";
  EXPECT_HWNAS_ERROR(build_experiment(parse(nb201_yaml("random", 5, npu))), "/tmp/exp/e.yaml:12: deploy.baseline");
  const std::string arch = "|nor_conv_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|nor_conv_1x1~1|skip_connect~2|";
  EXPECT_NO_THROW(build_experiment(parse(
      nb201_yaml("random", 5, "deploy: {target: npu, device: edgetpu, dataset: coco:d, baseline: '" + arch + "'}\n"))));
}

TEST(DeployConfig, LocatedErrors) {
  EXPECT_HWNAS_ERROR(parse(nb201_yaml("random", 5, "deploy: {target: cortex-m4, dataset: speech-commands:k}\n")),
                     "/tmp/exp/e.yaml:12: deploy.target: unknown target 'cortex-m4'; the targets are: cortex-m7, npu");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml("random", 5, "deploy: {inputs: 3}\n")),
                     "/tmp/exp/e.yaml:12: deploy: needs 'dataset: <kind>:<path>'");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml("random", 5, "deploy: {dataset: kws}\n")),
                     "deploy.dataset: 'kws' is not <kind>:<path>");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(), {"deploy.dataset=speech-commands:k", "deploy.inputs=0"}),
                     "--set deploy.inputs: must be between 1 and 100000");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(), {"deploy.dataset=speech-commands:k", "deploy.calibration_samples=x"}),
                     "deploy.calibration_samples: expected a whole number");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml("random", 5, "deploy: {dataset: a:b, input: 3}\n")),
                     "deploy.input: unknown key (did you mean 'inputs'?)");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml("random", 5, "deploy: cortex-m7\n")), "deploy: expected a map");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(), {"deploy.dataset=speech-commands:k", "deploy.qat=yes"}),
                     "deploy.qat: 'yes' is not one of auto (fine-tune when int8 loses more than a point), on, off");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(), {"deploy.dataset=speech-commands:k", "deploy.qat_epochs=-1"}),
                     "deploy.qat_epochs: must be at least 1 (or qat: off)");
}

}  // namespace
}  // namespace hwnas::exp
