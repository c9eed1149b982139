# hwnas device: list, show, audit, calibrate (apps/hwnas/cmd_device.cc, docs/devices.md).
hwnas_cli_test(device_help EXPECT "list.*show.*audit.*calibrate" ARGS device --help)

# The built-ins; the H743's conv peak is 480 MHz x 0.84 MACs/cycle (hwnas's generated code, fitted
# to its traced cycles; devices/cortex-m7.yaml) = 403.2 MMAC/s int8; the H7A3 with X-CUBE-AI 9.0
# 280 MHz x 1.1 = 308 MMAC/s.
hwnas_cli_test(device_list EXPECT "cortex-m7 .*403.2 MMAC/s int8.*cortex-m7-f746.*cortex-m7-h7a3-xcubeai.*308.0 MMAC/s int8.*host.*npu-generic.*pixel3-cpu.*raspi4.*not measured"
               ARGS device list)
hwnas_cli_test(device_show_m7 EXPECT "processor cpu \\(primary\\): 480 MHz.*conv +int8 +0.84 +403.2 MMAC/s.*SRAM 512.0 KiB, flash 2,048.0 KiB"
               ARGS device show cortex-m7)
hwnas_cli_test(device_show_npu EXPECT "operator set of npu.*depthwise_conv2d +3,5 +1,2 +int8.*fallback: cpu at 2 GB/s, 30 us per transfer"
               ARGS device show npu-generic)
hwnas_cli_test(device_show_json EXPECT "\"sram_bytes\": 524288.*\"clock_hz\": 480000000.0" ARGS device show cortex-m7 --json)  # keys sorted
hwnas_cli_test(device_show_file EXPECT "device: npu-generic" ARGS device show ${CMAKE_SOURCE_DIR}/devices/npu-generic.yaml)

# The acceptance of issue 4: hardswish, squeeze-excite (hardsigmoid, mul) and 7x7 depthwise
# fall back on npu-generic, and the restricted space excludes them.
hwnas_cli_test(device_audit_npu_mbconv
               EXPECT "hardswish +0 +[1-9][0-9,]* .*hardsigmoid +0 +[1-9].*mul +0 +[1-9].*depthwise_conv2d k7 s1 +0 +[1-9].*restricted space mbconv@npu-generic.*hardswish -> relu6.*squeeze-excite.*removed stage1.block1.kernel = 7.*every node of 200 checked samples runs natively"
               ARGS device audit npu-generic --space mbconv --samples 10)
# DS-CNN's 10x4 stem conv falls back; one model, int8 by the device's default.
hwnas_cli_test(device_audit_dscnn EXPECT "dscnn-mlperf on npu-generic \\(int8\\), 1 graph.*conv2d k10x4 s2 +0 +1 .*kernel 10x4 not in \\[1, 3, 5\\]"
               ARGS device audit npu-generic --model dscnn-mlperf)
hwnas_cli_test(device_audit_json EXPECT "\"fallback_nodes\": 0,.*\"source\": \"looked up"
               ARGS device audit cortex-m7 --model mobilenetv2-1.0 --json)
hwnas_cli_test(device_audit_needs_subject EXIT 2 EXPECT "error: device audit: give --space <space> or --model <model>"
               ARGS device audit npu-generic)

# The real NPU profiles (docs/devices.md): each shows its operator rules and partition, and its
# audit of mbconv restricts the space; the audit names what no choice avoids (fixed structure).
foreach(npu ethos-u55-128 ethos-u65-512 edgetpu k210)
  hwnas_cli_test(device_show_${npu} EXPECT "device: ${npu} \\(npu\\).*operator set of .*limits.*conv2d.*fallback: cpu at .*partition: "
                 ARGS device show ${npu})
  hwnas_cli_test(device_audit_${npu}_mbconv EXPECT "audit of mbconv on ${npu} \\(int8\\).*restricted space mbconv@${npu}"
                 ARGS device audit ${npu} --space mbconv --samples 5)
endforeach()
# Vela's figures: 500 MHz x 128 = 64 GMAC/s int8; weights on their own port at 0.5 GB/s; the
# published range limits with the rule they come from.
hwnas_cli_test(device_show_ethos_u55_figures
               EXPECT "processor npu \\(primary\\): 500 MHz, 4 GB/s \\(weights 0.5 GB/s on their own port\\).*conv +int8 +128 +64.0 GMAC/s.*depthwise_conv2d +any +1,2,3 +int8 .*kh<=64 kh\\*kw<=4096 dims<=65535 .Vela 3.6.1 DEPTHWISE_CONV_2D.*partition: per_operator"
               ARGS device show ethos-u55-128)
# Ethos-U runs hardswish, squeeze-excite and 7x7 depthwise: mbconv compiles whole.
hwnas_cli_test(device_audit_ethos_u55_mbconv_whole EXPECT "0 fall back.*every node of 200 checked samples runs natively"
               REJECT "substituted|removed" ARGS device audit ethos-u55-128 --space mbconv --samples 5)
# The Edge TPU cuts once: hardswish is the cause, the rest only follows it; restricted, it is swapped.
hwnas_cli_test(device_audit_edgetpu_cut
               EXPECT "hardswish .*CUT in [0-9,]+ graphs, moving [0-9,]+ supported nodes after it: hardswish is not in edgetpu's operator set.*only after a cut: after the single cut at.*partition: single_cut.*substituted: hardswish -> relu6.*every node of 200 checked samples runs natively"
               ARGS device audit edgetpu --space mbconv --samples 5)
# The Edge TPU's parameter cache (weights past 8 MB streamed over PCIe every inference).
hwnas_cli_test(device_show_edgetpu_cache EXPECT "processor edgetpu \\(primary\\): .*weights cache 8192 KiB \\(weights past it fetched every inference at 0.4 GB/s\\)"
               ARGS device show edgetpu)
hwnas_cli_test(device_show_edgetpu_cut EXPECT "partition: single_cut \\(everything from the first unsupported operator on runs on the fallback\\)"
               ARGS device show edgetpu)
# The K210 keeps 3x3 kernels on the KPU; adds, the pool, the classifier and the 1280-channel
# head conv stay on its CPU whatever the choices.
hwnas_cli_test(device_audit_k210_fixed
               EXPECT "removed stage1.block2.kernel = 5,7: .*nncase K210 KPU depthwise conv2d.*still falls back \\(fixed structure\\): add: add is not in kpu's operator set.*conv2d k1 s1: 1280 output channels over the limit of 1024"
               ARGS device audit k210 --space mbconv --samples 5)

# Bad input: unknown device with a suggestion; a malformed profile names file, line and key.
hwnas_cli_test(device_unknown EXIT 2 EXPECT "error: cortex-m8: no such device \\(did you mean 'cortex-m7'\\?\\)" ARGS device show cortex-m8)
file(WRITE ${HWNAS_CLI_OUT}/bad_device.yaml "name: bad\nprocessors:\n  cpu:\n    clock_mhz: fast\n")
hwnas_cli_test(device_bad_profile EXIT 2 EXPECT "error: .*bad_device.yaml:4: processors.cpu.clock_mhz: expected a number \\(MHz\\), got 'fast'"
               ARGS device show ${HWNAS_CLI_OUT}/bad_device.yaml)

# Calibration with a short budget writes a profile that loads back.
hwnas_cli_test(device_calibrate EXPECT "conv f32.*MAC/s.*bandwidth.*wrote .*host_calibrated.yaml"
               ARGS device calibrate --out ${HWNAS_CLI_OUT}/host_calibrated.yaml --budget-s 0.05)
set_tests_properties(cli.device_calibrate PROPERTIES FIXTURES_SETUP cli_host_calibrated)
hwnas_cli_test(device_show_calibrated EXPECT "figures: measured by `hwnas device calibrate`"
               ARGS device show ${HWNAS_CLI_OUT}/host_calibrated.yaml)
set_tests_properties(cli.device_show_calibrated PROPERTIES FIXTURES_REQUIRED cli_host_calibrated)

# A space restricted to a device by name: the restriction of `device audit`, usable anywhere a
# space is named (npu-generic drops mbconv's kernel 7: 3 of the 9 kernel x expand pairs per block).
hwnas_cli_test(space_info_restricted EXPECT "mbconv@npu-generic" ARGS space info mbconv@npu-generic)
hwnas_cli_test(space_sample_restricted REJECT "k[0-9,]*7" ARGS space sample mbconv@npu-generic --count 5 --seed 1)
