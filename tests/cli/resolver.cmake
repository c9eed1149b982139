# Every command takes every reference of the one resolver (target/resolver.h). The fixture
# (resolver/setup.cmake) makes the hardest kinds: an architecture of a space restricted to a
# device (@REF@ = mbconv@npu-generic:<arch>), that space's name, and a graph JSON file.
set(HWNAS_RESOLVER_DIR ${HWNAS_CLI_OUT}/resolver)
add_test(NAME cli.resolver_setup
         COMMAND ${CMAKE_COMMAND} -DHWNAS=$<TARGET_FILE:hwnas> -DDIR=${HWNAS_RESOLVER_DIR}
                 -P ${CMAKE_CURRENT_LIST_DIR}/resolver/setup.cmake)
set_tests_properties(cli.resolver_setup PROPERTIES FIXTURES_SETUP cli_resolver)

function(hwnas_resolver_test name expect)
  add_test(NAME cli.resolver_${name}
           COMMAND ${CMAKE_COMMAND} -DHWNAS=$<TARGET_FILE:hwnas> -DDIR=${HWNAS_RESOLVER_DIR} "-DEXPECT=${expect}"
                   -P ${CMAKE_CURRENT_LIST_DIR}/resolver/run.cmake -- ${ARGN})
  set_tests_properties(cli.resolver_${name} PROPERTIES FIXTURES_REQUIRED cli_resolver)
endfunction()

hwnas_resolver_test(model_info "params:" model info @REF@)
hwnas_resolver_test(model_info_graph_json "params:" model info @DIR@/g.json)
hwnas_resolver_test(model_export_json "wrote" model export-json @REF@ -o @DIR@/again.json)
hwnas_resolver_test(predict "latency: .* ms, predicted" predict @REF@ --device npu-generic --dtype int8)
hwnas_resolver_test(predict_archs "" predict --device npu-generic --space mbconv@npu-generic --archs @DIR@/archs.txt --csv @DIR@/p.csv)
hwnas_resolver_test(memory "peak SRAM" memory @REF@ --device cortex-m7 --no-timeline)
hwnas_resolver_test(measure "measured \\(xnnpack" measure @REF@ --budget-s 0.3)
hwnas_resolver_test(profile "whole model:" profile @REF@ --rows 2 --kernel-budget-s 0.02 --budget-s 0.3)
hwnas_resolver_test(export_onnx "" export @REF@ --onnx @DIR@/m.onnx)
hwnas_resolver_test(device_audit_model "native on npu" device audit npu-generic --model @REF@)
hwnas_resolver_test(space_info "mbconv@npu-generic" space info mbconv@npu-generic)
hwnas_resolver_test(predictor_fit "wrote .*fit.yaml"
                    predictor fit --space mbconv@npu-generic --measurements @DIR@/m.csv --arch-column arch
                    --latency-column latency_ms --device npu-generic --dtype int8 --out @DIR@/fit.yaml)
hwnas_resolver_test(predictor_eval "Spearman"
                    predictor eval --space mbconv@npu-generic --measurements @DIR@/m.csv --arch-column arch
                    --latency-column latency_ms --device npu-generic --dtype int8 --train 5 --repeats 2)

# A trained model directory (the fixture's trained/: model.json + weights.hwnasw) is a model
# reference for every command, and the commands that run the model use its weights.
hwnas_resolver_test(dir_model_info "params:" model info @DIR@/trained)
hwnas_resolver_test(dir_predict "latency: .* ms, predicted" predict @DIR@/trained --device npu-generic --dtype int8)
hwnas_resolver_test(dir_memory "peak SRAM" memory @DIR@/trained --device cortex-m7 --no-timeline)
hwnas_resolver_test(dir_measure "measured \\(xnnpack" measure @DIR@/trained --budget-s 0.3)
hwnas_resolver_test(dir_profile "whole model:" profile @DIR@/trained --rows 2 --kernel-budget-s 0.02 --budget-s 0.3)
hwnas_resolver_test(dir_export_onnx "weights: trained weights .*trained/weights.hwnasw" export @DIR@/trained --onnx @DIR@/t.onnx)
hwnas_resolver_test(dir_device_audit "native on npu" device audit npu-generic --model @DIR@/trained)
hwnas_resolver_test(dir_run "trained weights .*trained/weights.hwnasw"
                    run @DIR@/trained --input @DIR@/x.npy --output @DIR@/y_dir.npy --seed 9)
# The directory's weights, not --seed 9's: the same output as the run that saved them (seed 5).
add_test(NAME cli.resolver_dir_run_same_weights
         COMMAND ${CMAKE_COMMAND} -E compare_files ${HWNAS_RESOLVER_DIR}/y_dir.npy ${HWNAS_RESOLVER_DIR}/y_seed5.npy)
set_tests_properties(cli.resolver_dir_run_same_weights PROPERTIES DEPENDS cli.resolver_dir_run
                     FIXTURES_REQUIRED cli_resolver)
