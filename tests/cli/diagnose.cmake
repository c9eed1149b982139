# hwnas diagnose: bottlenecks of a model on a device and the model repaired for it (docs/diagnose.md).
hwnas_cli_test(diagnose_help EXPECT "--device.*--fps.*--int8-samples.*--no-int8.*--out.*--json" ARGS diagnose --help)

# SSDLite-MobileNetV2 on npu-generic: the class predictors' 273 / 546 channels are not multiples
# of 8, so they run on the CPU; the repair gives each feature map 8 anchors, and nothing falls back.
hwnas_cli_test(diagnose_ssdlite_npu
               EXPECT "as given: [0-9.]+ ms \\+ [0-9.]+ ms CPU pre/post-processing \\(estimated\\).*mW at 30 FPS, 7 nodes on the fallback.*slowest kernels \\(predicted\\).*head.1.class.conv .*cpu \\(fallback\\).*fallbacks .*conv2d k1 s1 .*not a multiple of 8.*int8: the layers that lose most.*anchors per location 3 -> 8 on.*repaired: .*, 0 nodes on the fallback"
               ARGS diagnose ssdlite-mobilenetv2 --device npu-generic --fps 30 --int8-samples 2)
# An mbconv arch on the Edge TPU (single cut at the first hardswish): the repair swaps it.
set(diag_arch "r160-w1.0-d2,2,2,2,2-k3,3,3,3,3,3,3,3,3,3-e3,3,3,3,3,3,3,3,3,3")
hwnas_cli_test(diagnose_edgetpu_cut EXPECT "after the single cut.*hardswish -> relu6.*repaired: .*, 0 nodes on the fallback"
               ARGS diagnose mbconv:${diag_arch} --device edgetpu --no-int8 --top 3)
# --out writes a model folder every command takes: the repaired graph runs natively.
hwnas_cli_test(diagnose_out EXPECT "wrote .*diag_b0: model.json .*weights.hwnasw \\([0-9]+ of [0-9]+ layers' weights carried over"
               ARGS diagnose efficientnet-b0 --device npu-generic --no-int8 --out ${HWNAS_CLI_OUT}/diag_b0)
hwnas_cli_test(diagnose_json EXPECT "\"before\": {.*\"fallback_nodes\": [1-9].*\"repair\": .*\"change\": \"squeeze-excite off\""
               ARGS diagnose efficientnet-b0 --device npu-generic --no-int8 --json)
hwnas_cli_test(diagnose_unknown_device EXIT 2 EXPECT "error: .*npu-genric.*did you mean 'npu-generic'"
               ARGS diagnose efficientnet-b0 --device npu-genric)
# --dataset: the int8 analysis calibrated and measured on the dataset's train images at the
# model's input size; a classifier's dataset for a detector is an error naming both.
hwnas_cli_test(diagnose_int8_dataset
               EXPECT "int8: the layers that lose most \\(SQNR of each layer alone; calibrated and measured on 3 train images of coco:.*inspect-tiny; untrained"
               ARGS diagnose ssdlite-mobilenetv2-0.35 --resolution 96 --classes 6 --device ethos-u55-128
                    --dataset coco:${HWNAS_CLI_OUT}/inspect-tiny --int8-samples 3 --top 1)
set_tests_properties(cli.diagnose_int8_dataset PROPERTIES DEPENDS cli.data_inspection_synth)
