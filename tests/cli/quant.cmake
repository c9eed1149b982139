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
hwnas_cli_test(quantize_softmax EXIT 2 EXPECT "error: node 'sm' \\(softmax\\): not supported in int8: softmax"
               ARGS quantize ${CMAKE_CURRENT_LIST_DIR}/quant/softmax.json --dataset ${c10})
set_tests_properties(cli.quantize_trained cli.quantize_json cli.quantize_softmax PROPERTIES FIXTURES_REQUIRED cli_eval)
