"""Dashboard latency against employer size: runs bench/bench_portal.py once per size (each bounded in
time), plots p50 and p99 of the dashboard beside hello-world, and writes the PNG and the figures.

    .venv/bin/python bench/plot_dashboard.py [--sizes 100,1000,5000,10000] [--seconds 4]
        [--database sqlite] [--out docs/img/dashboard-latency.png]

Needs matplotlib (pip install -e ".[bench]"). Prints a table and, as its last line, one JSON object:
{"database", "sizes": [{"employees", "dashboard_p50_ms", "dashboard_p99_ms", "dashboard_rps", "hello_rps"}, ...]}.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(employees: int, seconds: float, database: str) -> dict:
    result = subprocess.run([sys.executable, "-m", "bench.bench_portal", "--employees", str(employees),
                             "--seconds", str(seconds), "--database", database],
                            capture_output=True, text=True, timeout=600, cwd=ROOT)
    lines = result.stdout.strip().splitlines()
    if not lines or not lines[-1].startswith("{"):
        raise SystemExit(f"bench_portal.py --employees {employees} gave no figures:\n{result.stderr[-1500:]}")
    return json.loads(lines[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,5000,10000")
    parser.add_argument("--seconds", type=float, default=4.0, help="per endpoint and size")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--out", default=str(ROOT / "docs" / "img" / "dashboard-latency.png"))
    args = parser.parse_args()
    import matplotlib

    matplotlib.use("Agg")  # no display
    import matplotlib.pyplot as plt

    sizes = [int(size) for size in args.sizes.split(",")]
    figures = [measure(size, args.seconds, args.database) for size in sizes]
    print(f"{'employees':>10} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} {'x hello':>8}")
    for f in figures:
        print(f"{f['employees']:>10} {f['dashboard_p50_ms']:>8.1f} {f['dashboard_p99_ms']:>8.1f} "
              f"{f['dashboard_rps']:>8.1f} {f['dashboard_rps'] / f['hello_rps']:>8.2f}")

    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    ax.plot(sizes, [f["dashboard_p50_ms"] for f in figures], marker="o", label="dashboard p50")
    ax.plot(sizes, [f["dashboard_p99_ms"] for f in figures], marker="o", label="dashboard p99")
    ax.plot(sizes, [f["hello_p99_ms"] if "hello_p99_ms" in f else float("nan") for f in figures], linestyle=":",
            label="hello world p99")
    ax.set_xscale("log")
    ax.set_xlabel("employees of the employer (log scale)")
    ax.set_ylabel("latency (ms), 32 concurrent clients")
    ax.set_title(f"Dashboard latency against employer size ({args.database}, 2 CPUs, gunicorn 2x4)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(args.out)
    print(f"\nwrote {args.out}\n")
    print(json.dumps({"database": args.database, "sizes": [
        {key: f[key] for key in ("employees", "dashboard_p50_ms", "dashboard_p99_ms", "dashboard_rps", "hello_rps")}
        for f in figures]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
