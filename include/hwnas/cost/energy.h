#pragma once
// cost::Energy: energy per inference, average power at a frame rate and the highest frame
// rate, from a latency prediction (any cost::LatencyModel) and the device's power figures.
//
//   cost::LatencyPrediction p = model->predict(graph, ir::DType::i8);
//   cost::Energy e = cost::estimate_energy(device, p);
//   e.energy_mj;                          // 0.42 mJ per inference
//   e.max_fps;                            // 1000 / latency
//   cost::average_power_mw(device, e, 30);  // at 30 frames per second, idle in between
//
// energy = sum over kernels of active_power(kernel's processor) x kernel ms
//        + bytes moved (activations read and written, weights read) x energy_pj_per_byte.
// A processor's active power is the whole device's draw while it computes. Units: mW x ms =
// uJ, pJ x bytes = 1e-9 mJ; results in mJ and mW.
#include "hwnas/cost/latency_model.h"
#include "hwnas/hw/device.h"

namespace hwnas::cost {

struct Energy {
  double latency_ms = 0;
  double compute_mj = 0;  // active power x time
  double memory_mj = 0;   // bytes moved x energy per byte
  double energy_mj = 0;   // compute + memory, per inference
  double max_fps = 0;     // 1000 / latency_ms (back-to-back inferences)
};

// Throws hwnas::Error naming the kernel when its processor is not one of the device's.
Energy estimate_energy(const hw::Device& d, const LatencyPrediction& p);

// Average power (mW) when running `fps` inferences per second and idling in between:
// energy x fps + idle_mw x (1 - fps x latency). Throws when fps is not positive or above
// max_fps (the frames would not fit in a second).
double average_power_mw(const hw::Device& d, const Energy& e, double fps);

}  // namespace hwnas::cost
