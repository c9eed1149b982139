# End-to-end tests of the hwnas CLI: ctest runs bin/hwnas through tests/cli/run_cli.cmake and
# checks exit codes, output and determinism. Included at the end of the top CMakeLists.txt.
#
#   hwnas_cli_test(<name> [EXIT <code>] [EXPECT <regex>] [REJECT <regex>] [LINES <n>]
#                  [DISTINCT] [REPEAT] ARGS <hwnas arguments...>)
set(HWNAS_CLI_RUNNER ${CMAKE_CURRENT_LIST_DIR}/run_cli.cmake)
set(HWNAS_CLI_OUT ${CMAKE_BINARY_DIR}/cli-tests)
file(MAKE_DIRECTORY ${HWNAS_CLI_OUT})

function(hwnas_cli_test name)
  cmake_parse_arguments(T "DISTINCT;REPEAT" "EXIT;EXPECT;REJECT;LINES" "ARGS" ${ARGN})
  set(defs -DHWNAS=$<TARGET_FILE:hwnas>)
  if(DEFINED T_EXIT)
    list(APPEND defs -DEXPECT_EXIT=${T_EXIT})
  endif()
  foreach(opt EXPECT REJECT LINES)
    if(DEFINED T_${opt})
      list(APPEND defs "-D${opt}=${T_${opt}}")
    endif()
  endforeach()
  if(T_DISTINCT)
    list(APPEND defs -DDISTINCT=ON)
  endif()
  if(T_REPEAT)
    list(APPEND defs -DREPEAT=ON)
  endif()
  add_test(NAME cli.${name} COMMAND ${CMAKE_COMMAND} ${defs} -P ${HWNAS_CLI_RUNNER} -- ${T_ARGS})
endfunction()

# --help at every level lists what is below it.
hwnas_cli_test(help EXPECT "model.*Inspect a model.*space.*Inspect a search space" ARGS --help)
hwnas_cli_test(model_help EXPECT "info.*export-json" ARGS model --help)
hwnas_cli_test(model_info_help EXPECT "--json.*--all" ARGS model info --help)
hwnas_cli_test(model_export_help EXPECT "-o,--output" ARGS model export-json --help)
hwnas_cli_test(space_help EXPECT "info.*sample.*enumerate" ARGS space --help)
hwnas_cli_test(space_info_help EXPECT "built-in space" ARGS space info --help)
hwnas_cli_test(space_sample_help EXPECT "--count.*--seed" ARGS space sample --help)
hwnas_cli_test(space_enumerate_help EXPECT "--limit" ARGS space enumerate --help)
# The version printed is project(VERSION) of CMakeLists.txt, not a copy of it.
hwnas_cli_test(version EXPECT "^hwnas ${PROJECT_VERSION}" ARGS --version)

# Published figures: EfficientNet-B0 has 5,288,548 parameters (Tan & Le 2019; torchvision),
# 0.39 G MACs; MobileNetV2 1.0 has 3,504,872 parameters and 300 M MACs (Sandler et al. 2018).
# Top-level keys are indented by two spaces (layers' by more) and sorted: macs before params.
hwnas_cli_test(model_info_b0_json EXPECT "\n  \"macs\": 38[0-9][0-9][0-9][0-9][0-9][0-9][0-9],.*\n  \"params\": 5288548,"
               ARGS model info efficientnet-b0 --json)
hwnas_cli_test(model_info_mnv2_text
               EXPECT "params: +3,504,872 \\(3.50 M\\).*computed from the graph \\(not measured\\)"
               ARGS model info mobilenetv2-1.0)
# The default table lists only layers with MACs or params; --all lists activations too.
hwnas_cli_test(model_info_layers REJECT " relu6 " ARGS model info mobilenetv2-1.0)
hwnas_cli_test(model_info_all EXPECT " relu6 " ARGS model info mobilenetv2-1.0 --all)
# Overrides reach the graph: its input and output shapes.
hwnas_cli_test(model_info_overrides EXPECT "\\[1,160,160,3\\].*\\[1,10\\]" ARGS model info mobilenetv2-1.0 --resolution 160 --classes 10)

# export-json writes a graph that model info reads back to the same figures.
hwnas_cli_test(model_export_b0 EXPECT "wrote .*b0.json" ARGS model export-json efficientnet-b0 -o ${HWNAS_CLI_OUT}/b0.json)
set_tests_properties(cli.model_export_b0 PROPERTIES FIXTURES_SETUP cli_b0_json)
hwnas_cli_test(model_info_exported EXPECT "\"params\": 5288548" ARGS model info ${HWNAS_CLI_OUT}/b0.json --json)
set_tests_properties(cli.model_info_exported PROPERTIES FIXTURES_REQUIRED cli_b0_json)

# NB201's ResNet-like cell: 0.8 M params and 113.95 M FLOPs on CIFAR-10 (NAS-Bench-201 table).
hwnas_cli_test(model_info_nb201
               EXPECT "MACs: +113,951,360 .*params: +802,426"
               ARGS model info "nb201:|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|")

# Bad input: "error: <where>: <what>", exit 2.
hwnas_cli_test(model_unknown EXIT 2 EXPECT "error: .*no-such-model.*efficientnet-b0.*mobilenetv2" ARGS model info no-such-model)
hwnas_cli_test(model_bad_arch EXIT 2 EXPECT "error: .*nor_conv_9x9" ARGS model info "nb201:|nor_conv_9x9~0|+|none~0|none~1|+|none~0|none~1|none~2|")
hwnas_cli_test(model_missing_file EXIT 2 EXPECT "error: .*no_such_file.json" ARGS model info ${HWNAS_CLI_OUT}/no_such_file.json)
hwnas_cli_test(model_no_subcommand EXIT 106 EXPECT "A subcommand is required" ARGS model)
hwnas_cli_test(model_export_needs_output EXIT 106 EXPECT "--output is required" ARGS model export-json efficientnet-b0)
hwnas_cli_test(model_bad_resolution EXIT 105 EXPECT "--resolution: Value 0 not in range 1 to 100000" ARGS model info efficientnet-b0 --resolution 0)

# Spaces: NB201 has 5^6 = 15,625 cells.
hwnas_cli_test(space_info_nb201 EXPECT "architectures: 15,625" ARGS space info nb201)
hwnas_cli_test(space_enumerate_nb201 LINES 15625 DISTINCT ARGS space enumerate nb201)
hwnas_cli_test(space_sample_nb201 LINES 20 DISTINCT REPEAT EXPECT "^\\|[a-z_0-9]+~0\\|\\+\\|" ARGS space sample nb201 --count 20 --seed 7)
hwnas_cli_test(space_sample_mbconv LINES 10 DISTINCT REPEAT ARGS space sample mbconv --count 10 --seed 1)
hwnas_cli_test(space_enumerate_too_big EXIT 2 EXPECT "error: .*has [0-9.e+]+ architectures, more than the enumeration limit of 10"
               ARGS space enumerate nb201 --limit 10)
hwnas_cli_test(space_sample_too_many EXIT 2 EXPECT "has 15625 architectures; cannot draw 20000" ARGS space sample nb201 --count 20000)
# A space YAML file works wherever a built-in space name does.
hwnas_cli_test(space_info_yaml EXPECT "space: kws-tiny.*architectures: [1-9]" ARGS space info ${CMAKE_SOURCE_DIR}/examples/spaces/kws-tiny.yaml)
hwnas_cli_test(space_sample_yaml LINES 5 DISTINCT REPEAT ARGS space sample ${CMAKE_SOURCE_DIR}/examples/spaces/kws-tiny.yaml --count 5 --seed 3)
hwnas_cli_test(space_unknown EXIT 2 EXPECT "error: .*no-such-space.*nb201" ARGS space info no-such-space)

# hwnas_python_test(<name> MODULE <module> ARGS <script and arguments...>): a test run by a
# python3 that can import <module>. Debian's python3 packages (scripts/install-deps.sh) live
# beside /usr/bin/python3, which need not be the first python3 on PATH; with the module
# nowhere the test shows as disabled.
find_package(Python3 COMPONENTS Interpreter)
function(hwnas_python_test name)
  cmake_parse_arguments(T "" "MODULE" "ARGS" ${ARGN})
  foreach(py ${Python3_EXECUTABLE} /usr/bin/python3)
    if(EXISTS ${py})
      execute_process(COMMAND ${py} -c "import ${T_MODULE}" RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
      if(rc EQUAL 0)
        add_test(NAME cli.${name} COMMAND ${py} ${T_ARGS})
        return()
      endif()
    endif()
  endforeach()
  add_test(NAME cli.${name} COMMAND python3 -c "import ${T_MODULE}")
  set_tests_properties(cli.${name} PROPERTIES DISABLED TRUE)
endfunction()

# The JSON of model info loads with pandas (pd.json_normalize over the layers).
hwnas_python_test(model_info_json_loads_with_pandas MODULE pandas
                  ARGS ${CMAKE_CURRENT_LIST_DIR}/json_normalize.py $<TARGET_FILE:hwnas> efficientnet-b0)

# Each command area may keep its tests in a file of its own: tests/cli/<area>.cmake.
file(GLOB hwnas_cli_area_tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.cmake)
list(FILTER hwnas_cli_area_tests EXCLUDE REGEX "/(cli_tests|run_cli)\\.cmake$")
foreach(area_file IN LISTS hwnas_cli_area_tests)
  include(${area_file})
endforeach()
