# The report as people see it: a small NB201 search writes its report, `hwnas report` writes it
# again elsewhere, and scripts/check_report.sh renders that page in headless Chromium and
# checks the screenshot, the plot and the named sections. A page without plots must fail the
# same check, saying what is missing. Chromium is optional: without it these tests are not
# registered (a configure message says so).
find_program(HWNAS_CHROMIUM NAMES chromium chromium-browser)
if(NOT HWNAS_CHROMIUM)
  message(STATUS "chromium not found: the report rendering tests (cli.report_*) are skipped "
                 "(Debian package chromium; scripts/install-deps.sh)")
  return()
endif()

set(REPORT_DIR ${HWNAS_CLI_OUT}/report)
file(MAKE_DIRECTORY ${REPORT_DIR})
file(WRITE ${REPORT_DIR}/exp.yaml
     "name: nb201-report\n"
     "space: nb201\n"
     "metrics:\n"
     "  accuracy:   {table: ${HWNAS_SHARED_DATA_DIR}/nb201/nb201_cifar10.csv, key: arch_str, column: test_acc_200ep}\n"
     "  latency_ms: {table: ${HWNAS_SHARED_DATA_DIR}/nb201/nb201_latency.csv, key: arch_str, column: raspi4_latency_ms, cost: cheap}\n"
     "objectives: [{metric: accuracy, goal: max}, {metric: latency_ms, goal: min}]\n"
     "constraints: [{metric: latency_ms, max: 20.0}]\n"
     "strategy: {name: auto, seed: 1}\n"
     "budget: {trials: 30}\n")
# A fresh run each time (a stored one would be resumed, not searched).
add_test(NAME cli.report_clean COMMAND ${CMAKE_COMMAND} -E rm -rf ${REPORT_DIR}/run ${REPORT_DIR}/report.html ${REPORT_DIR}/report.png)
set_tests_properties(cli.report_clean PROPERTIES FIXTURES_SETUP cli_report_clean)
hwnas_cli_test(report_search EXPECT "trials: 30 of budget 30"
               ARGS search ${REPORT_DIR}/exp.yaml --plain --set output=${REPORT_DIR}/run)
set_tests_properties(cli.report_search PROPERTIES FIXTURES_REQUIRED cli_report_clean FIXTURES_SETUP cli_report_run)
hwnas_cli_test(report_write EXPECT "wrote .*report.html"
               ARGS report ${REPORT_DIR}/run --out ${REPORT_DIR}/report.html)
set_tests_properties(cli.report_write PROPERTIES FIXTURES_REQUIRED cli_report_run FIXTURES_SETUP cli_report_page)

# Two objectives: one Pareto plot; the ids are the main sections of src/report/html_report.cc.
set(check_report ${CMAKE_SOURCE_DIR}/scripts/check_report.sh)
add_test(NAME cli.report_renders_in_chromium
         COMMAND ${check_report} ${REPORT_DIR}/report.html --png ${REPORT_DIR}/report.png --min-plots 1
                 --expect-id summary --expect-id objectives --expect-id pareto --expect-id failed
                 --expect-id trials --expect-id sources)
set_tests_properties(cli.report_renders_in_chromium PROPERTIES
                     FIXTURES_REQUIRED cli_report_page TIMEOUT 240
                     ENVIRONMENT CHROMIUM=${HWNAS_CHROMIUM}
                     PASS_REGULAR_EXPRESSION "1 drawn plot.*ids present: summary.*check_report: ok")

# The phone job's report (tests/cli/compare.cmake runs examples/efficientnet-phone.yaml): the
# recommendation and the front as a browser shows them.
add_test(NAME cli.report_phone_job_renders_in_chromium
         COMMAND ${check_report} ${HWNAS_CLI_OUT}/efficientnet-phone/report.html --min-plots 1
                 --expect-id recommendation --expect-id pareto --expect-id summary)
set_tests_properties(cli.report_phone_job_renders_in_chromium PROPERTIES
                     DEPENDS cli.compare_example_efficientnet_phone TIMEOUT 240
                     ENVIRONMENT CHROMIUM=${HWNAS_CHROMIUM}
                     PASS_REGULAR_EXPRESSION "1 drawn plot.*ids present: recommendation, pareto, summary.*check_report: ok")

# Pages the check must reject: it exits 1 and its messages match each of EXPECT (a list).
file(WRITE ${REPORT_DIR}/expect_failure.cmake [=[
execute_process(COMMAND ${SCRIPT} ${PAGE} ${ARGS} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}(exit ${rc})")
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "check_report.sh ${PAGE}: exit ${rc}, expected 1")
endif()
foreach(expected IN LISTS EXPECT)
  if(NOT "${err}" MATCHES "${expected}")
    message(FATAL_ERROR "check_report.sh ${PAGE}: its messages do not match '${expected}'")
  endif()
endforeach()
]=])
function(report_check_fails name page args expect)
  add_test(NAME cli.${name} COMMAND ${CMAKE_COMMAND} -DSCRIPT=${check_report} -DPAGE=${page} "-DARGS=${args}"
                                    "-DEXPECT=${expect}" -P ${REPORT_DIR}/expect_failure.cmake)
  set_tests_properties(cli.${name} PROPERTIES TIMEOUT 240 ENVIRONMENT CHROMIUM=${HWNAS_CHROMIUM})
endfunction()

# A page with its sections but no drawn plot (an empty <svg>) and without the id asked for.
file(WRITE ${REPORT_DIR}/no_plots.html
     "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/><title>no plots</title></head><body>\n"
     "<section id=\"summary\"><h1>A report whose plot is missing</h1><p>Trials: 30.</p></section>\n"
     "<section id=\"pareto\"><h2>Pareto plots</h2><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"0\" height=\"0\"></svg></section>\n"
     "</body></html>\n")
report_check_fails(report_without_plots_fails ${REPORT_DIR}/no_plots.html
                   "--min-plots;1;--expect-id;pareto;--expect-id;recommendation"
                   "FAIL: .*0 drawn plot\\(s\\), expected at least 1;svg 1: no size;missing element id\\(s\\): recommendation \\(")
# A page that paints nothing (its one section is empty): a blank screenshot, though the id is there.
file(WRITE ${REPORT_DIR}/blank.html
     "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/><title>blank</title></head><body><section id=\"pareto\"></section></body></html>\n")
report_check_fails(report_blank_page_fails ${REPORT_DIR}/blank.html "--expect-id;pareto" "FAIL: .*the page looks blank")
