# hwnas quantize (apps/hwnas/cmd_quantize.cc, docs/quant.md), on the fixture of eval.cmake: a
# trained global-pool -> FC(10) model and 8 CIFAR-10 images, 5 of which it gets right in fp32
# (62.5%, eval.cmake). The dataset has only a test split, so calibration says it used that.
hwnas_cli_test(quantize_help EXPECT "--dataset.*--calibration-samples.*--calibration.*--out.*--json" ARGS quantize --help)
hwnas_cli_test(quantize_trained
               EXPECT "calibration: minmax ranges over 8 test examples of cifar10:.*calibrated on the evaluated test split itself.*\nfp32 top-1: 62.50% \\(5 of 8\\) -- measured \\(reference kernels f32.*\nint8 top-1: [0-9.]+% \\(. of 8\\) -- measured \\(quant int8 reference kernels.*\noutput SQNR: [0-9.]+ dB.*\n.*fc +fully_connected.*wrote .*quant_out"
               ARGS quantize ${trained} --dataset ${c10} --out ${HWNAS_CLI_OUT}/quant_out)
hwnas_cli_test(quantize_json
               EXPECT "\"agreement\": 100.0,.*\"policy\": \"percentile\".*\"fp32\": .*\"top1\": 62.5.*\"int8\": .*\"top1\": 62.5.*\"layers\": .*\"name\": \"fc\".*\"output_sqnr_db\": [0-9.]+"
               ARGS quantize ${trained} --dataset ${c10} --calibration percentile --json)
# Bad input: "error: <where>: <what>", exit 2.
hwnas_cli_test(quantize_softmax EXIT 2 EXPECT "error: node 'sm' \\(softmax\\): not supported in int8: softmax over axis 0 \\(TFLite"
               ARGS quantize ${CMAKE_CURRENT_LIST_DIR}/quant/softmax.json --dataset ${c10})
set_tests_properties(cli.quantize_trained cli.quantize_json cli.quantize_softmax PROPERTIES FIXTURES_REQUIRED cli_eval)
# Quantization-aware fine-tuning (--qat, apps/hwnas/qat_step.h). auto on a dataset with no train
# split skips, says why, and the folder records it.
hwnas_cli_test(quantize_qat_auto_no_train
               EXPECT "qat auto: cifar10:.* has no train split to fine-tune on\n.*wrote .*quant_qat_auto \\(model.json, quant.json, weights_int8.bin, qat.json; the post-training model\\)"
               ARGS quantize ${trained} --dataset ${c10} --rows 1 --out ${HWNAS_CLI_OUT}/quant_qat_auto)
hwnas_cli_test(quantize_qat_json EXPECT "\"qat\": \\{.*\"mode\": \"off\",.*\"ran\": false,.*\"reason\": \"qat off: post-training int8 only\""
               ARGS quantize ${trained} --dataset ${c10} --qat off --json)
set_tests_properties(cli.quantize_qat_auto_no_train cli.quantize_qat_json PROPERTIES FIXTURES_REQUIRED cli_eval)
# --qat on through the plugin's trainer: one epoch on the generated keyword set (DS-CNN, random
# weights: this checks the path and the report, not the accuracy; tests/train/qat_test.cc does).
hwnas_cli_test(quantize_qat_on
               EXPECT "qat on: int8 is -?[0-9.]+ points below fp32 -- measured on 24 validation examples of speech-commands:.*\nqat: fine-tuned 1 epochs with int8 simulated \\(sgd, lr 0.005 cosine to 0; 1/10 of the trainer's default.*\nint8 top-1 after QAT: [0-9.]+% \\([0-9]+ of 24\\) -- measured \\(quant int8 reference kernels, TFLite arithmetic, QAT weights, on 24 test examples.*\nheld out \\(validation split\\): fp32 [0-9.]+% \\([0-9]+ of 24\\), PTQ int8 [0-9.]+% .*, QAT int8 [0-9.]+% .* -- measured\nkept: the (QAT|PTQ) model.*wrote .*quant_qat_on"
               ARGS quantize dscnn-mlperf --dataset speech-commands:${HWNAS_CLI_OUT}/kws-tiny --qat on --qat-epochs 1
                    --threads 1 --rows 1 --out ${HWNAS_CLI_OUT}/quant_qat_on)
set_tests_properties(cli.quantize_qat_on PROPERTIES FIXTURES_REQUIRED cli_kws_tiny)
# Bad settings name the flag and the fix.
hwnas_cli_test(quantize_qat_bad_epochs EXIT 2
               EXPECT "error: --qat-epochs -1: must be at least 1 \\(or turn fine-tuning off: --qat off\\)"
               ARGS quantize dscnn-mlperf --dataset speech-commands:${HWNAS_CLI_OUT}/kws-tiny --qat on --qat-epochs -1)
hwnas_cli_test(quantize_qat_bad_mode EXIT 2 EXPECT "error: --qat 'yes': unknown; use auto .*, on or off"
               ARGS quantize dscnn-mlperf --dataset speech-commands:${HWNAS_CLI_OUT}/kws-tiny --qat yes)
set_tests_properties(cli.quantize_qat_bad_epochs cli.quantize_qat_bad_mode PROPERTIES FIXTURES_REQUIRED cli_kws_tiny)
