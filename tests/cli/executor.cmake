# The process executor end to end (executor: {kind: process}, docs/experiments.md): `hwnas search`
# runs the trials in `hwnas trial-worker` processes and writes the same trials.csv as with the
# default thread executor, but for the seconds column (wall time).
set(EXE_DIR ${HWNAS_CLI_OUT}/executor)
file(MAKE_DIRECTORY ${EXE_DIR})
file(WRITE ${EXE_DIR}/exp.yaml
     "name: nb201-executors\n"
     "space: nb201\n"
     "metrics:\n"
     "  accuracy:   {table: ${HWNAS_SHARED_DATA_DIR}/nb201/nb201_cifar10.csv, key: arch_str, column: test_acc_200ep}\n"
     "  latency_ms: {table: ${HWNAS_SHARED_DATA_DIR}/nb201/nb201_latency.csv, key: arch_str, column: raspi4_latency_ms, cost: cheap}\n"
     "objectives: [{metric: accuracy, goal: max}, {metric: latency_ms, goal: min}]\n"
     "constraints: [{metric: latency_ms, max: 20.0}]\n"
     "strategy: {name: auto, seed: 1}\n"
     "budget: {trials: 40}\n"
     "executor: {workers: 2, trial_timeout_s: 60}\n")
# Fresh runs each time (a stored one would be resumed, not searched).
add_test(NAME cli.executor_clean COMMAND ${CMAKE_COMMAND} -E rm -rf ${EXE_DIR}/threads ${EXE_DIR}/processes)
set_tests_properties(cli.executor_clean PROPERTIES FIXTURES_SETUP cli_executor_clean)
hwnas_cli_test(executor_threads EXPECT "trials: 40 of budget 40 \\(40 ok.*2 workers\\)"
               ARGS search ${EXE_DIR}/exp.yaml --plain --set output=${EXE_DIR}/threads)
hwnas_cli_test(executor_processes EXPECT "trials: 40 of budget 40 \\(40 ok.*2 worker processes\\)"
               ARGS search ${EXE_DIR}/exp.yaml --plain --set output=${EXE_DIR}/processes --set executor.kind=process)
set_tests_properties(cli.executor_threads cli.executor_processes PROPERTIES
                     FIXTURES_REQUIRED cli_executor_clean FIXTURES_SETUP cli_executor_runs)

file(WRITE ${EXE_DIR}/compare.cmake [=[
# Each trials.csv without its seconds column (found by the header), line by line.
function(trials_without_seconds dir out)
  file(STRINGS ${dir}/trials.csv lines)
  list(GET lines 0 header)
  string(REPLACE "," ";" names "${header}")
  list(FIND names seconds col)
  if(col LESS 0)
    message(FATAL_ERROR "${dir}/trials.csv: no seconds column in '${header}'")
  endif()
  set(kept)
  foreach(line IN LISTS lines)
    string(REPLACE "," ";" fields "${line}")
    list(REMOVE_AT fields ${col})
    string(JOIN "," line ${fields})
    list(APPEND kept "${line}")
  endforeach()
  set(${out} "${kept}" PARENT_SCOPE)
endfunction()
trials_without_seconds(${DIR}/threads threads)
trials_without_seconds(${DIR}/processes processes)
list(LENGTH threads n)
if(n LESS 41)
  message(FATAL_ERROR "threads/trials.csv has ${n} lines, expected a header and 40 trials")
endif()
if(NOT threads STREQUAL processes)
  string(REPLACE ";" "\n" a "${threads}")
  string(REPLACE ";" "\n" b "${processes}")
  message(FATAL_ERROR "the executors' trials differ:\nthreads:\n${a}\nprocesses:\n${b}")
endif()
message("the same ${n} lines (header and trials) with both executors")
]=])
add_test(NAME cli.executor_same_trials COMMAND ${CMAKE_COMMAND} -DDIR=${EXE_DIR} -P ${EXE_DIR}/compare.cmake)
set_tests_properties(cli.executor_same_trials PROPERTIES FIXTURES_REQUIRED cli_executor_runs)
