# hwnas deploy (docs/codegen.md): dscnn-mlperf's int8 C built for the Cortex-M7 and run in QEMU
# on 100 inputs equals the int8 reference bit for bit; flash and RAM come from the ELF; the
# arena is at least 1.3x below the TFLite-Micro-style plan (1.80x measured: 8,880 vs 16,000 bytes);
# the estimated cycles (5.17 M) at the F746's 216 MHz are 23.9 ms.
hwnas_cli_test(deploy_dscnn
               EXPECT "on 100 inputs: bit-exact.*flash: .*from the ELF.*arena: .*plan \\(greedy, no in-place\\): 1\\.[3-9][0-9]x lower.*cycles per inference \\(estimated: Cortex-M7 issue model.*= 2[34]\\.[0-9][0-9] ms at 216 MHz on cortex-m7-f746.*block4\\.pw\\.conv.*wrote .*report.json"
               ARGS deploy dscnn-mlperf --out ${HWNAS_CLI_OUT}/deploy_dscnn --force --inputs 100 --calibration-samples 8)
# --device must be a microcontroller profile.
hwnas_cli_test(deploy_not_an_mcu EXIT 2 EXPECT "is a 'npu' device; deploying generated C needs a microcontroller profile"
               ARGS deploy dscnn-mlperf --device npu-generic --out ${HWNAS_CLI_OUT}/deploy_npu)
# An existing folder is never overwritten without --force, and says how to proceed.
hwnas_cli_test(deploy_out_exists EXIT 2 EXPECT "already exists; remove it, choose another --out or give --force"
               ARGS deploy dscnn-mlperf --out ${HWNAS_CLI_OUT})
