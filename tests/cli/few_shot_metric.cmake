# The few-shot metric of experiments ({model: few_shot, predictor: model.json}, eval/few_shot_metric.h):
# a search over NB201 whose latency is a few-shot prior model of edgegpu, and its figures are
# exactly what `hwnas predict --predictor` says for the same archs.
set(FSM_TABLE ${HWNAS_SHARED_DATA_DIR}/nb201/nb201_latency.csv)
set(FSM_DIR ${HWNAS_CLI_OUT}/few_shot_metric)
file(MAKE_DIRECTORY ${FSM_DIR})

# Ten edgegpu measurements (rows 0, 1000, ..., 9000 of the table, rounded to us).
file(WRITE ${FSM_DIR}/edgegpu10.csv
     "arch,edgegpu_latency_ms\n"
     "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|,5.807\n"
     "|skip_connect~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|none~0|skip_connect~1|nor_conv_3x3~2|,5.354\n"
     "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|avg_pool_3x3~1|none~2|,4.537\n"
     "|nor_conv_1x1~0|+|skip_connect~0|skip_connect~1|+|none~0|avg_pool_3x3~1|none~2|,3.255\n"
     "|nor_conv_1x1~0|+|none~0|nor_conv_1x1~1|+|nor_conv_3x3~0|none~1|nor_conv_3x3~2|,5.596\n"
     "|nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|+|avg_pool_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|,5.657\n"
     "|none~0|+|none~0|nor_conv_3x3~1|+|avg_pool_3x3~0|skip_connect~1|nor_conv_3x3~2|,4.975\n"
     "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|nor_conv_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|,5.395\n"
     "|nor_conv_3x3~0|+|skip_connect~0|none~1|+|skip_connect~0|none~1|nor_conv_1x1~2|,2.542\n"
     "|nor_conv_3x3~0|+|nor_conv_1x1~0|none~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_1x1~2|,5.506\n")
hwnas_cli_test(few_shot_metric_fit EXPECT "wrote .*edgegpu.json \\(few-shot prior model"
               ARGS predictor fit --space nb201 --measurements ${FSM_DIR}/edgegpu10.csv --latency-column edgegpu_latency_ms
                    --prior ${FSM_TABLE} --prior-arch-column arch_str --out ${FSM_DIR}/edgegpu.json)
set_tests_properties(cli.few_shot_metric_fit PROPERTIES FIXTURES_SETUP cli_fsm_model)

# The predictor path is relative to the experiment file.
file(WRITE ${FSM_DIR}/exp.yaml
     "name: nb201-edgegpu-fewshot\n"
     "space: nb201\n"
     "metrics:\n"
     "  accuracy:   {table: ${HWNAS_SHARED_DATA_DIR}/nb201/nb201_cifar10.csv, key: arch_str, column: test_acc_200ep}\n"
     "  latency_ms: {model: few_shot, predictor: edgegpu.json}\n"
     "objectives: [{metric: accuracy, goal: max}, {metric: latency_ms, goal: min}]\n"
     "strategy: {name: random, seed: 1}\n"
     "budget: {trials: 12}\n"
     "workers: 2\n"
     "output: run\n")
# A fresh run each time (a stored one would be resumed, not searched).
add_test(NAME cli.few_shot_metric_clean COMMAND ${CMAKE_COMMAND} -E rm -rf ${FSM_DIR}/run)
set_tests_properties(cli.few_shot_metric_clean PROPERTIES FIXTURES_SETUP cli_fsm_clean)
hwnas_cli_test(few_shot_metric_search
               EXPECT "trials: 12 of budget 12 \\(12 ok.*latency_ms +predicted \\(few-shot prior model edgegpu.json: 10 measurements of edgegpu_latency_ms, prior raspi4_latency_ms, .*\\) \\[cheap\\]"
               REJECT "from the store"
               ARGS search ${FSM_DIR}/exp.yaml)
set_tests_properties(cli.few_shot_metric_search PROPERTIES FIXTURES_REQUIRED "cli_fsm_model;cli_fsm_clean" FIXTURES_SETUP cli_fsm_run)

# trials.csv's arch and latency_ms columns against `hwnas predict --predictor` on those archs:
# the same strings (both print the shortest round-trip form of the same double).
file(WRITE ${FSM_DIR}/compare.cmake [=[
file(STRINGS ${DIR}/run/trials.csv trials)
list(POP_FRONT trials)
set(archs "")
set(expected "")
foreach(line IN LISTS trials)
  string(REPLACE "," ";" cells "${line}")
  list(GET cells 1 arch)
  list(GET cells 3 ms)
  string(APPEND archs "${arch}\n")
  string(APPEND expected "${arch},${ms};")
endforeach()
file(WRITE ${DIR}/archs.txt "${archs}")
execute_process(COMMAND ${HWNAS} predict --predictor ${DIR}/edgegpu.json --space nb201 --archs ${DIR}/archs.txt
                        --csv ${DIR}/predicted.csv RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "hwnas predict failed: ${rc}")
endif()
file(STRINGS ${DIR}/predicted.csv predicted)
list(POP_FRONT predicted)
string(REPLACE ";" "\n" predicted_text "${predicted}")
string(REPLACE ";" "\n" expected_text "${expected}")
if(NOT "${predicted_text}\n" STREQUAL "${expected_text}")
  message(FATAL_ERROR "the search's latency_ms differs from hwnas predict:\nsearch:\n${expected_text}\npredict:\n${predicted_text}")
endif()
list(LENGTH predicted n)
message("${n} trials: latency_ms equals hwnas predict --predictor")
]=])
add_test(NAME cli.few_shot_metric_equals_predict
         COMMAND ${CMAKE_COMMAND} -DHWNAS=$<TARGET_FILE:hwnas> -DDIR=${FSM_DIR} -P ${FSM_DIR}/compare.cmake)
set_tests_properties(cli.few_shot_metric_equals_predict PROPERTIES FIXTURES_REQUIRED cli_fsm_run)

# Errors: a model of nb201 in an mbconv experiment names the file and both spaces.
file(WRITE ${FSM_DIR}/mbconv.yaml
     "space: mbconv\n"
     "metrics:\n"
     "  latency_ms: {model: few_shot, predictor: edgegpu.json}\n"
     "objectives: [{metric: latency_ms, goal: min}]\n"
     "budget: {trials: 2}\n"
     "output: run-mbconv\n")
hwnas_cli_test(few_shot_metric_other_space EXIT 2
               EXPECT "mbconv.yaml:3: metrics.latency_ms.predictor: .*edgegpu.json: the few-shot model was fitted on the nb201 space, but this experiment searches mbconv"
               ARGS search ${FSM_DIR}/mbconv.yaml)
set_tests_properties(cli.few_shot_metric_other_space PROPERTIES FIXTURES_REQUIRED cli_fsm_model)
hwnas_cli_test(few_shot_metric_missing_file EXIT 2
               EXPECT "metrics.latency_ms.predictor: no such file: .*none.json \\(fit one with `hwnas predictor fit --prior"
               ARGS search ${FSM_DIR}/exp.yaml --set "metrics.latency_ms={model: few_shot, predictor: ${FSM_DIR}/none.json}")
