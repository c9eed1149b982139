# ONNX import against PyTorch's exporter (tests/cli/onnx_import.py): torchvision models with
# random weights, and a small module with the operators they do not use, exported at test time; params and MACs equal torch's counts (and the
# built-in family's), `hwnas run` equals torch's output. Each model is its own test so that
# they run in parallel.
foreach(spec "efficientnet_b0;224;efficientnet-b0;--commands" "efficientnet_b1;240;efficientnet-b1"
             "efficientnet_b2;260;efficientnet-b2" "efficientnet_b3;300;efficientnet-b3"
             "mobilenet_v2;224;mobilenetv2-1.0" "resnet18;224" "mobilenet_v3_small;224"
             "googlenet;224" "squeezenet1_1;224" "densenet121;224"
             "efficientnet_b0;224;--fused" "operators;32")
  list(GET spec 0 model)
  set(name ${model})
  if(spec MATCHES "--fused")
    set(name ${model}_fused)
  endif()
  hwnas_python_test(onnx_import_${name} MODULE torchvision
                    ARGS ${CMAKE_CURRENT_LIST_DIR}/onnx_import.py $<TARGET_FILE:hwnas> ${HWNAS_CLI_OUT}/onnx_import/${name}
                         ${spec})
endforeach()

# Errors name the file and the place: a file that is not ONNX, a node hwnas does not import.
file(WRITE ${HWNAS_CLI_OUT}/not_onnx.onnx "this is not a protobuf")
hwnas_cli_test(onnx_import_not_onnx EXIT 2 EXPECT "not_onnx.onnx: .*not an ONNX model" ARGS model info ${HWNAS_CLI_OUT}/not_onnx.onnx)
hwnas_cli_test(onnx_import_missing EXIT 2 EXPECT "absent.onnx: no such model file" ARGS model info ${HWNAS_CLI_OUT}/absent.onnx)

# The phone job on a user's own file: the exported EfficientNet-B0 beside a built-in model, on
# the device fitted to measured models (tests/cli/predictor.cmake), with the accuracy the user
# gives (made-up figures for this test: the file's weights are random).
get_test_property(cli.onnx_import_efficientnet_b0 DISABLED onnx_tests_disabled)
if(NOT onnx_tests_disabled)
  file(WRITE ${HWNAS_CLI_OUT}/onnx_import/accuracy.csv
       "model,top1,source\nefficientnet_b0,77.7,made-up figure for the CLI test\nmobilenetv2-0.35,60.3,made-up figure for the CLI test\n")
  hwnas_cli_test(compare_onnx_on_fitted_device
                 EXPECT "efficientnet_b0.onnx.*calibrated on host-fitted.*leave-one-out.*Recommended: "
                 ARGS compare ${HWNAS_CLI_OUT}/onnx_import/efficientnet_b0/efficientnet_b0.onnx mobilenetv2-0.35
                      --device ${HWNAS_CLI_OUT}/host-models-fit.yaml --model calibrated
                      --accuracy ${HWNAS_CLI_OUT}/onnx_import/accuracy.csv --budget-ms 50
                      --out ${HWNAS_CLI_OUT}/compare_onnx)
  set_tests_properties(cli.compare_onnx_on_fitted_device PROPERTIES
                       DEPENDS "cli.onnx_import_efficientnet_b0;cli.predictor_fit_models")
endif()

# model info says what the file is and what the import mapped (the fuzz seed: a torch.onnx
# export at opset 11 with a symbolic batch).
hwnas_cli_test(onnx_import_model_info
               EXPECT "file: .*tiny_opset11.onnx \\(ONNX opset 11, pytorch 1.13.0\\).*symbolic batch dimension set to 1.*MACs: +2,740"
               ARGS model info ${CMAKE_SOURCE_DIR}/fuzz/corpus/onnx_import/tiny_opset11.onnx)
