# Fixture of tests/cli/resolver.cmake: in DIR, architectures of a space restricted to a device
# (archs.txt), their predicted latencies as a measurements table (m.csv: arch,latency_ms), one
# of them as a model reference (ref.txt: "mbconv@npu-generic:<arch>") and as a graph file (g.json).
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE "${DIR}")
file(MAKE_DIRECTORY "${DIR}")
function(hwnas)
  execute_process(COMMAND "${HWNAS}" ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "hwnas ${ARGN}: exit ${rc}\n${out}${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()
set(space mbconv@npu-generic)
hwnas(space sample ${space} --count 12 --seed 3)
file(WRITE "${DIR}/archs.txt" "${out}")
hwnas(predict --device npu-generic --dtype int8 --space ${space} --archs "${DIR}/archs.txt" --csv "${DIR}/m.csv")
string(REGEX MATCH "^[^\n]+" first "${out}")
file(STRINGS "${DIR}/archs.txt" archs)
list(GET archs 0 first)
file(WRITE "${DIR}/ref.txt" "${space}:${first}")
hwnas(model export-json "${space}:${first}" -o "${DIR}/g.json")
# A trained model directory (trained/: model.json + weights.hwnasw, what `hwnas train --out`
# writes) of the same architecture: the graph from export-json, the weights those `hwnas run
# --seed 5` draws, saved by run itself. x.npy (NCHW) holds varied values, so that other weights
# give another output.
file(MAKE_DIRECTORY "${DIR}/trained")
hwnas(model export-json "${space}:${first}" -o "${DIR}/trained/model.json")
execute_process(COMMAND python3 -c [=[
import json, struct, sys
d = sys.argv[1]
n, h, w, c = json.load(open(d + "/g.json"))["nodes"][0]["shape"]
shape = (n, c, h, w)
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d, %d, %d), }" % shape
header += " " * (63 - (10 + len(header)) % 64) + "\n"
with open(d + "/x.npy", "wb") as f:
    count = n * c * h * w
    values = [((i * 37) % 101) / 101.0 - 0.5 for i in range(count)]
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + struct.pack("<%df" % count, *values))
]=] "${DIR}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "writing ${DIR}/x.npy failed")
endif()
hwnas(run "${DIR}/trained" --seed 5 --input "${DIR}/x.npy" --output "${DIR}/y_seed5.npy"
      --save-weights "${DIR}/trained/weights.hwnasw")
