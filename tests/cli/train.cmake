# hwnas train (apps/hwnas/cmd_train.cc; the trainer is in the interop plugin: train/plugin_api.h).
hwnas_cli_test(train_help EXPECT "--dataset.*--out.*--epochs.*--optimizer.*--patience.*--max-examples" ARGS train --help)
if(TARGET hwnas_interop_plugin)
  # DS-CNN on the tiny generated keyword set of data.cmake, 2 epochs: the run and every output file.
  hwnas_cli_test(train_kws_tiny
                 EXPECT "trained 2 epoch\\(s\\).*val top-1 [0-9.]+% \\(best epoch [12]\\); test top-1 [0-9.]+% on 24 examples.*wrote .*train-kws: model.json, weights.hwnasw, train_log.csv, metrics.json, curves.svg"
                 ARGS train dscnn-mlperf --dataset speech-commands:${HWNAS_CLI_OUT}/kws-tiny --epochs 2 --batch-size 32
                      --threads 1 --seed 4 --out ${HWNAS_CLI_OUT}/train-kws --overwrite)
  set_tests_properties(cli.train_kws_tiny PROPERTIES FIXTURES_REQUIRED cli_kws_tiny FIXTURES_SETUP cli_train_kws)
  add_test(NAME cli.train_kws_metrics COMMAND ${CMAKE_COMMAND} -E cat ${HWNAS_CLI_OUT}/train-kws/metrics.json
                                              ${HWNAS_CLI_OUT}/train-kws/train_log.csv)
  set_tests_properties(cli.train_kws_metrics PROPERTIES FIXTURES_REQUIRED cli_train_kws PASS_REGULAR_EXPRESSION
    "\"best_epoch\": [12],.*\"dataset\": \"speech-commands:.*\"epochs\": 2,.*\"params\": [0-9]+,.*\"top1\": [0-9.]+,.*epoch,lr,train_loss,train_acc,val_loss,val_acc,seconds\n1,[0-9.e-]+,.*\n2,")
  # The folder is a graph the resolver reads back (model.json), with the weights beside it.
  hwnas_cli_test(train_kws_model_json EXPECT "params: +[0-9,]+" ARGS model info ${HWNAS_CLI_OUT}/train-kws/model.json)
  set_tests_properties(cli.train_kws_model_json PROPERTIES FIXTURES_REQUIRED cli_train_kws)
  # A run folder goes on training from its checkpoint (--continue): epoch 3 is added to the
  # two epochs of train-kws, whose rows the new log keeps.
  hwnas_cli_test(train_kws_continue
                 EXPECT "trained 3 epoch\\(s\\).*wrote .*train-kws3: model.json"
                 ARGS train ${HWNAS_CLI_OUT}/train-kws --continue --dataset speech-commands:${HWNAS_CLI_OUT}/kws-tiny
                      --epochs 3 --batch-size 32 --threads 1 --seed 4 --out ${HWNAS_CLI_OUT}/train-kws3 --overwrite)
  set_tests_properties(cli.train_kws_continue PROPERTIES FIXTURES_REQUIRED cli_train_kws FIXTURES_SETUP cli_train_kws3)
  add_test(NAME cli.train_kws_continue_log COMMAND ${CMAKE_COMMAND} -E cat ${HWNAS_CLI_OUT}/train-kws3/train_log.csv
                                                   ${HWNAS_CLI_OUT}/train-kws3/checkpoint/optimizer.pt)
  set_tests_properties(cli.train_kws_continue_log PROPERTIES FIXTURES_REQUIRED cli_train_kws3 PASS_REGULAR_EXPRESSION
    "epoch,lr,train_loss,train_acc,val_loss,val_acc,seconds\n1,[^\n]*\n2,[^\n]*\n3,")
  # A folder without a checkpoint cannot be continued: the error says what to do.
  hwnas_cli_test(train_continue_not_a_run EXIT 2 EXPECT "error: .*is not a training run with a checkpoint"
                 ARGS train ${HWNAS_CLI_OUT}/train-kws/model.json --continue
                      --dataset speech-commands:${HWNAS_CLI_OUT}/kws-tiny --epochs 3 --out ${HWNAS_CLI_OUT}/train-bad2)
  set_tests_properties(cli.train_continue_not_a_run PROPERTIES FIXTURES_REQUIRED cli_train_kws)
  # An existing folder is kept unless --overwrite.
  hwnas_cli_test(train_existing_out EXIT 2 EXPECT "error: .*train-kws: already exists; pass --overwrite"
                 ARGS train dscnn-mlperf --dataset speech-commands:${HWNAS_CLI_OUT}/kws-tiny --out ${HWNAS_CLI_OUT}/train-kws)
  set_tests_properties(cli.train_existing_out PROPERTIES FIXTURES_REQUIRED cli_train_kws)
  # A model whose input is not the dataset's: the error says both shapes.
  hwnas_cli_test(train_wrong_input EXIT 2 EXPECT "error: training .* on speech-commands:.*input is \\[1,32,32,3\\].*\\[N,49,10,1\\]"
                 ARGS train mobilenetv2-0.35 --resolution 32 --dataset speech-commands:${HWNAS_CLI_OUT}/kws-tiny --out ${HWNAS_CLI_OUT}/train-bad)
  set_tests_properties(cli.train_wrong_input PROPERTIES FIXTURES_REQUIRED cli_kws_tiny)
  # A dscnn arch with 25 frames of 13 coefficients trains on 25 x 13 MFCC (40 ms windows every
  # 40 ms, data::fit_front_end; the trainer refuses examples of another shape), and hwnas eval of
  # the folder computes the same features without flags.
  set(kws25 "dscnn:mfcc=13,frames=25,first.kernel=3x3,first.stride=2x2,first.channels=8,depth=1,block1.channels=16,block1.kernel=3")
  hwnas_cli_test(train_kws_front_end
                 EXPECT "trained 1 epoch\\(s\\).*test top-1 [0-9.]+% on 24 examples"
                 ARGS train ${kws25} --dataset speech-commands:${HWNAS_CLI_OUT}/kws-tiny --epochs 1 --batch-size 32
                      --threads 1 --seed 4 --out ${HWNAS_CLI_OUT}/train-kws25 --overwrite)
  set_tests_properties(cli.train_kws_front_end PROPERTIES FIXTURES_REQUIRED cli_kws_tiny FIXTURES_SETUP cli_train_kws25)
  hwnas_cli_test(train_kws_front_end_eval EXPECT "weights: trained.*top-1: [0-9.]+% .*on 24 test examples"
                 REJECT "WARNING"
                 ARGS eval ${HWNAS_CLI_OUT}/train-kws25 --dataset speech-commands:${HWNAS_CLI_OUT}/kws-tiny)
  set_tests_properties(cli.train_kws_front_end_eval PROPERTIES FIXTURES_REQUIRED cli_train_kws25)
endif()
hwnas_cli_test(train_bad_optimizer EXIT 105 EXPECT "--optimizer: .*sgd" ARGS train dscnn-mlperf --dataset x:y --out z --optimizer rmsprop)
if(TARGET hwnas_interop_plugin)
  # A search whose accuracy is trained, killed mid-search and resumed without retraining
  # (tests/cli/train_search.py; python's standard sqlite3 reads the store).
  hwnas_python_test(train_search_resumes MODULE sqlite3
                    ARGS ${CMAKE_CURRENT_LIST_DIR}/train_search.py $<TARGET_FILE:hwnas> ${HWNAS_CLI_OUT}/kws-tiny
                         ${HWNAS_CLI_OUT}/train-search)
  set_tests_properties(cli.train_search_resumes PROPERTIES FIXTURES_REQUIRED cli_kws_tiny TIMEOUT 1800)
endif()
if(TARGET hwnas_interop_plugin)
  # A search with a deploy: section: the best trained DS-CNN quantized, built for the Cortex-M7, run
  # in QEMU and checked bit for bit; a second run keeps it (tests/cli/search_deploy.py).
  hwnas_python_test(search_deploy MODULE json
                    ARGS ${CMAKE_CURRENT_LIST_DIR}/search_deploy.py $<TARGET_FILE:hwnas> ${HWNAS_CLI_OUT}/kws-tiny
                         ${HWNAS_CLI_OUT}/search-deploy)
  set_tests_properties(cli.search_deploy PROPERTIES FIXTURES_REQUIRED cli_kws_tiny TIMEOUT 300)
endif()
