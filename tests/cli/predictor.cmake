# hwnas predictor build | fit | eval (docs/predictors.md). Building a host predictor measures
# for minutes: that is bench/run_predictor_bench.sh's job, not a test's.
hwnas_cli_test(predictor_help EXPECT "build.*fit.*eval" ARGS predictor --help)
hwnas_cli_test(predictor_build_help EXPECT "--kind.*--device.*--out.*--space.*--budget-min.*--threads" ARGS predictor build --help)

# A few measured NB201 latencies (values from shared/data/nb201/nb201_latency.csv, raspi4
# column, rounded) calibrate a device profile that `predict --model calibrated` reads back.
file(WRITE ${HWNAS_CLI_OUT}/predictor_m.csv
     "arch,latency_ms\n"
     "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|,10.48\n"
     "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|,54.78\n"
     "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|,90.0\n"
     "|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|,20.5\n"
     "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|,3.1\n"
     "|avg_pool_3x3~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|,12.0\n")
hwnas_cli_test(predictor_fit
               EXPECT "conv .*memory .*fitted on 6 measurements .*wrote .*predictor_fit.yaml \\(device 'raspi4-fitted'\\)"
               ARGS predictor fit --space nb201 --measurements ${HWNAS_CLI_OUT}/predictor_m.csv --device raspi4
                    --out ${HWNAS_CLI_OUT}/predictor_fit.yaml)
hwnas_cli_test(predictor_eval_table EXPECT "calibrated .*FLOPs-proportional"
               ARGS predictor eval --space nb201 --measurements ${HWNAS_CLI_OUT}/predictor_m.csv --train 4 --repeats 3)

# Errors name what is wrong and the way out.
hwnas_cli_test(predictor_build_other_device EXIT 2 EXPECT "only this machine \\(host\\) can be measured"
               ARGS predictor build --device pixel3-cpu)
hwnas_cli_test(predictor_build_lut_needs_space EXIT 2 EXPECT "a lut is built for a space" ARGS predictor build --kind lut)
hwnas_cli_test(predictor_eval_missing EXIT 2 EXPECT "missing-predictor.json"
               ARGS predictor eval --predictor ${HWNAS_CLI_OUT}/missing-predictor.json)
hwnas_cli_test(predictor_eval_table_needs_space EXIT 2 EXPECT "needs the space of its archs"
               ARGS predictor eval --measurements ${HWNAS_CLI_OUT}/predictor_m.csv)
hwnas_cli_test(predictor_fit_bad_column EXIT 2 EXPECT "latency"
               ARGS predictor fit --space nb201 --measurements ${HWNAS_CLI_OUT}/predictor_m.csv --latency-column ms
                    --out ${HWNAS_CLI_OUT}/never.yaml)

# A device fitted to a handful of measured models of any kind (no --space: built-in names and a
# <space>:<arch> in one table; tests/cli/fit/host_models.csv holds medians that `hwnas measure`
# took on the development host, xnnpack, 1 thread, on 2026-12-07). The fit states its
# uncertainty (leave-one-out error) and the fitted profile's predictions repeat it.
hwnas_cli_test(predictor_fit_models EXPECT "fitted on 6 measurements \\(1 rows without a latency skipped\\).*leave-one-out"
               ARGS predictor fit --measurements ${CMAKE_CURRENT_LIST_DIR}/fit/host_models.csv --device host
                    --out ${HWNAS_CLI_OUT}/host-models-fit.yaml)
hwnas_cli_test(predictor_fit_models_predict EXPECT "calibrated on host-fitted: calibrated model fitted to 6 measured models.*leave-one-out"
               ARGS predict efficientnet-b1 --device ${HWNAS_CLI_OUT}/host-models-fit.yaml --model calibrated)
set_tests_properties(cli.predictor_fit_models_predict PROPERTIES DEPENDS cli.predictor_fit_models)
file(WRITE ${HWNAS_CLI_OUT}/unknown_model.csv "arch,latency_ms\nnot-a-model,3\n")
hwnas_cli_test(predictor_fit_models_unknown EXIT 2 EXPECT "unknown_model.csv:2: column 'arch': model 'not-a-model'"
               ARGS predictor fit --measurements ${HWNAS_CLI_OUT}/unknown_model.csv --device host --out ${HWNAS_CLI_OUT}/x.yaml)
