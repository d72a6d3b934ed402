"""Benchmark: the whole ReScaL benchmark (52 pairs, ReScaL and the published baselines).

Runs ``scalingkit reproduce rescal`` in-process and prints, per dataset, ReScaL's mean
MAPE against the published one, every method's mean MAPE, and the wall-clock and CPU
time (this process plus its worker processes). CPU time is the honest figure on a
shared machine; wall time is what a user waits on an idle one.

Run:  SCALINGKIT_DATA=../shared/data python bench/rescal_reproduce.py [--jobs 2] [--datasets dense1,moe]
      [--methods ReScaL] [--out /tmp/rescal] [--no-legacy]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time


def _cpu_seconds() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _split(text):
    return None if text is None else [x.strip() for x in text.split(",") if x.strip()]


def _stop_workers() -> None:
    try:
        from joblib.externals.loky import get_reusable_executor
    except ImportError:  # pragma: no cover
        return
    get_reusable_executor().shutdown(wait=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--datasets", default=None, help="comma-separated, e.g. dense1,moe (default: all 8)")
    parser.add_argument("--methods", default=None, help="comma-separated (default: ReScaL + published baselines)")
    parser.add_argument("--out", default=None, help="output folder (default: a temporary one)")
    parser.add_argument("--no-legacy", action="store_true", help="compute N*D in floating point everywhere")
    args = parser.parse_args()

    from scalingkit.cli.reproduce import run_rescal

    out = args.out or tempfile.mkdtemp(prefix="rescal_")
    cpu0, wall0 = _cpu_seconds(), time.perf_counter()
    payload = run_rescal(out, datasets=_split(args.datasets), methods=_split(args.methods), jobs=args.jobs,
                         legacy=not args.no_legacy)
    wall = time.perf_counter() - wall0
    _stop_workers()  # reap loky's reusable workers so their CPU time is counted
    cpu = _cpu_seconds() - cpu0

    print(f"{'dataset':8} {'pairs':>5} {'ours %':>8} {'published %':>12} {'rel diff':>9}")
    for d in payload["per_dataset"]:
        print(f"{d['dataset']:8} {d['pairs']:5d} {100 * d['ours']:8.2f} {100 * d['published']:12.2f} "
              f"{d['rel_diff']:+9.1%}{'' if d['within'] else '  <-- more than 10% off'}")
    print(f"\n{'method':14} {'pairs':>5} {'ours %':>8} {'published %':>12} {'max |diff| pts':>15}")
    for m in payload["per_method"]:
        pub = "-" if m["published"] is None else f"{100 * m['published']:.2f}"
        diff = "-" if m["max_abs_diff"] is None else f"{100 * m['max_abs_diff']:.2f}"
        print(f"{m['method']:14} {m['pairs']:5d} {100 * m['ours']:8.2f} {pub:>12} {diff:>15}")
    r = payload["rescal_rank"]
    if r:
        print(f"\nReScaL: mean SK-ESD rank {r['mean_rank']:.2f} (published {r['published_mean_rank']:.2f}), "
              f"rank 1 in {r['n_rank1']}/{r['pairs']} (published {r['published_n_rank1']})")
    for note in payload["notes"]:
        print(f"note: {note}")
    print(f"\n{'PASS' if payload['passed'] else 'FAIL'}: wall {wall:.1f} s, CPU {cpu:.1f} s "
          f"(this process + workers), jobs={args.jobs}; results in {out}")


if __name__ == "__main__":
    main()
