# The few-shot model's residual stage (cost/few_shot_prior.h, learn/boosted_residual.h): fitted
# on many rows, the model file carries XGBoost trees (version 2) that predict reads back.
set(RESIDUAL_TABLE ${HWNAS_SHARED_DATA_DIR}/nb201/nb201_latency.csv)

# 400 rows of the NB201 table as edgegpu "measurements" (those with an edgegpu value: ~330,
# above the residual's minimum of 100), and 10 rows as raspi4 ones; cut from the table when
# the tests run (the shared data need not exist when the build is configured).
file(WRITE ${HWNAS_CLI_OUT}/residual_data.cmake [=[
file(STRINGS ${TABLE} lines LIMIT_COUNT 401)
string(JOIN "\n" text ${lines})
file(WRITE ${OUT}/residual_m.csv "${text}\n")
list(SUBLIST lines 0 11 few)
string(JOIN "\n" text ${few})
file(WRITE ${OUT}/residual_few.csv "${text}\n")
]=])
add_test(NAME cli.few_shot_residual_data
         COMMAND ${CMAKE_COMMAND} -DTABLE=${RESIDUAL_TABLE} -DOUT=${HWNAS_CLI_OUT} -P ${HWNAS_CLI_OUT}/residual_data.cmake)
set_tests_properties(cli.few_shot_residual_data PROPERTIES FIXTURES_SETUP cli_residual_data)
hwnas_cli_test(few_shot_residual_fit
               EXPECT "residual trees \\(XGBoost on log\\(measured / linear\\)\\): [0-9]+ rounds, depth [0-9]. 5-fold CV RMS [0-9.]+% vs [0-9.]+% linear.fitted on [0-9]+ measurements of edgegpu_latency_ms.*wrote .*residual_model.json \\(few-shot prior model, 35 features\\)"
               ARGS predictor fit --space nb201 --measurements ${HWNAS_CLI_OUT}/residual_m.csv --arch-column arch_str
                    --latency-column edgegpu_latency_ms --prior ${RESIDUAL_TABLE} --out ${HWNAS_CLI_OUT}/residual_model.json)
set_tests_properties(cli.few_shot_residual_fit PROPERTIES FIXTURES_REQUIRED cli_residual_data FIXTURES_SETUP cli_residual_model)
# With 10 measurements there are no trees, and the fit says why.
hwnas_cli_test(few_shot_residual_few
               EXPECT "residual trees \\(XGBoost on log\\(measured / linear\\)\\): not fitted: 10 rows, fewer than 100.fitted on 10 measurements"
               ARGS predictor fit --space nb201 --measurements ${HWNAS_CLI_OUT}/residual_few.csv --arch-column arch_str
                    --latency-column raspi4_latency_ms --prior ${RESIDUAL_TABLE} --out ${HWNAS_CLI_OUT}/residual_few.json)
set_tests_properties(cli.few_shot_residual_few PROPERTIES FIXTURES_REQUIRED cli_residual_data)

file(WRITE ${HWNAS_CLI_OUT}/residual_archs.txt
     "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|\n"
     "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|\n")
hwnas_cli_test(few_shot_residual_predict
               EXPECT "wrote .*residual_predict.csv \\(2 archs of nb201. latency predicted \\(few-shot prior model: [0-9]+ measurements of edgegpu_latency_ms, prior raspi4_latency_ms, .* \\+ XGBoost residual \\([0-9]+ rounds, depth [0-9]. 5-fold CV RMS [0-9.]+% vs [0-9.]+% linear\\)\\)\\)"
               ARGS predict --predictor ${HWNAS_CLI_OUT}/residual_model.json --space nb201
                    --archs ${HWNAS_CLI_OUT}/residual_archs.txt --csv ${HWNAS_CLI_OUT}/residual_predict.csv)
set_tests_properties(cli.few_shot_residual_predict PROPERTIES FIXTURES_REQUIRED cli_residual_model)

# The file is version 2 with the trees as base64 UBJ; a copy with a broken model is refused
# with the file and the key named.
file(WRITE ${HWNAS_CLI_OUT}/residual_file.cmake [=[
file(READ ${MODEL} json)
string(JSON version GET "${json}" version)
string(JSON format GET "${json}" residual format)
string(JSON rows GET "${json}" residual cv rows)
if(NOT version EQUAL 2 OR NOT format STREQUAL "xgboost-ubj-base64" OR rows LESS 100)
  message(FATAL_ERROR "expected version 2, residual.format xgboost-ubj-base64, cv.rows >= 100; got ${version}, ${format}, ${rows}")
endif()
string(JSON broken SET "${json}" residual model "\"AAAA\"")
file(WRITE ${BROKEN} "${broken}")
message("version ${version}, residual ${format}, CV on ${rows} rows")
]=])
add_test(NAME cli.few_shot_residual_file
         COMMAND ${CMAKE_COMMAND} -DMODEL=${HWNAS_CLI_OUT}/residual_model.json -DBROKEN=${HWNAS_CLI_OUT}/residual_broken.json
                 -P ${HWNAS_CLI_OUT}/residual_file.cmake)
set_tests_properties(cli.few_shot_residual_file PROPERTIES FIXTURES_REQUIRED cli_residual_model
                                                         FIXTURES_SETUP cli_residual_broken)
hwnas_cli_test(few_shot_residual_broken EXIT 2 EXPECT "residual_broken.json: residual.model: not a valid XGBoost model"
               ARGS predict --predictor ${HWNAS_CLI_OUT}/residual_broken.json --space nb201
                    --archs ${HWNAS_CLI_OUT}/residual_archs.txt --csv ${HWNAS_CLI_OUT}/never.csv)
set_tests_properties(cli.few_shot_residual_broken PROPERTIES FIXTURES_REQUIRED cli_residual_broken)
