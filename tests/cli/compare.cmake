# hwnas compare: existing models compared on a device, with a recommendation
# (apps/hwnas/cmd_compare.cc, docs/compare.md). Small built-in models keep it fast.
set(HWNAS_CMP ${CMAKE_CURRENT_LIST_DIR}/compare)

hwnas_cli_test(compare_help EXPECT "--device.*--accuracy.*--latency.*--budget-ms" ARGS compare --help)
# Happy path: the table, every figure's source, the front and the pick within the budget.
hwnas_cli_test(compare_dscnn
               EXPECT "Models compared.*dscnn-l.*made-up figure for the CLI test, row 4.*predicted \\(roofline on pixel3-cpu.*Pareto front.*Recommended: dscnn-.*report: .*report.html"
               ARGS compare dscnn-s dscnn-m dscnn-l --device pixel3-cpu --accuracy ${HWNAS_CMP}/acc.csv
                    --out ${HWNAS_CLI_OUT}/compare_dscnn)
set_tests_properties(cli.compare_dscnn PROPERTIES FIXTURES_SETUP cli_compare_dscnn)
# `hwnas report --compare` redoes the comparison of a run with another budget.
hwnas_cli_test(report_compare_budget EXPECT "No model fits the 0.1 ms budget; the fastest is dscnn-s.*wrote .*report.html"
               ARGS report ${HWNAS_CLI_OUT}/compare_dscnn --compare --budget-ms 0.1)
set_tests_properties(cli.report_compare_budget PROPERTIES FIXTURES_REQUIRED cli_compare_dscnn)
hwnas_cli_test(report_budget_without_compare EXIT 2 EXPECT "error: --budget-ms: applies to --compare"
               ARGS report ${HWNAS_CLI_OUT}/compare_dscnn --budget-ms 3)
# A phone's measurements: the figure says where it was measured; a model not in the CSV is an
# error naming it and the file, unless --fallback predicts it.
hwnas_cli_test(compare_phone_missing EXIT 2 EXPECT "model 'dscnn-l' is not in phone.csv"
               ARGS compare dscnn-s dscnn-m dscnn-l --device pixel3-cpu --accuracy ${HWNAS_CMP}/acc.csv
                    --latency ${HWNAS_CMP}/phone.csv --out ${HWNAS_CLI_OUT}/compare_phone_missing)
hwnas_cli_test(compare_phone_fallback
               EXPECT "measured \\(made-up phone, 50 runs, std 0.1 ms\\) \\[phone.csv:2\\].*predicted \\(roofline on pixel3-cpu, f32\\) \\(not in phone.csv\\).*Recommended: dscnn-l"
               ARGS compare dscnn-s dscnn-m dscnn-l --device pixel3-cpu --accuracy ${HWNAS_CMP}/acc.csv
                    --latency ${HWNAS_CMP}/phone.csv --fallback --budget-ms 10 --out ${HWNAS_CLI_OUT}/compare_phone_fallback)
# A model the accuracy table does not have: named with the file.
hwnas_cli_test(compare_missing_accuracy EXIT 2 EXPECT "model 'mobilenetv2-0.35' is not in acc.csv \\(models there: dscnn-l, dscnn-m, dscnn-s\\)"
               ARGS compare dscnn-s mobilenetv2-0.35 --device pixel3-cpu --accuracy ${HWNAS_CMP}/acc.csv
                    --out ${HWNAS_CLI_OUT}/compare_missing)
# A malformed table: the file and the line.
hwnas_cli_test(compare_bad_csv EXIT 2 EXPECT "bad.csv:3"
               ARGS compare dscnn-s dscnn-m --device pixel3-cpu --accuracy ${HWNAS_CMP}/bad.csv --out ${HWNAS_CLI_OUT}/compare_bad)
hwnas_cli_test(compare_bad_budget EXIT 2 EXPECT "error: --budget-ms: must be > 0 ms, got -5"
               ARGS compare dscnn-s dscnn-m --device pixel3-cpu --budget-ms -5 --out ${HWNAS_CLI_OUT}/compare_budget)
hwnas_cli_test(compare_unknown_model EXIT 2 EXPECT "efficientnet-b9"
               ARGS compare dscnn-s efficientnet-b9 --device pixel3-cpu --out ${HWNAS_CLI_OUT}/compare_unknown)
hwnas_python_test(compare_csv_loads_with_pandas MODULE pandas
                  ARGS ${HWNAS_CMP}/load_csv.py $<TARGET_FILE:hwnas> ${HWNAS_CMP}/acc.csv ${HWNAS_CLI_OUT}/compare_pandas)
# Any model reference works in the list: here a graph JSON file, matched in the table by its stem.
hwnas_cli_test(compare_setup_json EXPECT "wrote" ARGS model export-json dscnn-s -o ${HWNAS_CLI_OUT}/dscnn-s.json)
set_tests_properties(cli.compare_setup_json PROPERTIES FIXTURES_SETUP cli_compare_json)
hwnas_cli_test(compare_graph_json EXPECT "cli-tests/dscnn-s.json +94.4 .*made-up figure for the CLI test, row 2 \\(acc.csv:2\\)"
               ARGS compare ${HWNAS_CLI_OUT}/dscnn-s.json dscnn-m --device pixel3-cpu
                    --accuracy ${HWNAS_CMP}/acc.csv --out ${HWNAS_CLI_OUT}/compare_json)
set_tests_properties(cli.compare_graph_json PROPERTIES FIXTURES_REQUIRED cli_compare_json)
# The phone job's example runs as documented (docs/compare.md), with fewer host runs.
hwnas_cli_test(compare_example_efficientnet_phone
               EXPECT "efficientnet-b3 .*Tan & Le 2019.*Table 2.*measured \\(xnnpack on this host.*Recommended: efficientnet-b[0-3] .*within the 70 ms budget.*ms per point.*recommendation.json"
               ARGS search ${CMAKE_SOURCE_DIR}/examples/efficientnet-phone.yaml --plain --set metrics.host_ms.runs=3
                    --set output=${HWNAS_CLI_OUT}/efficientnet-phone)
