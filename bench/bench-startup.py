#!/usr/bin/env python3
# bench-startup.py
#
# Copyright 2026 The Hangar authors
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start-up and scale benchmark: Hangar against virsh and virt-manager.

For each host size (libvirt test-driver files written by gen-testhost.py)
the tools take turns, round after round:

  hangar        HANGAR_BENCH=1 hangar --connect test:///HOST, time from
                process start to its "hangar-bench: list-ready" line
  virsh         virsh -c test:///HOST list --all, wall time to exit
  virt-manager  virt-manager --debug --no-fork --connect test:///HOST,
                time from process start to the debug line
                "conn=test:///HOST changed to state=Active"

then bench-events (built from bench/bench-events.c) measures the latency
from a domain's state change to its row's update, for 1,000 changes on a
list of 1,000 domains, and the script prints (and, unless --smoke, writes
to BENCHMARKS.md) each run's figures, the medians and the ratios. Figures are printed, never
asserted. It runs itself under dbus-run-session and its own Xvfb.

  bench/bench-startup.py            full run, writes BENCHMARKS.md
  bench/bench-startup.py --smoke    10 domains, one run each, no virt-manager
  bench/bench-startup.py --events-only
                                    only the event latency, replacing its
                                    section of an existing BENCHMARKS.md
"""

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
CLK_TCK = os.sysconf("SC_CLK_TCK")

HANGAR = "hangar"
HANGAR_GL = "hangar-gl"
VIRSH = "virsh"
VIRT_MANAGER = "virt-manager"

TOOL_LABELS = {
    HANGAR: "Hangar (GSK_RENDERER=cairo)",
    HANGAR_GL: "Hangar (GTK's default renderer)",
    VIRSH: "virsh list --all",
    VIRT_MANAGER: "virt-manager",
}


# Helpers ------------------------------------------------------------------

def log(msg):
    print(msg, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # utime and stime, fields 14 and 15 of proc(5), cover every thread.
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def vm_hwm_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def mapped_renderer_libs(pid):
    """Names of the Mesa/GL driver libraries the process has mapped."""
    found = set()
    try:
        with open("/proc/%d/maps" % pid) as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                base = os.path.basename(path)
                if re.search(r"(_dri\.so|libGLX_mesa|libEGL_mesa|libgallium|libvulkan)",
                             base):
                    found.add(base)
    except OSError:
        pass
    return sorted(found)


def command_output(argv):
    try:
        out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, timeout=60).stdout
        return out.strip()
    except (OSError, subprocess.SubprocessError) as e:
        return "unavailable (%s)" % e


def deb_version(package):
    out = command_output(["dpkg-query", "-W", "-f", "${Version}", package])
    return out if out and "no packages found" not in out else "not installed"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, unit="", digits=2):
    if value is None:
        return "–"
    if isinstance(value, float):
        return "%.*f%s" % (digits, value, unit)
    return "%s%s" % (value, unit)


class Watched:
    """A process whose stderr lines are timestamped as they arrive."""

    def __init__(self, argv, env, log_path):
        self.lines = []
        self.cond = threading.Condition()
        self.log = open(log_path, "w", encoding="utf-8", errors="replace")
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True, errors="replace", bufsize=1)
        self.pid = self.proc.pid
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            now = time.monotonic()
            self.log.write("%9.3f %s" % (now - self.t0, line))
            with self.cond:
                self.lines.append((now, line))
                self.cond.notify_all()
        with self.cond:
            self.lines.append((time.monotonic(), None))
            self.cond.notify_all()

    def wait_for(self, regex, timeout, start=0):
        """Returns (seconds since start, match, index) or None."""
        pattern = re.compile(regex)
        deadline = time.monotonic() + timeout
        i = start
        with self.cond:
            while True:
                while i < len(self.lines):
                    ts, line = self.lines[i]
                    i += 1
                    if line is None:
                        return None
                    m = pattern.search(line)
                    if m:
                        return ts - self.t0, m, i
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def count(self, regex):
        pattern = re.compile(regex)
        with self.cond:
            return sum(1 for _, line in self.lines if line and pattern.search(line))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(10)
        self.log.close()


# The runs -----------------------------------------------------------------

def idle_phase(watched, args, run):
    """Settle, then CPU over the idle window, then the peak RSS."""
    pid = watched.pid
    time.sleep(args.settle)
    if run["tool"] in (HANGAR, HANGAR_GL):
        os.kill(pid, signal.SIGUSR1)
        got = watched.wait_for(r"hangar-bench: stalls over16=(\d+) over50=(\d+) max=([\d.]+) ms",
                               10)
        if got:
            run["over16"] = int(got[1].group(1))
            run["over50"] = int(got[1].group(2))
            run["max_gap_ms"] = float(got[1].group(3))
    c0, w0 = cpu_seconds(pid), time.monotonic()
    time.sleep(args.idle)
    c1, w1 = cpu_seconds(pid), time.monotonic()
    run["idle_cpu_pct"] = 100.0 * (c1 - c0) / (w1 - w0)
    run["peak_rss_mib"] = vm_hwm_kib(pid) / 1024.0
    run["renderer_libs"] = mapped_renderer_libs(pid)


def run_hangar(tool, size, uri, args, env, log_path):
    run = {"tool": tool}
    env = dict(env, HANGAR_BENCH="1", GSETTINGS_BACKEND="memory",
               GSETTINGS_SCHEMA_DIR=os.path.join(args.build, "data"))
    if tool == HANGAR:
        env["GSK_RENDERER"] = "cairo"
    else:
        env.pop("GSK_RENDERER", None)
    argv = [os.path.join(args.build, "src", "hangar"), "--connect", uri]
    # Other connections open beside it, each a group in the sidebar.
    for extra in args.extra_connection:
        argv += ["--connect", extra]
    run["argv"] = argv
    w = Watched(argv, env, log_path)
    try:
        got = w.wait_for(r"hangar-bench: (list-ready uri=%s domains=(\d+)|connect-failed uri=%s.*)"
                         % (re.escape(uri), re.escape(uri)),
                         args.timeout)
        if got is None or got[1].group(1).startswith("connect-failed"):
            run["error"] = got[1].group(1).strip() if got else "no list-ready line"
            return run
        run["list_s"] = got[0]
        run["domains"] = int(got[1].group(2))
        first = w.wait_for(r"hangar-bench: first-row uri=%s" % re.escape(uri), 0)
        run["first_row_s"] = first[0] if first else None
        idle_phase(w, args, run)
    finally:
        w.stop()
    return run


def run_virt_manager(size, uri, args, env, log_path):
    run = {"tool": VIRT_MANAGER}
    env = dict(env, GSETTINGS_BACKEND="memory")
    argv = ["virt-manager", "--debug", "--no-fork", "--connect", uri]
    run["argv"] = argv
    w = Watched(argv, env, log_path)
    try:
        got = w.wait_for(r"conn=%s changed to state=(Active|Disconnected)" % re.escape(uri),
                         args.timeout)
        if got is None or got[1].group(1) != "Active":
            run["error"] = "no Active state" if got is None else "Disconnected"
            return run
        run["list_s"] = got[0]
        # Each domain is logged when it is added to the manager's list.
        run["domains"] = w.count(r"\bdomain=\S+ status=\S+ added")
        idle_phase(w, args, run)
    finally:
        w.stop()
    return run


def run_virsh(size, uri, args, env, log_path):
    argv = ["virsh", "-c", uri, "list", "--all"]
    run = {"tool": VIRSH, "argv": argv}
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    run["list_s"] = time.monotonic() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    with open(log_path, "w") as f:
        f.write(out)
    if proc.returncode != 0:
        run["error"] = "exit %d" % proc.returncode
    rows = [l for l in out.splitlines()[2:] if l.strip()]
    run["domains"] = len(rows)
    run["peak_rss_mib"] = usage.ru_maxrss / 1024.0
    return run


def run_one(tool, size, uri, args, env, log_path):
    if tool in (HANGAR, HANGAR_GL):
        return run_hangar(tool, size, uri, args, env, log_path)
    if tool == VIRT_MANAGER:
        return run_virt_manager(size, uri, args, env, log_path)
    return run_virsh(size, uri, args, env, log_path)


# Set-up ---------------------------------------------------------------------

EVENTS_LINE = re.compile(
    r"hangar-bench: events domains=(\d+) visible=(\d+) changes=(\d+) lost=(\d+) "
    r"label-p50=([\d.-]+) label-p95=([\d.-]+) label-max=([\d.-]+) "
    r"paint-p50=([\d.-]+) paint-p95=([\d.-]+) paint-max=([\d.-]+) ms")
EVENTS_KEYS = ("domains", "visible", "changes", "lost", "label_p50", "label_p95", "label_max",
               "paint_p50", "paint_p95", "paint_max")


def run_events(args, env, log_path):
    """bench-events: state changes made by another client, until each row shows it."""
    argv = [os.path.join(args.build, "bench", "bench-events"),
            str(args.events_domains), str(args.events_changes)]
    env = dict(env, GSK_RENDERER="cairo", GSETTINGS_BACKEND="memory",
               GSETTINGS_SCHEMA_DIR=os.path.join(args.build, "data"))
    run = {"argv": argv, "load": loadavg()}
    with open(log_path, "w") as log_file:
        proc = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=log_file,
                              text=True, timeout=args.timeout)
    match = EVENTS_LINE.search(proc.stdout)
    if match is None:
        run["error"] = "no events line (exit %d)" % proc.returncode
        return run
    for key, value in zip(EVENTS_KEYS, match.groups()):
        run[key] = float(value) if "." in value else int(value)
    return run


def render_events(events):
    out = []
    w = out.append
    w("## Event-to-row latency")
    w("")
    if events is None or "error" in events:
        w("Not measured%s." % (": " + events["error"] if events else ""))
        return "\n".join(out)
    w("`bench/bench-events %d %d` (load before the run: %s): Hangar's window on libvirt's "
      "test driver with %s running domains; another client of the same driver pauses and "
      "resumes the %d domains whose rows are on screen, %s changes one after the other. "
      "Each is timed on the monotonic clock from just before the libvirt call to the "
      "moment the row's state label changed, and to the end of the first frame painted "
      "after that (`GSK_RENDERER=cairo`, Xvfb)." % (
          events["domains"], events["changes"], events["load"],
          format(events["domains"], ","), events["visible"], format(events["changes"], ",")))
    w("")
    w("| changes | rows lost | label p50 (ms) | label p95 (ms) | label max (ms) "
      "| painted p50 (ms) | painted p95 (ms) | painted max (ms) |")
    w("|---|---|---|---|---|---|---|---|")
    w("| %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |" % (
        format(events["changes"], ","), events["lost"], events["label_p50"],
        events["label_p95"], events["label_max"], events["paint_p50"], events["paint_p95"],
        events["paint_max"]))
    w("")
    w("The painted figure includes waiting for the next frame of the window's frame "
      "clock; a change that arrives just after a frame waits for the one after.")
    return "\n".join(out)


def replace_events_section(report, section):
    """The report with its event section replaced, or added at the end."""
    start = report.find("## Event-to-row latency")
    if start < 0:
        return report.rstrip("\n") + "\n\n" + section + "\n"
    end = report.find("\n## ", start + 1)
    rest = report[end + 1:] if end >= 0 else ""
    return report[:start] + section + "\n" + ("\n" + rest if rest else "")


def start_xvfb():
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0",
                             "1280x1024x24", "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        display = f.readline().strip()
    if not display:
        proc.kill()
        sys.exit("Xvfb did not start")
    return proc, ":" + display


def machine_info():
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = f.readline().split()[1]
    return {
        "nproc": command_output(["nproc"]),
        "model": model,
        "memory": "%.1f GiB" % (int(mem) / 1024 / 1024),
        "kernel": platform.release(),
        "load_at_start": loadavg(),
    }


def versions(args):
    hangar_src = "unknown"
    try:
        with open(os.path.join(args.build, "meson-info", "meson-info.json")) as f:
            hangar_src = json.load(f)["directories"]["source"]
    except (OSError, KeyError, ValueError):
        pass
    head = command_output(["git", "-C", hangar_src, "rev-parse", "--short", "HEAD"])
    if "fatal" in head or "unavailable" in head:
        head = "not a git checkout"
    dirty = command_output(["git", "-C", hangar_src, "status", "--porcelain", "--", "src"])
    if "fatal" in dirty or "unavailable" in dirty:
        dirty = ""
    return {
        "Hangar": "%s, built in %s from %s (commit %s%s)" % (
            command_output([os.path.join(args.build, "src", "hangar"), "--version"]),
            args.build, hangar_src, head,
            "; uncommitted changes in " + ", ".join(l[3:] for l in dirty.splitlines())
            if dirty else ""),
        "libvirt": "%s (virsh %s)" % (deb_version("libvirt0"),
                                       command_output(["virsh", "--version"])),
        "GTK 4": deb_version("libgtk-4-1"),
        "libadwaita": deb_version("libadwaita-1-0"),
        "virt-manager": "%s (GTK 3 %s, Python %s)" % (
            deb_version("virt-manager"), deb_version("libgtk-3-0"),
            platform.python_version()),
        "Xvfb": deb_version("xvfb"),
    }


# Report ---------------------------------------------------------------------

def summarize(results, sizes):
    summary = {}
    for size in sizes:
        by_tool = results.get(size, {})
        s = {}
        for tool, runs in by_tool.items():
            ok = [r for r in runs if "error" not in r]
            s[tool] = {
                key: median([r.get(key) for r in ok])
                for key in ("list_s", "first_row_s", "peak_rss_mib", "idle_cpu_pct",
                            "over16", "over50", "max_gap_ms")
            }
            s[tool]["n"] = len(ok)
            s[tool]["errors"] = len(runs) - len(ok)
            s[tool]["worst_over50"] = max((r.get("over50", 0) or 0 for r in ok), default=None)
            s[tool]["worst_gap_ms"] = max((r.get("max_gap_ms", 0) or 0 for r in ok),
                                          default=None)
        # Ratios of runs of the same round, so that each pair shares a load.
        for other in (VIRSH, VIRT_MANAGER):
            pairs = []
            for h, o in zip(by_tool.get(HANGAR, []), by_tool.get(other, [])):
                if "error" not in h and "error" not in o:
                    pairs.append(h["list_s"] / o["list_s"])
            s.setdefault("pairs", {})[other] = pairs
        summary[size] = s
    return summary


def goal_rows(summary):
    rows = []

    def ratio(size, key, other):
        s = summary.get(size, {})
        h = s.get(HANGAR, {}).get(key)
        o = s.get(other, {}).get(key)
        return (h / o) if h is not None and o else None

    def verdict(value, limit):
        if value is None:
            return "not measured"
        return "**met**" if value <= limit else "**not met**"

    if 1000 in summary:
        r = ratio(1000, "list_s", VIRSH)
        rows.append(("1,000 domains: list filled within 1.1× of `virsh list --all`",
                     "%s× (median/median)" % fmt(r), verdict(r, 1.1)))
        r = ratio(1000, "peak_rss_mib", VIRT_MANAGER)
        rows.append(("1,000 domains: peak memory at most ½ of virt-manager's",
                     "%s× of virt-manager" % fmt(r), verdict(r, 0.5)))
        cpu = summary[1000].get(HANGAR, {}).get("idle_cpu_pct")
        rows.append(("1,000 domains: idle CPU under 5 % of a core",
                     "%s %%" % fmt(cpu), verdict(cpu, 4.9999)))
    if 5000 in summary:
        r = ratio(5000, "list_s", VIRSH)
        rows.append(("5,000 domains: list filled within 1.2× of `virsh list --all`",
                     "%s× (median/median)" % fmt(r), verdict(r, 1.2)))
        r = ratio(5000, "peak_rss_mib", VIRT_MANAGER)
        rows.append(("5,000 domains: peak memory at most ⅓ of virt-manager's",
                     "%s× of virt-manager" % fmt(r), verdict(r, 1 / 3)))
    for size in sorted(summary):
        h = summary[size].get(HANGAR)
        if not h or h["n"] == 0:
            continue
        rows.append(("%s domains: no main-loop stall over 50 ms after the window is shown"
                     % format(size, ","),
                     "worst run: %s gaps over 50 ms, longest %s ms" % (
                         h["worst_over50"], fmt(h["worst_gap_ms"], digits=1)),
                     verdict(h["worst_over50"], 0)))
    return rows


def render_report(ctx, results, summary):
    args = ctx["args"]
    out = []
    w = out.append
    w("# Hangar start-up and scale benchmark")
    w("")
    w("Generated by `bench/bench-startup.py` from the run described below; "
      "every figure here was measured by that run, none typed in. "
      "To reproduce (about %d minutes on the machine below):" % round(ctx["duration_s"] / 60))
    w("")
    w("```sh")
    w("meson setup _build-bench && meson compile -C _build-bench")
    w(ctx["command"])
    w("```")
    w("")
    w("The run took %.0f s, from %s to %s (UTC)." % (
        ctx["duration_s"], ctx["started"], ctx["finished"]))
    w("")
    if ctx["loaded"]:
        w("**The runs were made on a shared, loaded machine**: other developers were "
          "compiling and running tests on the same %s cores at the same time "
          "(1-minute load average before the runs: %s to %s). Absolute times are "
          "slower and noisier than on an idle machine; the tools took turns round "
          "by round so that each pair of runs shared the load, and the ratios below "
          "are taken within rounds." % (ctx["machine"]["nproc"], ctx["load_min"],
                                         ctx["load_max"]))
        w("")
    for note in args.note or []:
        w(note)
        w("")

    w("## Goals")
    w("")
    w("| goal | measured | verdict |")
    w("|---|---|---|")
    for goal, measured, verdict in goal_rows(summary):
        w("| %s | %s | %s |" % (goal, measured, verdict))
    w("")

    w("## Medians")
    w("")
    w("Times in seconds from process start; memory is peak resident set (VmHWM) in MiB; "
      "idle CPU in % of one core.")
    w("")
    w("| domains | tool | runs | list filled (s) | first row (s) | peak RSS (MiB) "
      "| idle CPU (%) | gaps > 16 ms | gaps > 50 ms | longest gap (ms) |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    for size in ctx["sizes"]:
        for tool in ctx["tools_order"]:
            s = summary[size].get(tool)
            if not s:
                continue
            w("| %s | %s | %d%s | %s | %s | %s | %s | %s | %s | %s |" % (
                format(size, ","), TOOL_LABELS[tool], s["n"],
                " (%d failed)" % s["errors"] if s["errors"] else "",
                fmt(s["list_s"], digits=3), fmt(s["first_row_s"], digits=3),
                fmt(s["peak_rss_mib"], digits=0), fmt(s["idle_cpu_pct"], digits=2),
                fmt(s["over16"], digits=0), fmt(s["over50"], digits=0),
                fmt(s["max_gap_ms"], digits=1)))
    w("")
    w("Ratios of list-filled time, Hangar (cairo) over the other tool, run by run "
      "within the same round, and the ratio of medians:")
    w("")
    w("| domains | pair | per round | median of pairs | ratio of medians | "
      "peak RSS ratio (medians) |")
    w("|---|---|---|---|---|---|")
    for size in ctx["sizes"]:
        s = summary[size]
        for other in (VIRSH, VIRT_MANAGER):
            pairs = s["pairs"].get(other) or []
            if not pairs or other not in s:
                continue
            h, o = s[HANGAR], s[other]
            w("| %s | Hangar / %s | %s | %s | %s | %s |" % (
                format(size, ","), other, ", ".join("%.2f" % p for p in pairs),
                fmt(median(pairs)), fmt(h["list_s"] / o["list_s"]),
                fmt(h["peak_rss_mib"] / o["peak_rss_mib"])))
    w("")

    w("## Every run")
    w("")
    w("Load is the 1-, 5- and 15-minute load average read just before the run.")
    w("")
    w("| domains | round | tool | load before | list filled (s) | domains listed "
      "| peak RSS (MiB) | idle CPU (%) | gaps > 16 / > 50 ms | longest gap (ms) | note |")
    w("|---|---|---|---|---|---|---|---|---|---|---|")
    for run in ctx["runs"]:
        w("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            format(run["size"], ","), run["round"] + 1, run["tool"], run["load"],
            fmt(run.get("list_s"), digits=3), fmt(run.get("domains")),
            fmt(run.get("peak_rss_mib"), digits=0), fmt(run.get("idle_cpu_pct"), digits=2),
            "%s / %s" % (fmt(run.get("over16")), fmt(run.get("over50")))
            if "over16" in run else "–",
            fmt(run.get("max_gap_ms"), digits=1), run.get("error", "")))
    w("")

    w("## Machine and versions")
    w("")
    m = ctx["machine"]
    w("- CPU: %s, `nproc` = %s; memory %s; kernel %s" % (
        m["model"], m["nproc"], m["memory"], m["kernel"]))
    w("- Load average when the benchmark started: %s" % m["load_at_start"])
    for name, version in ctx["versions"].items():
        w("- %s: %s" % (name, version))
    w("- Display: Xvfb %s, 1280×1024×24, one D-Bus session bus "
      "(`dbus-run-session`) for the whole run" % ctx["display"])
    libs = sorted({lib for run in ctx["runs"] for lib in run.get("renderer_libs", [])
                   if run["tool"] == HANGAR_GL})
    if libs:
        w("- GL libraries mapped by Hangar with GTK's default renderer: %s "
          "(software rendering under Xvfb)" % ", ".join("`%s`" % l for l in libs))
    w("")

    w("## Command lines")
    w("")
    w("Host files: `%s` (N = %s), checked by `virsh list --all` in every virsh run." % (
        " ".join(["python3", "bench/gen-testhost.py", "N", "HOST"]),
        ", ".join(format(s, ",") for s in ctx["sizes"])))
    w("")
    w("```sh")
    seen = set()
    for run in ctx["runs"]:
        if run["tool"] in seen:
            continue
        seen.add(run["tool"])
        prefix = ""
        if run["tool"] == HANGAR:
            prefix = ("HANGAR_BENCH=1 GSK_RENDERER=cairo GSETTINGS_BACKEND=memory "
                      "GSETTINGS_SCHEMA_DIR=%s/data " % args.build)
        elif run["tool"] == HANGAR_GL:
            prefix = ("HANGAR_BENCH=1 GSETTINGS_BACKEND=memory "
                      "GSETTINGS_SCHEMA_DIR=%s/data " % args.build)
        elif run["tool"] == VIRT_MANAGER:
            prefix = "GSETTINGS_BACKEND=memory "
        w(prefix + " ".join(shlex.quote(a) for a in run["argv"]))
    w("```")
    w("")

    w("## Method")
    w("")
    w("- One run of each tool per round; the tools' order rotates from round to round. "
      "Host files are written once, before the first round, so every run reads them "
      "from the page cache.")
    w("- **List filled.** Hangar: from just before the process is spawned to the "
      "moment the script reads `hangar-bench: list-ready uri=… domains=N` on its "
      "stderr. Hangar prints it from a low-priority idle after the connection's "
      "list of N domains is in the list model the window shows. virsh: from spawn "
      "to exit, its output read through a pipe. virt-manager: from spawn to the "
      "moment the script reads its debug line `conn=URI changed to state=Active`; "
      "virt-manager sets that state only after every domain object has been "
      "initialized and its `vm-added` signal has appended the row to the manager's "
      "list (`connection.py`, `_populate_initial_state`), and only then shows its "
      "manager window, so the line marks a filled list (before it is drawn). All "
      "three test-driver connections are opened in-process: each tool parses the "
      "whole host file itself.")
    w("- **Peak memory.** VmHWM from `/proc/PID/status`, read after the idle window, "
      "just before the process is stopped with SIGTERM (the same moment for Hangar and "
      "virt-manager); for virsh `ru_maxrss` from `wait4`.")
    w("- **Main-loop stalls.** With HANGAR_BENCH=1 Hangar runs a 5 ms GLib timeout "
      "from the first map of its window and counts gaps between two ticks over 16 ms "
      "and over 50 ms (`src/hangar-window.c`). %.0f s after list-ready the script "
      "sends SIGUSR1; Hangar prints `hangar-bench: stalls over16=N over50=M max=X ms` "
      "and stops the tick." % args.settle)
    w("- **Idle CPU.** utime+stime of the whole process (all threads) from "
      "`/proc/PID/stat`, over %.0f s starting %.0f s after the list was filled (after "
      "the stall tick has stopped, so it does not count), as a percentage of one core. "
      "The same window is measured for virt-manager, for comparison." % (
          args.idle, args.settle))
    w("- **Renderer.** Xvfb has no GPU: GTK 4's default GL renderer draws there with "
      "Mesa's software rasterizer, which costs CPU and memory a desktop with a GPU "
      "does not pay, while virt-manager (GTK 3) draws with cairo. The goals are "
      "judged on Hangar with `GSK_RENDERER=cairo`; Hangar with GTK's default "
      "renderer is measured too%s so the difference shows." % (
          " at %s domains" % ", ".join(format(s, ",") for s in args.gl_sizes)
          if args.gl_sizes else " only when asked for (`--gl-sizes`)"))
    w("- Medians are over the successful runs; the raw stderr of every run is kept "
      "in the run's log directory (`%s`)." % ctx["logdir"])
    w("")
    return "\n".join(out)


# Main -------------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--smoke", action="store_true",
                   help="10-domain host, one run each, no virt-manager, short idle window")
    p.add_argument("--sizes", default="10,1000,5000",
                   help="host sizes, comma-separated (default: %(default)s)")
    p.add_argument("--runs", default="10=5,1000=5,5000=3",
                   help="rounds per size, SIZE=N,… (default: %(default)s)")
    p.add_argument("--gl-sizes", default="1000",
                   help="sizes at which Hangar also runs with GTK's default renderer "
                        "(default: %(default)s; empty for none)")
    p.add_argument("--gl-runs", type=int, default=3,
                   help="rounds with the default renderer (default: %(default)s)")
    p.add_argument("--no-virt-manager", action="store_true")
    p.add_argument("--extra-connection", action="append", default=[], metavar="URI",
                   help="another connection for Hangar to open beside the host's, listed "
                        "in the sidebar as its own group (repeatable)")
    p.add_argument("--events-only", action="store_true",
                   help="only measure the event-to-row latency, replacing its section "
                        "of the report")
    p.add_argument("--events-domains", type=int, default=1000)
    p.add_argument("--events-changes", type=int, default=1000)
    p.add_argument("--build", default=os.path.join(TOP, "_build-bench"),
                   help="Hangar's build directory (default: %(default)s)")
    p.add_argument("--hosts-dir", help="where to write the host files and logs "
                                       "(default: a new directory in /tmp)")
    p.add_argument("--report", help="Markdown report to write (default: BENCHMARKS.md at "
                                     "the top of the repository, none with --smoke)")
    p.add_argument("--settle", type=float, default=2.0,
                   help="seconds between list filled and the idle window (default: 2)")
    p.add_argument("--idle", type=float, default=10.0,
                   help="length of the idle CPU window in seconds (default: 10)")
    p.add_argument("--timeout", type=float, default=600.0,
                   help="seconds to wait for a list to fill (default: 600)")
    p.add_argument("--note", action="append",
                   help="a paragraph to add to the report (repeatable)")
    p.add_argument("--loaded-threshold", type=float, default=0.25,
                   help="call the machine loaded when a 1-minute load average before "
                        "a run exceeded this many per core (default: %(default)s)")
    args = p.parse_args(argv)

    if args.smoke:
        args.events_domains = 10
        args.events_changes = 100
        args.sizes = "10"
        args.runs = "10=1"
        args.gl_sizes = ""
        args.no_virt_manager = True
        args.idle = 2.0
        args.settle = 1.0
    args.sizes = [int(s) for s in args.sizes.split(",") if s]
    runs = dict((int(k), int(v)) for k, v in
                (item.split("=") for item in args.runs.split(",") if item))
    args.runs = {s: runs.get(s, 1) for s in args.sizes}
    args.gl_sizes = [int(s) for s in args.gl_sizes.split(",") if s]
    args.build = os.path.abspath(args.build)
    if args.report is None and not args.smoke:
        args.report = os.path.join(TOP, "BENCHMARKS.md")
    return args


def main(argv):
    # One session bus for the whole run, as a desktop session would have.
    if os.environ.get("HANGAR_BENCH_SESSION") != "1":
        env = dict(os.environ, HANGAR_BENCH_SESSION="1")
        os.execvpe("dbus-run-session",
                   ["dbus-run-session", "--", sys.executable, os.path.abspath(__file__)]
                   + argv, env)

    args = parse_args(argv)
    if args.events_only:
        return events_only(args)
    hangar = os.path.join(args.build, "src", "hangar")
    if not os.access(hangar, os.X_OK):
        sys.exit("%s is missing: meson setup %s && meson compile -C %s" % (
            hangar, args.build, args.build))
    if not args.no_virt_manager and shutil.which("virt-manager") is None:
        sys.exit("virt-manager is missing: apt-get install virt-manager "
                 "(or pass --no-virt-manager)")

    started_wall = datetime.datetime.now(datetime.timezone.utc)
    started = time.monotonic()
    hosts_dir = args.hosts_dir or tempfile.mkdtemp(prefix="hangar-bench-")
    os.makedirs(hosts_dir, exist_ok=True)
    logdir = os.path.join(hosts_dir, "logs")
    os.makedirs(logdir, exist_ok=True)

    ctx = {
        "args": args,
        "command": "python3 bench/bench-startup.py" + "".join(
            " " + shlex.quote(a) for a in argv),
        "machine": machine_info(),
        "versions": versions(args),
        "sizes": args.sizes,
        "runs": [],
        "logdir": logdir,
    }
    log("hangar-bench-startup: %s" % ctx["command"])
    log("machine: %(model)s, nproc=%(nproc)s, %(memory)s, kernel %(kernel)s, "
        "load %(load_at_start)s" % ctx["machine"])
    for name, version in ctx["versions"].items():
        log("version: %s: %s" % (name, version))

    uris = {}
    for size in args.sizes:
        path = os.path.join(hosts_dir, "host-%d.xml" % size)
        subprocess.run([sys.executable, os.path.join(HERE, "gen-testhost.py"),
                        str(size), path], check=True)
        uris[size] = "test://" + path
        log("host: %s (%d domains, %.1f MB)" % (uris[size], size,
                                                 os.path.getsize(path) / 1e6))

    xvfb, display = start_xvfb()
    ctx["display"] = display
    env = dict(os.environ, DISPLAY=display)
    env.pop("WAYLAND_DISPLAY", None)
    log("display: Xvfb %s (pid %d)" % (display, xvfb.pid))

    results = {}
    try:
        for size in args.sizes:
            tools = [HANGAR, VIRSH] + ([] if args.no_virt_manager else [VIRT_MANAGER])
            if size in args.gl_sizes:
                tools.append(HANGAR_GL)
            results[size] = {t: [] for t in tools}
            for rnd in range(args.runs[size]):
                order = tools[rnd % len(tools):] + tools[:rnd % len(tools)]
                for tool in order:
                    if tool == HANGAR_GL and rnd >= args.gl_runs:
                        continue
                    load = loadavg()
                    log_path = os.path.join(logdir, "%d-%d-%s.log" % (size, rnd + 1, tool))
                    run = run_one(tool, size, uris[size], args, env, log_path)
                    run.update(size=size, round=rnd, load=load)
                    if "error" not in run and run.get("domains") != size:
                        run["error"] = "listed %s of %d domains" % (run.get("domains"), size)
                    results[size][tool].append(run)
                    ctx["runs"].append(run)
                    log("run: size=%d round=%d tool=%s load=[%s] list=%ss domains=%s "
                        "peak=%sMiB idle_cpu=%s%% stalls=%s/%s max_gap=%sms%s" % (
                            size, rnd + 1, tool, load, fmt(run.get("list_s"), digits=3),
                            run.get("domains"), fmt(run.get("peak_rss_mib"), digits=0),
                            fmt(run.get("idle_cpu_pct")), fmt(run.get("over16")),
                            fmt(run.get("over50")), fmt(run.get("max_gap_ms"), digits=1),
                            " error=" + run["error"] if "error" in run else ""))
        events = run_events(args, env, os.path.join(logdir, "events.log"))
        log("events: %s" % events)
    finally:
        xvfb.terminate()
        xvfb.wait()

    ctx["tools_order"] = [HANGAR, HANGAR_GL, VIRSH, VIRT_MANAGER]
    ctx["duration_s"] = time.monotonic() - started
    ctx["started"] = started_wall.strftime("%Y-%m-%d %H:%M:%S")
    ctx["finished"] = datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%d %H:%M:%S")
    loads = [float(r["load"].split()[0]) for r in ctx["runs"]]
    ctx["load_min"], ctx["load_max"] = min(loads), max(loads)
    nproc = int(ctx["machine"]["nproc"]) if ctx["machine"]["nproc"].isdigit() else 1
    ctx["loaded"] = max(loads) > args.loaded_threshold * nproc

    summary = summarize(results, args.sizes)
    report = render_report(ctx, results, summary) + "\n" + render_events(events) + "\n"
    log("")
    log(report)
    if args.report:
        with open(args.report, "w", encoding="utf-8") as f:
            f.write(report)
        log("report written to %s" % args.report)
    log("hangar-bench-startup: finished in %.0f s" % ctx["duration_s"])
    return 0


def events_only(args):
    logdir = tempfile.mkdtemp(prefix="hangar-bench-events-")
    xvfb, display = start_xvfb()
    env = dict(os.environ, DISPLAY=display)
    env.pop("WAYLAND_DISPLAY", None)
    try:
        events = run_events(args, env, os.path.join(logdir, "events.log"))
    finally:
        xvfb.terminate()
        xvfb.wait()
    section = render_events(events)
    log(section)
    if args.report and os.path.exists(args.report):
        with open(args.report, encoding="utf-8") as f:
            report = f.read()
        with open(args.report, "w", encoding="utf-8") as f:
            f.write(replace_events_section(report, section))
        log("section written to %s" % args.report)
    return 0 if "error" not in events else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
