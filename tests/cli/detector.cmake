# Detectors on COCO data: hwnas train and hwnas eval with --dataset coco:<dir> (train/detector.h,
# eval/detection_eval.h).
if(TARGET hwnas_interop_plugin)
  # Train a tiny SSDLite on a tiny generated inspection set, evaluate it on the reference backend,
  # compare with the untrained model (tests/cli/detector_train.py).
  hwnas_python_test(detector_train_eval MODULE json
                    ARGS ${CMAKE_CURRENT_LIST_DIR}/detector_train.py $<TARGET_FILE:hwnas> ${HWNAS_CLI_OUT}/detector)
  # A search with deploy: {target: npu}: the trained detector quantized (int8 mAP within 0.15 of
  # fp32's), placed on the Ethos-U55 (placement.csv in pandas), exported to ONNX
  # (tests/cli/search_deploy_npu.py).
  hwnas_python_test(search_deploy_npu MODULE pandas
                    ARGS ${CMAKE_CURRENT_LIST_DIR}/search_deploy_npu.py $<TARGET_FILE:hwnas> ${HWNAS_CLI_OUT}/search-deploy-npu)
  set_tests_properties(cli.search_deploy_npu PROPERTIES TIMEOUT 600)
endif()
# A detector whose scores do not have the dataset's classes + 1: the error says so. A classifier is
# no detector. Both before any training (no plugin needed).
hwnas_cli_test(detector_wrong_classes EXIT 2
               EXPECT "error: detector 'ssdlite-mobilenetv2' on coco:.*: its \"scores\" output is 4 wide but the dataset has 5 classes"
               ARGS eval ssdlite-mobilenetv2 --resolution 96 --classes 4 --dataset coco:${HWNAS_CLI_OUT}/inspect-tiny)
hwnas_cli_test(detector_not_a_detector EXIT 2 EXPECT "error: detector 'mobilenetv2-0.35': a detector has outputs named"
               ARGS eval mobilenetv2-0.35 --resolution 96 --dataset coco:${HWNAS_CLI_OUT}/inspect-tiny)
set_tests_properties(cli.detector_wrong_classes cli.detector_not_a_detector PROPERTIES DEPENDS cli.data_inspection_synth)
