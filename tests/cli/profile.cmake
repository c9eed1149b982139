# hwnas profile: per-kernel profile (measure/profile.h). Timings vary run to run, so these
# check structure, labels and the hand-countable parts: DS-CNN S is a conv and four
# depthwise-separable blocks (each conv/depthwise + BN + relu fused by XNNPACK: 9 kernels), a
# global average pool and the classifier: 11 kernels. The host device profile gives the
# roofline instantly (--roofline host); small budgets keep each test near a second.
set(profile_quick --roofline host --kernel-budget-s 0.01 --budget-s 0.1 --no-pin)
hwnas_cli_test(profile_help EXPECT "--top.*--rows.*--order.*--json.*--csv.*--roofline" ARGS profile --help)
hwnas_cli_test(profile_dscnn_text
               EXPECT "dscnn-s: profile on xnnpack f32, 1 thread.*roofline: peak 30.0 GMAC/s \\(depthwise 12.0\\); memory 20.0 GB/s.*device profile 'host'.*whole model: .* measured \\(xnnpack, CV.*sum of kernels: +[0-9.]+ ms \\(11 kernels, each timed alone.*additivity error [+-][0-9.]+%.*(compute|memory)-bound.*fallback nodes: +none.*top 5 bottlenecks:.*  5\\. "
               ARGS profile dscnn-s ${profile_quick})
# --order graph --rows 0: every kernel, the first row is kernel 0 (the stem conv, its BN and relu).
hwnas_cli_test(profile_graph_order EXPECT "\n-+[- ]*\n +0  [^\n]*conv2d\\+batch_norm\\+relu"
               ARGS profile dscnn-s ${profile_quick} --order graph --rows 0)
# (No square brackets in the regexes: CMake would not split the argument list inside them.)
hwnas_cli_test(profile_json
               EXPECT "\"source\": \"measured\".*\"additivity_error\": .*\"bottlenecks\": .*\"kernels\": .*\"type\": \"conv2d\\+batch_norm\\+relu\".*\"bound\": \"(compute|memory)-bound\""
               ARGS profile dscnn-s ${profile_quick} --json --top 3)
hwnas_cli_test(profile_int8 EXPECT "profile on xnnpack int8.*\\(11 kernels" ARGS profile dscnn-s ${profile_quick} --dtype int8)
# Host's 30 GMAC/s (3 GHz x 10 MACs/cycle) over 20 GB/s: ridge 1.5 MAC/B.
hwnas_cli_test(profile_ridge EXPECT "ridge 1.5 MAC/B" ARGS profile dscnn-s ${profile_quick})
# Fallbacks are named: SSDLite's heads concatenate, which this XNNPACK lacks.
hwnas_cli_test(profile_fallback EXPECT "fallback nodes: +boxes, scores" ARGS profile ssdlite-mobilenetv2 ${profile_quick} --rows 3)
hwnas_cli_test(profile_unknown_model EXIT 2 EXPECT "not a built-in model" ARGS profile no-such-model)
hwnas_cli_test(profile_unknown_device EXIT 2 EXPECT "no-such-device" ARGS profile dscnn-s --roofline no-such-device)
