# hwnas export, and the opencv / torch backends through measure and run (docs/onnx.md).
hwnas_cli_test(export_help EXPECT "--onnx.*--seed.*--weights.*--keep-batchnorm" ARGS export --help)

# DS-CNN (MLPerf Tiny KWS): a 49x10 MFCC map with one channel, NCHW [1,1,49,10] in the file.
hwnas_cli_test(export_dscnn REPEAT
               EXPECT "wrote .*dscnn.onnx .*ONNX opset 14, [0-9]+ nodes.*BatchNorm folded.*inputs: 'input' \\[1,1,49,10\\] \\(float32, NCHW\\).*outputs: '[a-z.]+' \\[1,12\\].*strict shape inference passed"
               ARGS export dscnn-mlperf --onnx ${HWNAS_CLI_OUT}/dscnn.onnx --seed 3)
hwnas_cli_test(export_keep_batchnorm EXPECT "BatchNorm kept"
               ARGS export dscnn-mlperf --onnx ${HWNAS_CLI_OUT}/dscnn_bn.onnx --keep-batchnorm)
hwnas_cli_test(export_nb201 EXPECT "inputs: 'input' \\[1,3,32,32\\].*outputs: '[a-z.]+' \\[1,10\\]"
               ARGS export "nb201:|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|skip_connect~2|" --onnx ${HWNAS_CLI_OUT}/nb201.onnx)

# Bad input: exit 2 with the file named; --seed and --weights exclude each other.
hwnas_cli_test(export_missing_weights EXIT 2 EXPECT "error: .*no_such.hwnasw"
               ARGS export dscnn-mlperf --onnx ${HWNAS_CLI_OUT}/x.onnx --weights ${HWNAS_CLI_OUT}/no_such.hwnasw)
hwnas_cli_test(export_unwritable EXIT 2 EXPECT "error: /nonexistent-dir/x.onnx: cannot write"
               ARGS export dscnn-mlperf --onnx /nonexistent-dir/x.onnx)
hwnas_cli_test(export_seed_and_weights EXIT 108 EXPECT "--seed excludes --weights"
               ARGS export dscnn-mlperf --onnx ${HWNAS_CLI_OUT}/x.onnx --seed 1 --weights w.hwnasw)
hwnas_cli_test(export_needs_onnx EXIT 106 EXPECT "--onnx is required" ARGS export dscnn-mlperf)
# Export and the opencv/torch backends live in a plugin loaded on first use: a missing one is
# named, with how to build it, and nothing is written.
hwnas_cli_test(export_without_plugin EXIT 2
               EXPECT "error: interop plugin .*no_such_plugin.so: cannot be loaded .*--target hwnas_interop_plugin"
               ARGS export dscnn-mlperf --onnx ${HWNAS_CLI_OUT}/without_plugin.onnx)
set_tests_properties(cli.export_without_plugin PROPERTIES ENVIRONMENT HWNAS_INTEROP_PLUGIN=${HWNAS_CLI_OUT}/no_such_plugin.so)

# The interop backends are offered wherever --backend is, and measure says which ran.
hwnas_cli_test(measure_backend_choices EXPECT "--backend TEXT:\\{reference,xnnpack,opencv,torch\\}" ARGS measure --help)
hwnas_cli_test(measure_opencv EXPECT "measured \\(opencv, [0-9]+ runs" ARGS measure dscnn-mlperf --backend opencv --budget-s 1 --no-pin)
hwnas_cli_test(measure_torch EXPECT "measured \\(torch, [0-9]+ runs" ARGS measure dscnn-mlperf --backend torch --budget-s 1 --no-pin)
hwnas_cli_test(measure_opencv_int8 EXIT 2 EXPECT "opencv backend: runs f32 only" ARGS measure dscnn-mlperf --backend opencv --dtype int8)

# export --weights (saved by run --save-weights) + run on three backends agree.
hwnas_python_test(export_run_backends_agree MODULE numpy
                  ARGS ${CMAKE_CURRENT_LIST_DIR}/onnx_roundtrip.py $<TARGET_FILE:hwnas>
                       ${HWNAS_CLI_OUT}/onnx_roundtrip mobilenetv2-0.35 --resolution 96)
