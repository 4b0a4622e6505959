#!/usr/bin/python3
# bench-console.py - what a console costs the client, against remote-viewer
#
#   bench/bench-console.py [--builddir _build] [--seconds 10] [--smoke]
#
# The shared test guest (../shared/guest) runs under libvirt's embedded QEMU
# driver with a qxl card, at 1024x768 and 1920x1080, in two ways: repainting
# its whole screen continuously (hangar.anim=1: two random frames alternated)
# and repainting one band of 16 scanlines (written through its serial shell).
# Each is shown, one client at a time and 1:1, by Hangar's console window
# (hangar --console, with GSK_RENDERER=gl and =cairo) and by remote-viewer
# (Debian's virt-viewer, GTK 3), under one Xvfb.
#
# Frames shown are counted the same way for every client: the damage events
# on its X window (bench/damage-count.c).  Client CPU time is the process's
# user + system time over the same seconds.  Ratios are within this run.
# --smoke measures one short case with Hangar only, to check the bench runs.
#
# Needs: Xvfb, xdotool, virsh (libvirt-clients), remote-viewer (apt-get
# install virt-viewer; not needed by Hangar itself), a build with
# bench/damage-count and the test guest (ninja -C _build tests/vmlinux-amd64).

import argparse
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get('HANGAR_SHARED_DIR', os.path.join(TOP, '..', 'shared'))
NAME = 'bench'
PORT = 5931


def log(text):
    print(text, file=sys.stderr, flush=True)


def run(argv, **kwargs):
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kwargs).stdout


def version(package):
    try:
        return run(['dpkg-query', '-W', '-f=${Version}', package])
    except (subprocess.CalledProcessError, FileNotFoundError):
        return 'not installed'


def cpu_seconds(pid):
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def loadavg():
    with open('/proc/loadavg') as f:
        return ' '.join(f.read().split()[:3])


class Xvfb:
    def __init__(self, size):
        r, w = os.pipe()
        self.proc = subprocess.Popen(['Xvfb', '-displayfd', str(w), '-screen', '0', size,
                                      '-nolisten', 'tcp'], pass_fds=[w],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(w)
        number = b''
        while not number.endswith(b'\n'):
            chunk = os.read(r, 16)
            if not chunk:
                raise RuntimeError('Xvfb did not start')
            number += chunk
        os.close(r)
        self.display = ':' + number.decode().strip()

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


class Guest:
    """The test guest in an embedded root, started by virsh, which exits and
    leaves QEMU running for the clients."""

    def __init__(self, builddir, root, width, height, mode):
        self.root = root
        self.uri = f'qemu:///embed?root={root}'
        self.mode = mode
        kernel = os.path.join(builddir, 'tests', 'guest', 'out', 'vmlinux-amd64')
        env = dict(os.environ, HANGAR_GUEST_DIR=os.path.join(builddir, 'tests', 'guest'))
        anim = '1' if mode == 'full' else '0'
        xml = run(['sh', os.path.join(SHARED, 'guest', 'mkdomain.sh'), '-t', 'qemu', '-v', 'qxl',
                   '-k', kernel, '-n', NAME, '-s', '-a', anim,
                   '-x', f'video={width}x{height}'], env=env)
        self.serial_path = os.path.join(root, 'serial')
        xml = xml.replace("<serial type='pty'><target port='0'/></serial>",
                          f"<serial type='unix'><source mode='bind' path='{self.serial_path}'/>"
                          "<target port='0'/></serial>")
        xml = xml.replace("<console type='pty'><target type='serial' port='0'/></console>", '')
        xml = xml.replace("<graphics type='spice' autoport='yes'>",
                          f"<graphics type='spice' port='{PORT}' autoport='no'>")
        path = os.path.join(root, 'bench.xml')
        with open(path, 'w') as f:
            f.write(xml)
        run(['virsh', '-q', '-c', self.uri, 'define', path])
        run(['virsh', '-q', '-c', self.uri, 'start', NAME])
        self.serial = socket.socket(socket.AF_UNIX)
        for _ in range(100):
            try:
                self.serial.connect(self.serial_path)
                break
            except OSError:
                time.sleep(0.1)
        self.serial.settimeout(0.5)
        self.log = b''
        self.wait_for(b'hangar test guest', 180)
        if mode == 'small':
            # Two random bands of 16 scanlines, written in turn at the same
            # place: one small region changes, the rest of the screen stays.
            self.send('S=$(cat /sys/class/graphics/fb0/stride); B=$((S*16)); '
                      'dd if=/dev/urandom of=/tmp/b0 bs=$B count=1 2>/dev/null; '
                      'dd if=/dev/urandom of=/tmp/b1 bs=$B count=1 2>/dev/null; '
                      'while :; do for b in 0 1; do '
                      'dd if=/tmp/b$b of=/dev/fb0 bs=$B seek=20 count=1 2>/dev/null; '
                      'done; done & echo band-$((40+2))\n')
            self.wait_for(b'band-42', 60)
        else:
            self.wait_for(b'frames/s written', 180)

    def send(self, text):
        self.serial.sendall(text.encode())

    def read(self):
        try:
            while True:
                chunk = self.serial.recv(65536)
                if not chunk:
                    break
                self.log += chunk
        except (socket.timeout, BlockingIOError):
            pass

    def wait_for(self, needle, seconds):
        deadline = time.monotonic() + seconds
        while needle not in self.log:
            if time.monotonic() > deadline:
                raise RuntimeError(f'the guest did not print {needle!r}')
            self.read()

    def written_fps(self):
        """What the guest reported writing lately (full-screen mode)."""
        self.read()
        found = re.findall(rb'(\d+\.\d) frames/s written', self.log)
        return float(found[-1]) if found else None

    def stop(self):
        self.serial.close()
        subprocess.run(['virsh', '-q', '-c', self.uri, 'destroy', NAME], capture_output=True)
        subprocess.run(['virsh', '-q', '-c', self.uri, 'undefine', NAME], capture_output=True)


def find_window(pid, name, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        out = subprocess.run(['xdotool', 'search', '--onlyvisible', '--pid', str(pid)],
                             capture_output=True, text=True).stdout.split()
        out += subprocess.run(['xdotool', 'search', '--onlyvisible', '--name', name],
                              capture_output=True, text=True).stdout.split()
        best = None
        for wid in out:
            geometry = subprocess.run(['xdotool', 'getwindowgeometry', wid],
                                      capture_output=True, text=True).stdout
            m = re.search(r'Geometry: (\d+)x(\d+)', geometry)
            if m:
                area = int(m.group(1)) * int(m.group(2))
                if best is None or area > best[1]:
                    best = (wid, area, f'{m.group(1)}x{m.group(2)}')
        if best is not None and best[1] > 200 * 200:
            return best[0], best[2]
        time.sleep(0.3)
    raise RuntimeError(f'no window for process {pid}')


def measure(label, argv, env, args, shot_dir, name, case):
    log(f'  {label}: {" ".join(argv)}')
    errors = tempfile.TemporaryFile()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    try:
        try:
            wid, geometry = find_window(proc.pid, name)
        except RuntimeError:
            errors.seek(0)
            log(errors.read().decode(errors='replace')[-2000:])
            raise
        # Connected, sized, and past the first full frames.
        time.sleep(args.warmup)
        shot = os.path.join(shot_dir, f'{case}-{label.replace(" ", "-")}.png')
        subprocess.run(['import', '-window', 'root', shot], capture_output=True)
        cpu0 = cpu_seconds(proc.pid)
        out = run([args.damage_count, wid, str(args.seconds)])
        cpu1 = cpu_seconds(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    m = re.search(r'frames=(\d+) seconds=([\d.]+)', out)
    frames, seconds = int(m.group(1)), float(m.group(2))
    cpu = cpu1 - cpu0
    return {
        'label': label,
        'window': geometry,
        'fps': frames / seconds,
        'cpu_per_frame_ms': 1000 * cpu / frames if frames else float('nan'),
        'cpu_percent': 100 * cpu / seconds,
        'frames': frames,
        'shot': shot,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--builddir', default=os.path.join(TOP, '_build'))
    parser.add_argument('--seconds', type=float, default=10)
    parser.add_argument('--warmup', type=float, default=5)
    parser.add_argument('--smoke', action='store_true')
    parser.add_argument('--sizes', default='1024x768,1920x1080',
                        help='the guest screens to measure, comma-separated')
    parser.add_argument('--damage-count', help='the frame counter (default: in the build)')
    args = parser.parse_args()

    if 'DBUS_SESSION_BUS_ADDRESS' not in os.environ:
        os.execvp('dbus-run-session', ['dbus-run-session', '--', sys.executable] + sys.argv)

    if args.damage_count is None:
        args.damage_count = os.path.join(args.builddir, 'bench', 'damage-count')
    hangar = os.path.join(args.builddir, 'src', 'hangar')
    for path in (args.damage_count, hangar):
        if not os.path.exists(path):
            sys.exit(f'{path} is missing: build first (meson compile -C {args.builddir})')
    subprocess.run(['ninja', '-C', args.builddir, 'tests/vmlinux-amd64'], check=True,
                   capture_output=True)
    remote_viewer = shutil.which('remote-viewer')
    if remote_viewer is None and not args.smoke:
        sys.exit('remote-viewer is missing: apt-get install virt-viewer (for the bench only)')

    if args.smoke:
        args.seconds, args.warmup = 3, 4
        cases = [(1024, 768, 'full')]
    else:
        sizes = [tuple(int(n) for n in size.split('x')) for size in args.sizes.split(',')]
        cases = [(w, h, mode) for (w, h) in sizes for mode in ('full', 'small')]

    xvfb = Xvfb('2560x1600x24')
    # The counter, xdotool and import look at the same screen as the clients.
    os.environ['DISPLAY'] = xvfb.display
    shot_dir = tempfile.mkdtemp(prefix='bench-console-shots-')
    results = []
    load_before = loadavg()
    try:
        for width, height, mode in cases:
            root = tempfile.mkdtemp(prefix='hg-b', dir='/tmp')
            os.makedirs(os.path.join(root, 'etc'))
            with open(os.path.join(root, 'etc', 'qemu.conf'), 'w') as f:
                f.write('stdio_handler = "file"\n')
                if os.getuid() == 0:
                    f.write('user = "root"\ngroup = "root"\n')
            log(f'{width}x{height}, {mode}: booting the guest')
            guest = Guest(args.builddir, root, width, height, mode)
            try:
                env = dict(os.environ, DISPLAY=xvfb.display, GSETTINGS_BACKEND='memory',
                           GSETTINGS_SCHEMA_DIR=os.path.join(args.builddir, 'data'),
                           NO_AT_BRIDGE='1')
                clients = [('hangar gl', [hangar, '--connect', guest.uri, '--console', NAME],
                            dict(env, GSK_RENDERER='gl')),
                           ('hangar cairo', [hangar, '--connect', guest.uri, '--console', NAME],
                            dict(env, GSK_RENDERER='cairo'))]
                if args.smoke:
                    clients = clients[:1]
                elif remote_viewer is not None:
                    clients.append(('remote-viewer', [remote_viewer, '--zoom=100',
                                                      f'spice://127.0.0.1:{PORT}'], env))
                for label, argv, client_env in clients:
                    result = measure(label, argv, client_env, args, shot_dir,
                                     'Remote Viewer' if label == 'remote-viewer'
                                     else f'^{NAME} — Console$',
                                     f'{width}x{height}-{mode}')
                    result.update(size=f'{width}x{height}', mode=mode,
                                  written=guest.written_fps() if mode == 'full' else None,
                                  command=' '.join(argv), env=client_env.get('GSK_RENDERER'))
                    results.append(result)
                    log(f'    {result["fps"]:.1f} frames/s, '
                        f'{result["cpu_per_frame_ms"]:.2f} ms CPU/frame')
            finally:
                guest.stop()
                shutil.rmtree(root, ignore_errors=True)
    finally:
        xvfb.stop()

    cpu = platform.processor() or ''
    with open('/proc/cpuinfo') as f:
        m = re.search(r'model name\s*:\s*(.*)', f.read())
        cpu = m.group(1) if m else cpu
    print('# bench-console: client cost of a console, Hangar against remote-viewer')
    print(f'machine: {platform.node()}, {os.cpu_count()} CPUs, {cpu}, '
          f'{os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20} MiB')
    print(f'kernel: {platform.release()}; load before {load_before}, after {loadavg()}')
    print('versions: ' + ', '.join(f'{p} {version(p)}' for p in
                                   ('libgtk-4-1', 'libspice-client-glib-2.0-8',
                                    'virt-viewer', 'libgtk-3-0', 'qemu-system-x86',
                                    'libvirt0', 'libgl1-mesa-dri')))
    print(f'guest: the shared test guest, qxl, TCG; {args.seconds:g} s per measure after '
          f'{args.warmup:g} s; frames = X damage events on the client window')
    print('commands:')
    for r in results:
        if r['size'] == results[0]['size'] and r['mode'] == results[0]['mode']:
            renderer = f'GSK_RENDERER={r["env"]} ' if r['env'] else ''
            print(f'  {renderer}{r["command"]}')
    print()
    print(f'{"screen":>10} {"repaint":>7} {"client":>14} {"window":>10} {"frames/s":>9} '
          f'{"CPU ms/frame":>13} {"CPU %":>6} {"guest wrote/s":>14}')
    for r in results:
        written = f'{r["written"]:.1f}' if r['written'] is not None else '-'
        print(f'{r["size"]:>10} {r["mode"]:>7} {r["label"]:>14} {r["window"]:>10} '
              f'{r["fps"]:>9.1f} {r["cpu_per_frame_ms"]:>13.2f} {r["cpu_percent"]:>6.1f} '
              f'{written:>14}')
    print()
    for size in sorted({r['size'] for r in results}):
        for mode in ('full', 'small'):
            row = {r['label']: r for r in results if r['size'] == size and r['mode'] == mode}
            reference = row.get('remote-viewer')
            if reference is None:
                continue
            for label in ('hangar gl', 'hangar cairo'):
                if label in row and reference['fps'] > 0:
                    print(f'{size} {mode}: {label} / remote-viewer: '
                          f'frames/s x{row[label]["fps"] / reference["fps"]:.2f}, '
                          f'CPU per frame x{row[label]["cpu_per_frame_ms"] / reference["cpu_per_frame_ms"]:.2f}')
    print(f'screenshots of each client: {shot_dir}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
