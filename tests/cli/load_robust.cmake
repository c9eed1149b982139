# Load-robust predictor building and evaluation (docs/predictors.md, "On a busy machine"):
# the options exist and reject bad values; the figures are bench/run_load_bench.sh's job.
hwnas_cli_test(predictor_build_robust_help EXPECT "--kernel-statistic.*median \\| p10 \\| min.*--whole-rounds"
               ARGS predictor build --help)
hwnas_cli_test(predictor_eval_rounds_help EXPECT "--rounds.*lowest median is kept" ARGS predictor eval --help)
hwnas_cli_test(predictor_build_bad_statistic EXIT 105 EXPECT "--kernel-statistic: mean not in \\{median,p10,min\\}"
               ARGS predictor build --kernel-statistic mean)
hwnas_cli_test(predictor_build_bad_rounds EXIT 105 EXPECT "--whole-rounds: Value 0 not in range 1 to 20"
               ARGS predictor build --whole-rounds 0)
hwnas_cli_test(predictor_eval_bad_rounds EXIT 105 EXPECT "--rounds: Value 0 not in range 1 to 20"
               ARGS predictor eval --rounds 0)
