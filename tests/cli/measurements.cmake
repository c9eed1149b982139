# hwnas measurements import: TFLite benchmark_model logs into a CSV of latencies
# (apps/hwnas/cmd_measurements.cc, docs/measure.md#importing-benchmark_model-logs).
set(HWNAS_BM_LOGS ${CMAKE_SOURCE_DIR}/tests/measure/benchmark_model_logs)
hwnas_cli_test(measurements_help EXPECT "import" ARGS measurements --help)
hwnas_cli_test(measurements_import_help EXPECT "--out.*--ops-out.*--device" ARGS measurements import --help)

# Two logs, three runs: each printed with where it came from, one CSV row each.
hwnas_cli_test(measurements_import
               EXPECT "mobilenet_v2_1.0_224: 5.688 ms measured \\(TFLite benchmark_model on pixel7, 176 runs, std 0.176 ms\\), 4 threads, gpu \\([^)]*logcat_gpu_crlf.txt:23\\)\nyolov5s_fp32_320: 62.68 ms measured \\(TFLite benchmark_model on pixel7, 50 runs, std 0.742 ms\\), 4 threads, cpu .*yolov5s_fp32_320: 23.44 ms measured .*, nnapi .*wrote .*phone.csv \\(3 runs from 2 logs"
               ARGS measurements import ${HWNAS_BM_LOGS}/logcat_gpu_crlf.txt ${HWNAS_BM_LOGS}/two_models_nnapi.txt
                    --out ${HWNAS_CLI_OUT}/phone.csv --device pixel7)
hwnas_cli_test(measurements_import_1x EXPECT "mobilenet_quant_v1_224: 80.66 ms measured \\(TFLite benchmark_model on tflite_1.15_logcat_brief.txt, 50 runs, std 0.871 ms\\), 2 threads, cpu"
               ARGS measurements import ${HWNAS_BM_LOGS}/tflite_1.15_logcat_brief.txt --out ${HWNAS_CLI_OUT}/phone_1x.csv)
hwnas_cli_test(measurements_import_no_profile EXIT 2 EXPECT "error: --ops-out: no run of .*tflite_2.8_plain.txt has a per-op profile"
               ARGS measurements import ${HWNAS_BM_LOGS}/tflite_2.8_plain.txt --out ${HWNAS_CLI_OUT}/x.csv --ops-out ${HWNAS_CLI_OUT}/y.csv)
hwnas_cli_test(measurements_import_missing EXIT 2 EXPECT "error: .*no_such_log.txt: no such file"
               ARGS measurements import ${HWNAS_CLI_OUT}/no_such_log.txt --out ${HWNAS_CLI_OUT}/x.csv)

# The rows with pandas, the per-op table, a malformed log, and the table fed to predictor fit.
hwnas_python_test(measurements_import_pandas MODULE pandas
                  ARGS ${CMAKE_CURRENT_LIST_DIR}/measurements_import.py $<TARGET_FILE:hwnas> ${HWNAS_BM_LOGS}
                       ${HWNAS_CLI_OUT}/measurements_import)
