# hwnas eval (apps/hwnas/cmd_eval.cc, docs/eval.md). The fixture (eval/fixture.py) writes a
# CIFAR-10 test batch of 8 one-colour images and a trained model directory whose hand-set FC
# predicts each image's class from its red level: 5 of the 8 are right (62.5%), class 0 two of
# three, class 2 one of two, class 5 none; the confusion matrix has (0,3), (2,1) and (5,0) off
# the diagonal. See the fixture's docstring for the hand count.
set(HWNAS_EVAL_DIR ${HWNAS_CLI_OUT}/eval)
add_test(NAME cli.eval_setup COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/eval/fixture.py ${HWNAS_EVAL_DIR})
set_tests_properties(cli.eval_setup PROPERTIES FIXTURES_SETUP cli_eval)
set(c10 cifar10:${HWNAS_EVAL_DIR}/c10)
set(trained ${HWNAS_EVAL_DIR}/trained)

hwnas_cli_test(eval_help EXPECT "--dataset.*--split.*--backend.*--max-examples.*--json" ARGS eval --help)
hwnas_cli_test(eval_trained REPEAT
               EXPECT "weights: trained weights .*trained/weights.hwnasw\ntop-1: 62.50% \\(5 of 8 correct\\) -- measured \\(xnnpack f32 on 8 test examples of cifar10:.*/c10\\)\n.*airplane +3 +2 +66.67\n.*automobile +1 +1 +100.00\n.*bird +2 +1 +50.00\n.*cat +0 +0 +-\n.*dog +1 +0 +0.00\n.*truck +1 +1 +100.00\n.*rows: true class.*\n0 airplane +2 +0 +0 +1 +0 +0 +0 +0 +0 +0\n.*2 bird +0 +1 +1 +0"
               ARGS eval ${trained} --dataset ${c10})
hwnas_cli_test(eval_trained_reference_json
               EXPECT "\"backend\": \"reference\".*\"dataset\": \"cifar10:.*/c10\".*\"examples\": 8,.*\"airplane\": 66.66.*\"split\": \"test\",.*\"top1\": 62.5,.*\"trained\": true"
               REJECT "WARNING"
               ARGS eval ${trained} --dataset ${c10} --backend reference --json)
# Evenly spaced examples 0, 2, 4, 6: (0,0) right, (0,3) wrong, (2,1) wrong, (9,9) right.
hwnas_cli_test(eval_max_examples EXPECT "top-1: 50.00% \\(2 of 4 correct\\) -- measured \\(xnnpack f32 on 4 test"
               ARGS eval ${trained} --dataset ${c10} --max-examples 4 --threads 2)
# A trained directory is a model reference for the other commands too.
hwnas_cli_test(eval_dir_model_info EXPECT "params: +40 " ARGS model info ${trained})
hwnas_cli_test(eval_dir_profile EXPECT "whole model:" ARGS profile ${trained} --rows 2 --kernel-budget-s 0.02 --budget-s 0.3)
set_tests_properties(cli.eval_trained cli.eval_trained_reference_json cli.eval_max_examples cli.eval_dir_model_info
                     cli.eval_dir_profile PROPERTIES FIXTURES_REQUIRED cli_eval)

# A model without weights of its own runs on random weights, and says so loudly (DS-CNN on the
# generated keyword set of tests/cli/data.cmake: 49x10 MFCC in, 12 classes out).
# (stdout, then stderr)
hwnas_cli_test(eval_untrained EXPECT "weights: UNTRAINED.*top-1: .*on 24 test examples of speech-commands:.*WARNING: 'dscnn-mlperf' has no trained weights: evaluating UNTRAINED RANDOM INITIALISATION"
               ARGS eval dscnn-mlperf --dataset speech-commands:${HWNAS_CLI_OUT}/kws-tiny)
set_tests_properties(cli.eval_untrained PROPERTIES FIXTURES_REQUIRED cli_kws_tiny)
# A dscnn arch of 25 frames x 13 coefficients gets its own MFCC (40 ms windows every 40 ms)
# unless MFCC flags are given, which then win (and here do not fit).
set(kws25 "dscnn:mfcc=13,frames=25,first.kernel=3x3,first.stride=2x2,first.channels=8,depth=1,block1.channels=8,block1.kernel=3")
hwnas_cli_test(eval_fits_front_end EXPECT "top-1: .*on 24 test examples of speech-commands:"
               ARGS eval ${kws25} --dataset speech-commands:${HWNAS_CLI_OUT}/kws-tiny)
hwnas_cli_test(eval_front_end_flags_win EXIT 2 EXPECT "takes input \\[1,25,13,1\\] but dataset speech-commands:.* gives examples of 49x13x1"
               ARGS eval ${kws25} --dataset speech-commands:${HWNAS_CLI_OUT}/kws-tiny --coefficients 13)
set_tests_properties(cli.eval_fits_front_end cli.eval_front_end_flags_win PROPERTIES FIXTURES_REQUIRED cli_kws_tiny)

# Bad input: "error: <where>: <what>", exit 2.
hwnas_cli_test(eval_unknown_kind EXIT 2 EXPECT "error: voc:/x: unknown dataset kind 'voc'" ARGS eval ${trained} --dataset voc:/x)
hwnas_cli_test(eval_missing_dataset EXIT 2 EXPECT "error: .*eval/nowhere.*no such"
               ARGS eval ${trained} --dataset cifar10:${HWNAS_EVAL_DIR}/nowhere)
hwnas_cli_test(eval_class_mismatch EXIT 2
               EXPECT "error: model 'nearest-red': has 5 outputs per example \\(output \\[1,5\\]\\) but dataset cifar10:.*c10 has 10 classes"
               ARGS eval ${HWNAS_EVAL_DIR}/fc5 --dataset ${c10})
hwnas_cli_test(eval_input_mismatch EXIT 2
               EXPECT "error: model 'dscnn-mlperf'.*takes input \\[1,49,10,1\\] but dataset cifar10:.* gives examples of 32x32x3"
               ARGS eval dscnn-mlperf --dataset ${c10})
hwnas_cli_test(eval_no_split EXIT 2 EXPECT "error: dataset cifar10:.*has no validation split"
               ARGS eval ${trained} --dataset ${c10} --split validation)
hwnas_cli_test(eval_bad_split EXIT 2 EXPECT "error: .*dev.*validation" ARGS eval ${trained} --dataset ${c10} --split dev)
hwnas_cli_test(eval_dir_without_model EXIT 2
               EXPECT "error: .*eval/empty: a directory given as a model must hold model.json"
               ARGS eval ${HWNAS_EVAL_DIR}/empty --dataset ${c10})
hwnas_cli_test(eval_dir_mixed_weights EXIT 2
               EXPECT "error: .*mixed/weights.hwnasw.*'kernel' tensor has shape \\[5,3\\], expected \\[10,3\\]"
               ARGS eval ${HWNAS_EVAL_DIR}/mixed --dataset ${c10})
set_tests_properties(cli.eval_missing_dataset cli.eval_class_mismatch cli.eval_input_mismatch cli.eval_no_split
                     cli.eval_bad_split cli.eval_dir_without_model cli.eval_dir_mixed_weights
                     PROPERTIES FIXTURES_REQUIRED cli_eval)
