# hwnas memory: predicted peak SRAM / flash (plan/memory.h) and measured heap (--measure).
# Hand calculations are in tests/plan/memory_test.cc: DS-CNN (MLPerf) int8 needs an arena of
# 16,000 B (two 25x5x64 tensors) and 24,368 B of weights as TFLite Micro plans it; cortex-m7 (the
# profile of hwnas's generated code) adds 16 KiB of runtime RAM (the stack) and 16 KiB of runtime
# flash (operator code, start-up).
hwnas_cli_test(memory_help EXPECT "--device.*--engine.*--planner.*--order.*--measure" ARGS memory --help)
hwnas_cli_test(memory_dscnn_text
               EXPECT "predicted \\(greedy arena planner, graph order\\).*peak SRAM  31.6 KiB = arena 15.6 KiB \\+ runtime 16.0 KiB  of 512.0 KiB: fits.*flash      39.8 KiB = weights 23.8 KiB.*fits: yes.*block4.pw.conv +conv2d +15.6 +#+"
               ARGS memory dscnn-mlperf --device cortex-m7 --engine tflm)
hwnas_cli_test(memory_dscnn_json REPEAT
               EXPECT "\"arena_bytes\": 16000,.*\"fits\": true,.*\"weight_bytes\": 24368"
               ARGS memory dscnn-mlperf --device cortex-m7 --engine tflm --json)
# An int8 mcu by default: the C hwnas deploy generates (docs/codegen.md). Arena 8,496 B (every
# block in place in conv1's buffer) + 384 B of kernel scratch = 8.7 KiB, constants 30,380 B.
hwnas_cli_test(memory_dscnn_codegen
               EXPECT "predicted \\(hwnas codegen arena plan: greedy, best order, in-place depthwise and pointwise, fused activations, kernel scratch\\).*peak SRAM  24.7 KiB = arena 8.3 KiB \\+ kernel scratch 0.4 KiB \\+ runtime 16.0 KiB.*flash      45.7 KiB = constant arrays 29.7 KiB"
               ARGS memory dscnn-mlperf --device cortex-m7 --no-timeline)
hwnas_cli_test(memory_dscnn_codegen_json
               EXPECT "\"arena_bytes\": 8496,.*\"engine\": \"hwnas-codegen\",.*\"scratch_bytes\": 384,.*\"weight_bytes\": 30380"
               ARGS memory dscnn-mlperf --device cortex-m7 --json)
hwnas_cli_test(memory_codegen_f32 EXIT 2 EXPECT "hwnas codegen emits int8 only"
               ARGS memory dscnn-mlperf --device cortex-m7 --engine hwnas-codegen --dtype f32)
# Linear planner: the sum of all buffers, 72,576 B = 70.9 KiB.
hwnas_cli_test(memory_dscnn_linear EXPECT "arena 70.9 KiB" ARGS memory dscnn-mlperf --device cortex-m7 --engine tflm --planner linear --no-timeline)
# MobileNetV2 at 224: 1,505,280 B of activations (block 2's depthwise) cannot fit 512 KiB.
hwnas_cli_test(memory_mnv2_does_not_fit EXPECT "arena 1,470.0 KiB.*DOES NOT FIT.*fits: NO"
               ARGS memory mobilenetv2-1.0 --device cortex-m7 --engine tflm --no-timeline)
# An NB201 cell whose graph order keeps one 32x32x16 int8 tensor (16 KiB) more than needed.
hwnas_cli_test(memory_nb201_best_order
               EXPECT "exact \\(DP over [0-9]+ downsets\\); lower bound 48.0 KiB vs 64.0 KiB in graph order"
               ARGS memory "nb201:|avg_pool_3x3~0|+|avg_pool_3x3~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|"
                    --device cortex-m7 --engine tflm --order best --no-timeline)
hwnas_cli_test(memory_measure EXPECT "measured \\(xnnpack int8, 1 thread, glibc mallinfo2.*held after prepare +[0-9]"
               ARGS memory dscnn-mlperf --device cortex-m7 --measure --no-timeline)
hwnas_cli_test(memory_unknown_device EXIT 2 EXPECT "error: .*no-such-device.*cortex-m7"
               ARGS memory dscnn-mlperf --device no-such-device)
hwnas_cli_test(memory_bad_planner EXIT 105 EXPECT "--planner: tetris not in" ARGS memory dscnn-mlperf --device cortex-m7 --planner tetris)
hwnas_cli_test(memory_needs_device EXIT 106 EXPECT "--device is required" ARGS memory dscnn-mlperf)
