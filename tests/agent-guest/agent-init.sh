#!/bin/sh
# /init of the agent test guest: a Debian system from debootstrap, in an
# initramfs, running Xorg on the qxl card with the SPICE agent, and a
# shell on the serial port for the test to drive it.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
echo 1 > /proc/sys/kernel/printk
for m in virtio_pci virtio_console qxl usbhid hid_generic evdev uhci_hcd ehci_pci; do
  modprobe "$m" 2>/dev/null
done
/lib/systemd/systemd-udevd --daemon
udevadm trigger --action=add
udevadm settle --timeout=60
mkdir -p /run/spice-vdagentd /tmp/.X11-unix
chmod 1777 /tmp/.X11-unix
spice-vdagentd -X >/tmp/vdagentd.log 2>&1
Xorg :0 vt1 -nolisten tcp -noreset >/tmp/xorg.log 2>&1 &
i=0
while [ ! -e /tmp/.X11-unix/X0 ] && [ $i -lt 600 ]; do sleep 0.5; i=$((i+1)); done
DISPLAY=:0 spice-vdagent -x >/tmp/vdagent.log 2>&1 &
echo "hangar agent guest ready" >/dev/ttyS0
while :; do
  setsid sh -c 'exec sh </dev/ttyS0 >/dev/ttyS0 2>&1'
done
