# hwnas predict: one model with its breakdown, or a list of archs to a CSV (docs/cost-models.md).
hwnas_cli_test(predict_help EXPECT "--device.*--model.*--dtype.*--fps.*--space.*--archs.*--csv" ARGS predict --help)

# One model: the kernel table (the stem conv first), the total with its source, energy, FPS.
hwnas_cli_test(predict_b0 REPEAT
               EXPECT "features.0.conv +conv2d\\+batch_norm +cpu .*latency: [0-9.]+ ms, predicted \\(roofline on pixel3-cpu\\).*energy: +[0-9.]+ mJ.*max FPS: [0-9.]+"
               ARGS predict efficientnet-b0 --device pixel3-cpu)
hwnas_cli_test(predict_b0_json EXPECT "\"latency_ms\": [0-9.e-]+,.*\"energy_mj\":.*\"kernels\": .*\"bound\": \"(compute|memory)\""
               ARGS predict efficientnet-b0 --device pixel3-cpu --json)
hwnas_cli_test(predict_power EXPECT "average power at 10 FPS: [0-9.]+ mW" ARGS predict mobilenetv2-1.0 --device pixel3-cpu --fps 10)
# EfficientNet's swish and squeeze-excite are not in npu-generic's operator set: they fall
# back to its CPU and pay transfers.
hwnas_cli_test(predict_npu_fallback EXPECT "\\(fallback\\)" ARGS predict efficientnet-b0 --device npu-generic --dtype int8)
# An mbconv arch's hardswish and squeeze-excite fall back too; the same arch string in the
# space restricted to the NPU decodes with relu6 and no squeeze-excite: nothing falls back.
set(mbconv_arch "r160-w1.0-d2,2,2,2,2-k3,3,3,3,3,3,3,3,3,3-e3,3,3,3,3,3,3,3,3,3")
hwnas_cli_test(predict_mbconv_fallback EXPECT "hardswish +cpu \\(fallback\\)"
               ARGS predict mbconv:${mbconv_arch} --device npu-generic --dtype int8)
hwnas_cli_test(predict_restricted_arch EXPECT "relu6.*latency: [0-9.]+ ms, predicted \\(roofline on npu-generic\\)" REJECT "\\(fallback\\)|hardswish"
               ARGS predict mbconv@npu-generic:${mbconv_arch} --device npu-generic --dtype int8)

# A list of archs: one per line, '#' comments and blank lines skipped, written as CSV.
file(WRITE ${HWNAS_CLI_OUT}/predict_archs.txt
     "# three NB201 cells\n|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|\n\n"
     "|none~0|+|none~0|none~1|+|none~0|none~1|skip_connect~2|\n|nor_conv_1x1~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|\n")
hwnas_cli_test(predict_archs REPEAT EXPECT "wrote .*predict_archs.csv \\(3 archs of nb201; latency predicted \\(roofline on pixel3-cpu\\)"
               ARGS predict --device pixel3-cpu --space nb201 --archs ${HWNAS_CLI_OUT}/predict_archs.txt --csv ${HWNAS_CLI_OUT}/predict_archs.csv)
hwnas_cli_test(predict_archs_energy EXPECT "wrote .*\\(3 archs of nb201; .*energy from the profile's power"
               ARGS predict --device pixel3-cpu --space nb201 --archs ${HWNAS_CLI_OUT}/predict_archs.txt --csv ${HWNAS_CLI_OUT}/predict_energy.csv --energy)

# Bad input names what is wrong and where.
file(WRITE ${HWNAS_CLI_OUT}/predict_bad_archs.txt "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|\n|nor_conv_9x9~0|+|none~0|none~1|+|none~0|none~1|none~2|\n")
hwnas_cli_test(predict_bad_arch_line EXIT 2 EXPECT "error: .*predict_bad_archs.txt:2: nb201 arch position 1: unknown op 'nor_conv_9x9'"
               ARGS predict --device pixel3-cpu --space nb201 --archs ${HWNAS_CLI_OUT}/predict_bad_archs.txt --csv ${HWNAS_CLI_OUT}/bad.csv)
hwnas_cli_test(predict_unknown_kind EXIT 2 EXPECT "error: latency model 'roofine': unknown kind; did you mean 'roofline'\\?"
               ARGS predict efficientnet-b0 --device pixel3-cpu --model roofine)
hwnas_cli_test(predict_fps_too_high EXIT 2 EXPECT "error: .*at 100000 FPS: the frame rate is above the maximum"
               ARGS predict efficientnet-b0 --device pixel3-cpu --fps 100000)
hwnas_cli_test(predict_model_and_space EXIT 2 EXPECT "give either a model or --space"
               ARGS predict efficientnet-b0 --device pixel3-cpu --space nb201 --archs x.txt --csv y.csv)
hwnas_cli_test(predict_nothing EXIT 2 EXPECT "give either a model or --space" ARGS predict --device pixel3-cpu)
hwnas_cli_test(predict_bad_dtype EXIT 2 EXPECT "error: --dtype: 'f16' is not a dtype predict knows; use f32 or int8"
               ARGS predict efficientnet-b0 --device pixel3-cpu --dtype f16)
hwnas_cli_test(predict_archs_needs_csv EXIT 107 EXPECT "--space requires --csv" ARGS predict --device pixel3-cpu --space nb201 --archs x.txt)
hwnas_cli_test(predict_archs_fps EXIT 2 EXPECT "--fps and --json describe one model"
               ARGS predict --device pixel3-cpu --space nb201 --archs ${HWNAS_CLI_OUT}/predict_archs.txt --csv ${HWNAS_CLI_OUT}/x.csv --fps 5)
# --predictor is read by the lut and kernel models only; without --model the file names its kind.
hwnas_cli_test(predict_predictor_with_roofline EXIT 2
               EXPECT "--predictor host.json: the roofline model reads no predictor file; drop --predictor, or use --model kernel"
               ARGS predict efficientnet-b0 --device host --model roofline --predictor host.json)
hwnas_cli_test(predict_predictor_missing EXIT 2 EXPECT "absent-predictor.json"
               ARGS predict efficientnet-b0 --device host --predictor ${HWNAS_CLI_OUT}/absent-predictor.json)

# A detector: its CPU pre/post-processing (estimated) after the network's kernels, the whole
# frame's time, and the power at a frame rate of whole frames; a classifier shows none.
hwnas_cli_test(predict_detector_pre_post
               EXPECT "pre/post-processing: estimated \\(CPU pre/post-processing on cpu: .*resize .*handoff .*decode .*threshold .*nms .*frame: +[0-9.]+ ms = network [0-9.]+ \\+ pre/post [0-9.]+.*average power at 30 FPS: [0-9.]+ mW \\(network predicted, pre/post estimated"
               ARGS predict ssdlite-mobilenetv2 --device npu-generic --fps 30)
hwnas_cli_test(predict_detector_frame_json EXPECT "\"pre_post\": .*\"steps\": .*\"name\": \"resize\".*320x240 frame"
               ARGS predict ssdlite-mobilenetv2 --device npu-generic --frame 320x240 --json)
hwnas_cli_test(predict_classifier_no_pre_post REJECT "pre/post" EXPECT "latency: " ARGS predict mobilenetv2-1.0 --device npu-generic)
hwnas_cli_test(predict_bad_frame EXIT 2 EXPECT "error: --frame: '640' is not WIDTHxHEIGHT"
               ARGS predict ssdlite-mobilenetv2 --device npu-generic --frame 640)

# The edgetpu profile against Coral's published benchmark table (devices/published/
# coral_edgetpu.csv): torchvision's versions of its models exported at test time, predicted
# within 25% of the Dev Board's figures, one of them (MobileNetV2) the profile's fit.
hwnas_python_test(published_edgetpu MODULE torchvision
                  ARGS ${CMAKE_CURRENT_LIST_DIR}/published_edgetpu.py $<TARGET_FILE:hwnas> ${HWNAS_CLI_OUT}/published_edgetpu
                       ${CMAKE_SOURCE_DIR}/devices/published/coral_edgetpu.csv)
