#!/usr/bin/env python3
"""An independent MFCC reference for tests/data/mfcc_test.cc, written in numpy from the
TensorFlow documentation of the ops the MLPerf Tiny KWS reference calls:
tf.signal.stft (frames without end padding, periodic Hann, rfft of the next power of two),
tf.abs, tf.signal.linear_to_mel_weight_matrix, tf.math.log(x + offset) and
tf.signal.mfccs_from_log_mel_spectrograms (DCT-II * rsqrt(2 * num_mel_bins)).

usage: mfcc_reference.py in.f32 out.txt rate clip_ms window_ms stride_ms bands coeffs lo_hz hi_hz
in.f32 holds float32 samples; out.txt gets one frame per line.
"""
import sys

import numpy as np


def hann_periodic(n):
    return 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(n) / n)


def mel(hz):
    return 1127.0 * np.log1p(hz / 700.0)


def linear_to_mel_weight_matrix(bands, bins, rate, lo, hi):
    freqs = np.linspace(0.0, rate / 2.0, bins)[1:]  # the DC bin gets no weight
    m = mel(freqs)[:, None]
    edges = np.linspace(mel(lo), mel(hi), bands + 2)
    lower, center, upper = edges[:-2], edges[1:-1], edges[2:]
    w = np.maximum(0.0, np.minimum((m - lower) / (center - lower), (upper - m) / (upper - center)))
    return np.vstack([np.zeros((1, bands)), w])


def dct2(x):
    n = x.shape[-1]
    k = np.arange(n)[:, None]
    basis = 2.0 * np.cos(np.pi * k * (2 * np.arange(n)[None, :] + 1) / (2.0 * n))
    return x @ basis.T


def main():
    inp, out = sys.argv[1], sys.argv[2]
    rate, clip_ms, win_ms, stride_ms, bands, coeffs, lo, hi = sys.argv[3:11]
    rate, bands, coeffs = int(rate), int(bands), int(coeffs)
    clip = int(rate * float(clip_ms) / 1000 + 1e-9)
    win = int(rate * float(win_ms) / 1000 + 1e-9)
    stride = int(rate * float(stride_ms) / 1000 + 1e-9)
    x = np.fromfile(inp, dtype=np.float32).astype(np.float64)
    x = np.pad(x, (0, max(0, clip - len(x))))[:clip]
    fft = 1 << (win - 1).bit_length()
    frames = 1 + (clip - win) // stride
    spec = np.abs(np.stack([np.fft.rfft(x[f * stride:f * stride + win] * hann_periodic(win), fft)
                            for f in range(frames)]))
    melspec = spec @ linear_to_mel_weight_matrix(bands, fft // 2 + 1, rate, float(lo), float(hi))
    mfcc = dct2(np.log(melspec + 1e-6)) / np.sqrt(2.0 * bands)
    np.savetxt(out, mfcc[:, :coeffs], fmt="%.9g")


if __name__ == "__main__":
    main()
