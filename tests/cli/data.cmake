# hwnas data: kws-synth, inspection-synth and info (apps/hwnas/cmd_data.cc, docs/data.md).
hwnas_cli_test(data_help EXPECT "kws-synth.*inspection-synth.*info" ARGS data --help)

# A tiny generated set: 3 voices (one per split), one clip per keyword, two other words per
# voice, 6 noise files of 20 s (16 train chunks each, 2 validation, 2 test).
hwnas_cli_test(data_kws_synth
               EXPECT "voices: 1 train, 1 validation, 1 test.*yes +1 +1 +1\n.*unknown +2 +2 +2\n.*silence +96 +12 +12\n.*wrote .*kws-tiny in"
               ARGS data kws-synth --out ${HWNAS_CLI_OUT}/kws-tiny --voices 3 --per-word 1 --unknown-per-voice 2 --seed 3 --overwrite)
set_tests_properties(cli.data_kws_synth PROPERTIES FIXTURES_SETUP cli_kws_tiny)
hwnas_cli_test(data_info_kws EXPECT "speech-commands:.*kws-tiny: 12 classes.*go +1 +1 +1.*input shape: 49 x 10 x 1.*30 ms window, 20 ms stride, 40 mel bands"
               ARGS data info speech-commands:${HWNAS_CLI_OUT}/kws-tiny)
hwnas_cli_test(data_info_kws_options EXPECT "input shape: 98 x 13 x 1" REPEAT
               ARGS data info speech-commands:${HWNAS_CLI_OUT}/kws-tiny --stride-ms 10 --coefficients 13)
hwnas_cli_test(data_info_kws_json EXPECT "\"input_shape\": \\[\n +49,\n +10,\n +1\n +\\]"
               ARGS data info speech-commands:${HWNAS_CLI_OUT}/kws-tiny --json)
set_tests_properties(cli.data_info_kws cli.data_info_kws_options cli.data_info_kws_json PROPERTIES FIXTURES_REQUIRED cli_kws_tiny)

# A small inspection set: 20 images, 80/10/10 by index; a row of boxes per class and split.
# (The counts themselves are the unit tests' business: they follow OpenCV's drawing.)
hwnas_cli_test(data_inspection_synth
               EXPECT "images: 16 train, 2 val, 2 test \\([0-9]+, [0-9]+, [0-9]+ without defects\\)\nboxes +train +val +test\n.*\nscratch +[0-9]+ +[0-9]+ +[0-9]+\ndent +[0-9]+ +[0-9]+ +[0-9]+\nspot +[0-9]+ +[0-9]+ +[0-9]+\ncrack +[0-9]+ +[0-9]+ +[0-9]+\nmissing +[0-9]+ +[0-9]+ +[0-9]+\ntotal +[0-9]+ +[0-9]+ +[0-9]+\nwrote .*inspect-tiny \\(COCO: annotations/instances_{train,val,test}.json\\) in"
               ARGS data inspection-synth --out ${HWNAS_CLI_OUT}/inspect-tiny --images 20 --size 96 --seed 3)
hwnas_cli_test(data_inspection_synth_bad_images EXIT 105 EXPECT "--images: Value 0 not in range 1 to 10000000"
               ARGS data inspection-synth --out ${HWNAS_CLI_OUT}/inspect-bad --images 0)
# Someone's folder in the way is left alone.
file(MAKE_DIRECTORY ${HWNAS_CLI_OUT}/inspect-not-ours)
file(WRITE ${HWNAS_CLI_OUT}/inspect-not-ours/keep.txt "x")
hwnas_cli_test(data_inspection_synth_not_ours EXIT 2
               EXPECT "error: .*inspect-not-ours: exists, is not empty and is not an output of hwnas data inspection-synth"
               ARGS data inspection-synth --out ${HWNAS_CLI_OUT}/inspect-not-ours --images 2)

# Fashion-MNIST from Debian's dataset-fashion-mnist (scripts/install-deps.sh).
if(EXISTS /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz)
  hwnas_cli_test(data_info_fashion_mnist EXPECT "T-shirt/top +6,000 +0 +1,000.*total +60,000 +0 +10,000.*input shape: 28 x 28 x 1"
                 ARGS data info fashion-mnist:/usr/share/datasets/fashion-mnist)
endif()

# Bad input: "error: <where>: <what>", exit 2.
hwnas_cli_test(data_info_unknown_kind EXIT 2 EXPECT "error: voc:/x: unknown dataset kind 'voc'; the kinds are speech-commands, fashion-mnist, cifar10, image-folder"
               ARGS data info voc:/x)
file(MAKE_DIRECTORY ${HWNAS_CLI_OUT}/sc-no-lists/yes)
hwnas_cli_test(data_info_missing_list EXIT 2 EXPECT "error: .*sc-no-lists/validation_list.txt: no such file"
               ARGS data info speech-commands:${HWNAS_CLI_OUT}/sc-no-lists)
hwnas_cli_test(data_kws_synth_bad_voices EXIT 105 EXPECT "--voices: Value 2 not in range 3 to 1000"
               ARGS data kws-synth --out ${HWNAS_CLI_OUT}/kws-bad --voices 2)

# COCO detection data (data/coco.h): objects per class and split from a small instances file.
file(WRITE ${HWNAS_CLI_OUT}/coco-tiny/annotations/instances_val2017.json [=[
{"images": [{"id": 1, "file_name": "a.jpg", "width": 64, "height": 48}, {"id": 2, "file_name": "b.jpg", "width": 32, "height": 32}],
 "annotations": [{"id": 1, "image_id": 1, "category_id": 18, "bbox": [1, 2, 10, 12], "iscrowd": 0},
                 {"id": 2, "image_id": 2, "category_id": 18, "bbox": [0, 0, 30, 30], "iscrowd": 1},
                 {"id": 3, "image_id": 2, "category_id": 3, "bbox": [4, 4, 8, 8], "iscrowd": 0}],
 "categories": [{"id": 3, "name": "car"}, {"id": 18, "name": "dog"}]}
]=])
hwnas_cli_test(data_info_coco EXPECT "coco:.*coco-tiny: 2 classes.*car +0 +1 +0\n.*dog +0 +2 +0\n.*crowd boxes +0 +1 +0\n.*images +0 +2 +0\n.*validation: .*instances_val2017.json"
               ARGS data info coco:${HWNAS_CLI_OUT}/coco-tiny)
file(WRITE ${HWNAS_CLI_OUT}/coco-bad/annotations/instances_train.json [=[
{"images": [{"id": 1, "file_name": "a.jpg", "width": 64, "height": 48}],
 "annotations": [{"id": 1, "image_id": 1, "category_id": 3, "bbox": [1, 2, 10, -12]}], "categories": [{"id": 3, "name": "car"}]}
]=])
hwnas_cli_test(data_info_coco_bad_box EXIT 2 EXPECT "error: .*instances_train.json: annotations\\[0\\].bbox: negative size"
               ARGS data info coco:${HWNAS_CLI_OUT}/coco-bad)

# The COCO loader reads what inspection-synth wrote (two independent pieces: writer and reader
# agree on the layout, the classes and every box's split).
hwnas_cli_test(data_info_reads_inspection_synth
               EXPECT "scratch .*dent .*spot .*crack .*missing .*images +16 +2 +2"
               ARGS data info coco:${HWNAS_CLI_OUT}/inspect-tiny)
set_tests_properties(cli.data_info_reads_inspection_synth PROPERTIES DEPENDS cli.data_inspection_synth)
