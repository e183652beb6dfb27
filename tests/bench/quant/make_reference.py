#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""PyTorch's own graph-mode quantizer on the quantization benchmark's FP32 files.

Run with Debian's /usr/bin/python3 (python3-torch, the same LibTorch 1.13 build Quantscope uses):
    /usr/bin/python3 make_reference.py DIR
DIR holds mlp_fp32.pt, cnn_fp32.pt and cnn_calib.pt written by qs_quantbench. Writes
py_mlp_dynamic.pt (quantize_dynamic_jit, default_dynamic_qconfig) and py_cnn_static.pt
(quantize_jit, get_default_qconfig("onednn"), calibrated on the first 200 samples in batches of
32: what Quantscope's defaults do), so that both are timed by the same C++ harness.
"""
import sys

import torch
from torch.ao.quantization import default_dynamic_qconfig, get_default_qconfig, quantize_dynamic_jit, quantize_jit


def main(d):
    torch.backends.quantized.engine = "onednn"  # before quantizing: weights are prepacked for it
    torch.set_num_threads(1)
    mlp = torch.jit.load(d + "/mlp_fp32.pt").eval()
    quantize_dynamic_jit(mlp, {"": default_dynamic_qconfig}).save(d + "/py_mlp_dynamic.pt")

    cnn = torch.jit.load(d + "/cnn_fp32.pt").eval()
    x = torch.load(d + "/cnn_calib.pt")["inputs"]
    batches = [x[i:min(i + 32, 200)] for i in range(0, 200, 32)]

    def calibrate(model, data):
        with torch.no_grad():
            for b in data:
                model(b)

    quantize_jit(cnn, {"": get_default_qconfig("onednn")}, calibrate, [batches]).save(d + "/py_cnn_static.pt")
    print("wrote", d + "/py_mlp_dynamic.pt", d + "/py_cnn_static.pt")


if __name__ == "__main__":
    main(sys.argv[1])
