# hwnas proxy: zero-cost proxies of a list of archs to a CSV (train/proxies.h through the plugin).
# Values are checked by hand in tests/train/proxies_test.cc and tests/eval/proxy_metric_test.cc;
# here, the command's plumbing and its errors.
hwnas_cli_test(proxy_help EXPECT "--space.*--archs.*--sample.*--csv.*--dataset.*--batch.*--seed.*--threads"
               ARGS proxy --help)
# params and macs need no data; 3 archs drawn with seed 1.
hwnas_cli_test(proxy_params_macs EXPECT "wrote .*proxy_stats.csv \\(3 archs of nb201, computed \\(train/proxies.h"
               ARGS proxy params,macs --space nb201 --sample 3 --seed 1 --csv ${HWNAS_CLI_OUT}/proxy_stats.csv)
# synflow and the ensemble (whose members read data) on 4 archs with Fashion-MNIST when present.
if(EXISTS /usr/share/datasets/fashion-mnist)
  hwnas_cli_test(proxy_ensemble EXPECT "wrote .*proxy_ens.csv \\(4 archs of nb201.*data: fashion-mnist:.*zero-padded to 32x32, gray copied to 3 channels.*ensemble: mean rank over these archs of synflow"
                 ARGS proxy synflow,ensemble --space nb201 --sample 4 --seed 2 --batch 8
                      --dataset fashion-mnist:/usr/share/datasets/fashion-mnist --csv ${HWNAS_CLI_OUT}/proxy_ens.csv)
endif()
# A dscnn arch of 25 frames x 13 coefficients reads MFCC computed for that input, not the default
# 49x10 batch padded or cut to its shape (data::fit_front_end); the keyword set is data.cmake's.
if(TARGET hwnas_interop_plugin)
  file(WRITE ${HWNAS_CLI_OUT}/proxy_kws25.txt
       "mfcc=13,frames=25,first.kernel=3x3,first.stride=2x2,first.channels=8,depth=1,block1.channels=8,block1.kernel=3\n")
  hwnas_cli_test(proxy_kws_front_end EXPECT "wrote .*proxy_kws25.csv \\(1 archs of dscnn.*data: speech-commands:.*kws-tiny train, 8 examples drawn with seed 0, MFCC computed for 25x13 inputs"
                 ARGS proxy naswot --space dscnn --archs ${HWNAS_CLI_OUT}/proxy_kws25.txt --batch 8
                      --dataset speech-commands:${HWNAS_CLI_OUT}/kws-tiny --csv ${HWNAS_CLI_OUT}/proxy_kws25.csv)
  set_tests_properties(cli.proxy_kws_front_end PROPERTIES FIXTURES_REQUIRED cli_kws_tiny)
endif()
hwnas_cli_test(proxy_unknown EXIT 2 EXPECT "proxy 'zen': is not a zero-cost proxy hwnas knows; use one of synflow"
               ARGS proxy synflow,zen --space nb201 --sample 2 --csv ${HWNAS_CLI_OUT}/proxy_bad.csv)
hwnas_cli_test(proxy_needs_data EXIT 2 EXPECT "proxy naswot: naswot reads a batch of data: give --dataset"
               ARGS proxy naswot --space nb201 --sample 2 --csv ${HWNAS_CLI_OUT}/proxy_bad.csv)
hwnas_cli_test(proxy_archs_or_sample EXIT 2 EXPECT "give either --archs FILE or --sample N"
               ARGS proxy synflow --space nb201 --csv ${HWNAS_CLI_OUT}/proxy_bad.csv)
hwnas_cli_test(proxy_empty_name EXIT 2 EXPECT "has an empty name"
               ARGS proxy synflow,,naswot --space nb201 --sample 2 --csv ${HWNAS_CLI_OUT}/proxy_bad.csv)
# The proxy metric in an experiment (the example file, synflow so that no reference set is scored).
hwnas_cli_test(proxy_search EXPECT "score +zero-cost proxy synflow, computed \\(train/proxies.h on libtorch"
               ARGS search ${CMAKE_SOURCE_DIR}/examples/nb201-proxy.yaml --set metrics.score.proxy=synflow
                    --set budget.trials=3 --set output=${HWNAS_CLI_OUT}/proxy-search)
