#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""quantscope-cli profile against torch.autograd.profiler on the same TorchScript files.

    tests/bench/profile/profile_vs_torch.py FP32.pt VARIANT.pt [--batch 32] [--cli build/bin/quantscope-cli]
                                            [--fixed-heap] [--tolerance 0.2] [--min-ms 0.05] [--ignore OP]...

Both sides: 1 thread (OpenMP and OpenBLAS), the engine the CLI used, seeded random input of shape
Bx1x28x28 (the demo CNN; --shape for others), per op the median over 50 forwards of its time in
that forward (torch: one profiler session per forward, the events under `forward` summed per op);
--repeat rounds (default 3), the two alternating, and the median over the rounds. Prints both side by
side; exit 1 when an op's call count differs or an op over --min-ms ms differs by more than
--tolerance (--ignore: not for these ops, e.g. aten::relu, whose time PyTorch's profiler inflates
itself: docs/benchmarks.md). Debian's python3-torch is the same LibTorch 1.13 build as the CLI's.

--fixed-heap runs both with glibc's malloc thresholds fixed (GLIBC_TUNABLES), so that both keep
their memory between forwards: without it, a model with large activations runs in whichever heap
state its process happens to be in (docs/cli.md, profile), and two processes can differ by 2x on
ops that allocate, whatever the profiler.
"""
import argparse, json, os, statistics, subprocess, sys, time

FIXED_HEAP = 'glibc.malloc.mmap_threshold=67108864:glibc.malloc.trim_threshold=134217728'

ap = argparse.ArgumentParser()
ap.add_argument('fp32'); ap.add_argument('variant')
ap.add_argument('--batch', type=int, default=32)
ap.add_argument('--shape', default='1x28x28', help='input shape without the batch dimension')
ap.add_argument('--cli', default=os.path.join(os.path.dirname(__file__), '../../../build/bin/quantscope-cli'))
ap.add_argument('--fixed-heap', action='store_true')
ap.add_argument('--tolerance', type=float, default=0.2)
ap.add_argument('--min-ms', type=float, default=0.05)
ap.add_argument('--ignore', action='append', default=[], metavar='OP')
ap.add_argument('--repeat', type=int, default=3, help='rounds, CLI and PyTorch alternating (default 3)')
a = ap.parse_args()

# One thread everywhere, as the CLI sets it (OpenBLAS would otherwise use every core for addmm);
# glibc and OpenBLAS read these at start: run again with them.
wanted = {'OMP_NUM_THREADS': '1', 'OPENBLAS_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1'}
if a.fixed_heap:
    wanted['GLIBC_TUNABLES'] = FIXED_HEAP
if any(os.environ.get(k) != v for k, v in wanted.items()):
    os.environ.update(wanted)
    os.execv(sys.executable, [sys.executable] + sys.argv)

import torch  # noqa: E402 (after the re-exec)

print('load average before: %.2f %.2f %.2f' % os.getloadavg())
shape = [a.batch] + [int(d) for d in a.shape.split('x')]
cmd = ['nice', '-n', '19', a.cli, 'profile', a.fp32, a.variant, '--input', 'x'.join(map(str, shape)), '--json']
torch.set_num_threads(1)
med = statistics.median


def torch_profile(path, engine):
    """Median wall and profiled forward, and per op the list over 50 forwards of [calls, ms, self ms]."""
    torch.backends.quantized.engine = engine
    torch.manual_seed(0)
    x = torch.randn(*shape)
    m = torch.jit.load(path).eval()
    walls, forwards, per = [], [], {}
    with torch.no_grad():
        for _ in range(11):
            m(x)
        for _ in range(50):
            t0 = time.perf_counter()
            m(x)
            walls.append((time.perf_counter() - t0) * 1e3)
            with torch.autograd.profiler.profile() as prof:
                m(x)
            tot = {}
            for e in prof.function_events:
                if e.name == 'forward':
                    forwards.append(e.cpu_time_total / 1e3)
                elif e.cpu_parent is not None and e.cpu_parent.name == 'forward':
                    t = tot.setdefault(e.name, [0, 0.0, 0.0])
                    t[0] += 1
                    t[1] += e.cpu_time_total / 1e3
                    t[2] += e.self_cpu_time_total / 1e3
            for k in set(per) | set(tot):
                per.setdefault(k, []).append(tot.get(k, [0, 0.0, 0.0]))
    return med(walls), med(forwards), {k: [med([c[i] for c in v]) for i in range(3)] for k, v in per.items()}


# --repeat rounds, the CLI and PyTorch alternating, so that both see the same drift of a shared
# machine's load; every figure is the median over the rounds of each round's median.
runs = {'reference': [], 'variant': []}
for _ in range(a.repeat):
    q = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    for key, path in (('reference', a.fp32), ('variant', a.variant)):
        runs[key].append((q[key], torch_profile(path, q['engine'])))
ok = True
for key in ('reference', 'variant'):
    rs = runs[key]
    p = rs[0][0]
    print(f"{p['label']}: quantscope wall {med([r[0]['wall_ms'] for r in rs]):.3f} ms, profiled "
          f"{med([r[0]['profiled_ms'] for r in rs]):.3f} ms, {med([r[0].get('minor_faults', 0) for r in rs]):.0f} "
          f"page faults | torch wall {med([r[1][0] for r in rs]):.3f} ms, profiled {med([r[1][1] for r in rs]):.3f} ms")
    print(f"  {'op':28} {'calls qs/torch':>14} {'ms qs':>8} {'ms torch':>8} {'ratio':>6} {'self qs':>8} {'self torch':>10}")
    for o in p['ops']:
        def qs_field(f):
            return med([next((x[f] for x in r[0]['ops'] if x['op'] == o['op']), 0.0) for r in rs])

        def torch_field(i):
            return med([r[1][2].get(o['op'], [0, 0.0, 0.0])[i] for r in rs])
        calls, tms, tself = torch_field(0), torch_field(1), torch_field(2)
        ms, self_ms = qs_field('ms'), qs_field('self_ms')
        ratio = ms / tms if tms else float('inf')
        bad = calls != qs_field('calls') or (o['op'] not in a.ignore and max(ms, tms) > a.min_ms
                                              and abs(ratio - 1) > a.tolerance)
        ok = ok and not bad
        print(f"  {o['op']:28} {qs_field('calls'):>6.0f}/{calls:<7.0f} {ms:8.4f} {tms:8.4f} {ratio:6.2f} "
              f"{self_ms:8.4f} {tself:10.4f}{'  <-' if bad else ''}")
print('load average after: %.2f %.2f %.2f' % os.getloadavg())
print('agree' if ok else 'DIFFER (calls, or an op over %.2f ms off by more than %d%%)' % (a.min_ms, 100 * a.tolerance))
sys.exit(0 if ok else 1)
