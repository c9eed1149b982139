#pragma once
// The trainer's loss, exposed so that tests can check it against a hand computation: cross
// entropy with label smoothing as PyTorch's CrossEntropyLoss(label_smoothing=s) defines it,
// i.e. against targets (1-s) * one_hot(y) + s/K, averaged over the batch. Includes libtorch.
//
//   torch::Tensor loss = train::smoothed_cross_entropy(logits, labels, 0.1);
#include <torch/torch.h>

namespace hwnas::train {

// logits [N,K] float, labels [N] int64.
torch::Tensor smoothed_cross_entropy(const torch::Tensor& logits, const torch::Tensor& labels, double smoothing);

}  // namespace hwnas::train
