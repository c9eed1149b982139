# The few-shot prior model (cost/few_shot_prior.h, docs/predictors.md): hwnas predictor eval |
# fit --prior and hwnas predict --predictor <model.json>, on HW-NAS-Bench's NB201 latency table.
set(PRIOR_TABLE ${HWNAS_SHARED_DATA_DIR}/nb201/nb201_latency.csv)

# Leave raspi4 out: its prior is the other five *latency_ms columns (never edgegpu's energy),
# 10 measured rows per fit, 3 draws. Spearman over all 15,625 rows is ~0.93 (bench: 20 draws);
# the FLOPs-proportional baseline is 0.873 whatever the draw.
hwnas_cli_test(predictor_prior_eval
               EXPECT "raspi4_latency_ms: few-shot prior model \\(prior: edgegpu_latency_ms, gtx1080ti_b1_latency_ms, xeon_gold6240_latency_ms, samsung_s7_latency_ms, titanx_b1_latency_ms of .*\\) fitted on 10 random rows.*few-shot prior +0\\.9[0-9][0-9] .*FLOPs-proportional +0\\.873 "
               REJECT "energy"
               ARGS predictor eval --measurements ${PRIOR_TABLE} --space nb201 --arch-column arch_str
                    --latency-column raspi4_latency_ms --prior ${PRIOR_TABLE} --repeats 3)
hwnas_cli_test(predictor_prior_eval_json EXPECT "\"prior\": \\{.*\"columns\": .*\"gtx1080ti_b1_latency_ms\".*\"spearman_mean\": 0\\.9"
               ARGS predictor eval --measurements ${PRIOR_TABLE} --space nb201 --arch-column arch_str
                    --latency-column raspi4_latency_ms --prior ${PRIOR_TABLE} --prior-columns gtx1080ti_b1_latency_ms,xeon_gold6240_latency_ms
                    --repeats 2 --json)

# Ten raspi4 measurements (rows 0, 1000, ..., 9000 of the table, rounded) fit a model file that
# predict reads back for a list of archs.
file(WRITE ${HWNAS_CLI_OUT}/prior_m.csv
     "arch,raspi4_latency_ms\n"
     "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|,10.48\n"
     "|skip_connect~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|none~0|skip_connect~1|nor_conv_3x3~2|,37.16\n"
     "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|avg_pool_3x3~1|none~2|,32.84\n"
     "|nor_conv_1x1~0|+|skip_connect~0|skip_connect~1|+|none~0|avg_pool_3x3~1|none~2|,11.96\n"
     "|nor_conv_1x1~0|+|none~0|nor_conv_1x1~1|+|nor_conv_3x3~0|none~1|nor_conv_3x3~2|,41.97\n"
     "|nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|+|avg_pool_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|,58.69\n"
     "|none~0|+|none~0|nor_conv_3x3~1|+|avg_pool_3x3~0|skip_connect~1|nor_conv_3x3~2|,37.93\n"
     "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|nor_conv_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|,27.14\n"
     "|nor_conv_3x3~0|+|skip_connect~0|none~1|+|skip_connect~0|none~1|nor_conv_1x1~2|,22.87\n"
     "|nor_conv_3x3~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|,60.31\n")
hwnas_cli_test(predictor_prior_fit
               EXPECT "prior: edgegpu_latency_ms \\(12555 rows\\), gtx1080ti.*blend .*live .*counts .*fitted on 10 measurements of raspi4_latency_ms.*wrote .*prior_model.json \\(few-shot prior model, 35 features\\)"
               ARGS predictor fit --space nb201 --measurements ${HWNAS_CLI_OUT}/prior_m.csv --latency-column raspi4_latency_ms
                    --prior ${PRIOR_TABLE} --prior-arch-column arch_str --out ${HWNAS_CLI_OUT}/prior_model.json)
set_tests_properties(cli.predictor_prior_fit PROPERTIES FIXTURES_SETUP cli_prior_model)
# Read back: the all-3x3 cell is predicted slower than the all-skip cell (six 3x3 convolutions
# per cell against none).
file(WRITE ${HWNAS_CLI_OUT}/prior_archs.txt
     "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|\n"
     "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|\n")
hwnas_cli_test(predictor_prior_predict
               EXPECT "wrote .*prior_predict.csv \\(2 archs of nb201. latency predicted \\(few-shot prior model: 10 measurements of raspi4_latency_ms, prior edgegpu_latency_ms, "
               ARGS predict --predictor ${HWNAS_CLI_OUT}/prior_model.json --space nb201 --archs ${HWNAS_CLI_OUT}/prior_archs.txt
                    --csv ${HWNAS_CLI_OUT}/prior_predict.csv)
set_tests_properties(cli.predictor_prior_predict PROPERTIES FIXTURES_REQUIRED cli_prior_model FIXTURES_SETUP cli_prior_predict)
file(WRITE ${HWNAS_CLI_OUT}/prior_order.cmake [=[
file(STRINGS ${CSV} lines)
list(GET lines 1 conv)
list(GET lines 2 skip)
string(REGEX REPLACE ".*," "" conv "${conv}")
string(REGEX REPLACE ".*," "" skip "${skip}")
if(NOT conv GREATER skip OR NOT skip GREATER 0)
  message(FATAL_ERROR "all-3x3 cell predicted ${conv} ms, all-skip cell ${skip} ms: expected 3x3 > skip > 0")
endif()
message("all-3x3 ${conv} ms > all-skip ${skip} ms")
]=])
add_test(NAME cli.predictor_prior_predict_order COMMAND ${CMAKE_COMMAND} -DCSV=${HWNAS_CLI_OUT}/prior_predict.csv
                                                        -P ${HWNAS_CLI_OUT}/prior_order.cmake)
set_tests_properties(cli.predictor_prior_predict_order PROPERTIES FIXTURES_REQUIRED cli_prior_predict)

# Errors name what is wrong and the way out.
hwnas_cli_test(predictor_prior_unknown_column EXIT 2 EXPECT "no column 'raspi_latency_ms' \\(did you mean 'raspi4_latency_ms'\\?\\)"
               ARGS predictor eval --measurements ${PRIOR_TABLE} --space nb201 --arch-column arch_str
                    --latency-column edgegpu_latency_ms --prior ${PRIOR_TABLE} --prior-columns raspi_latency_ms)
hwnas_cli_test(predictor_prior_target_column EXIT 2 EXPECT "'raspi4_latency_ms' is the target column itself"
               ARGS predictor eval --measurements ${PRIOR_TABLE} --space nb201 --arch-column arch_str
                    --latency-column raspi4_latency_ms --prior ${PRIOR_TABLE} --prior-columns raspi4_latency_ms,xeon_gold6240_latency_ms)
file(WRITE ${HWNAS_CLI_OUT}/prior_two.csv
     "arch,raspi4_latency_ms\n"
     "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|,10.48\n"
     "|skip_connect~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|none~0|skip_connect~1|nor_conv_3x3~2|,37.16\n")
hwnas_cli_test(predictor_prior_too_few EXIT 2 EXPECT "needs at least 3 measured architectures"
               ARGS predictor fit --space nb201 --measurements ${HWNAS_CLI_OUT}/prior_two.csv --latency-column raspi4_latency_ms
                    --prior ${PRIOR_TABLE} --prior-arch-column arch_str --out ${HWNAS_CLI_OUT}/never.json)
# A prior table of another space: the file, the line, and a hint.
file(WRITE ${HWNAS_CLI_OUT}/prior_mbconv.csv
     "arch,a_latency_ms\n\"r224-w1.0-d2,2,2,2,2-k3,3,3,3,3,3,3,3,3,3-e3,3,3,3,3,3,3,3,3,3\",5.1\n")
hwnas_cli_test(predictor_prior_other_space EXIT 2 EXPECT "prior_mbconv.csv:2: column 'arch' \\(is this a table of the nb201 space\\?\\)"
               ARGS predictor fit --space nb201 --measurements ${HWNAS_CLI_OUT}/prior_m.csv --latency-column raspi4_latency_ms
                    --prior ${HWNAS_CLI_OUT}/prior_mbconv.csv --out ${HWNAS_CLI_OUT}/never.json)
hwnas_cli_test(predictor_prior_needs_table EXIT 2 EXPECT "give --measurements and --space too"
               ARGS predictor eval --prior ${PRIOR_TABLE})
hwnas_cli_test(predictor_prior_predict_device EXIT 2 EXPECT "already one device's latency: drop --device"
               ARGS predict --predictor ${HWNAS_CLI_OUT}/prior_model.json --device raspi4 --space nb201
                    --archs ${HWNAS_CLI_OUT}/prior_archs.txt --csv ${HWNAS_CLI_OUT}/never.csv)
set_tests_properties(cli.predictor_prior_predict_device PROPERTIES FIXTURES_REQUIRED cli_prior_model)
hwnas_cli_test(predictor_prior_predict_other_space EXIT 2 EXPECT "fitted on the nb201 space; its features differ from those of mbconv"
               ARGS predict --predictor ${HWNAS_CLI_OUT}/prior_model.json --space mbconv
                    --archs ${HWNAS_CLI_OUT}/prior_archs.txt --csv ${HWNAS_CLI_OUT}/never.csv)
set_tests_properties(cli.predictor_prior_predict_other_space PROPERTIES FIXTURES_REQUIRED cli_prior_model)
hwnas_cli_test(predict_needs_device EXIT 2 EXPECT "--device: which device\\?" ARGS predict efficientnet-b0)
