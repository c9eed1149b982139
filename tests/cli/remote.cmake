# hwnas measure --remote: a malformed URL is refused before any ssh runs, saying the form
# (measure/remote.h; the sshd-backed cases are in tests/measure/remote_test.cc).
hwnas_cli_test(measure_remote_help EXPECT "--remote TEXT.*--ssh-key.*--ssh-option.*--remote-hwnas.*--remote-timeout"
               ARGS measure --help)
hwnas_cli_test(measure_remote_not_ssh EXIT 2
               EXPECT "error: http://x: not an ssh URL: expected ssh://\\[user@\\]host\\[:port\\]"
               ARGS measure dscnn-mlperf --remote http://x)
hwnas_cli_test(measure_remote_no_host EXIT 2 EXPECT "error: ssh://: no host: expected ssh://"
               ARGS measure dscnn-mlperf --remote ssh://)
hwnas_cli_test(measure_remote_user_no_host EXIT 2 EXPECT "error: ssh://pi@: no host"
               ARGS measure dscnn-mlperf --remote ssh://pi@)
hwnas_cli_test(measure_remote_bad_port EXIT 2 EXPECT "error: ssh://pi@board:70000: bad port '70000' \\(1 to 65535\\)"
               ARGS measure dscnn-mlperf --remote ssh://pi@board:70000)
hwnas_cli_test(measure_remote_port_not_a_number EXIT 2 EXPECT "error: ssh://pi@board:ssh: bad port 'ssh'"
               ARGS measure dscnn-mlperf --remote ssh://pi@board:ssh)
hwnas_cli_test(measure_remote_bad_ssh_option EXIT 2 EXPECT "error: --ssh-option Batch: expected KEY=VALUE"
               ARGS measure dscnn-mlperf --remote ssh://pi@127.0.0.1:1 --ssh-option Batch)
