#!/bin/sh
# build-agent-guest.sh OUT - a Debian 12 guest with the SPICE agent, for
# the console's agent tests (guest resize, clipboard): debootstrap's
# minimal system with Xorg (qxl), spice-vdagent and xclip, packed as an
# initramfs booted with Debian's kernel.  Needs root, debootstrap and the
# Debian archive; takes minutes, so it is not part of CI.
set -eu
OUT=$1
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$OUT/root
PACKAGES=spice-vdagent,xserver-xorg-core,xserver-xorg-video-qxl,xserver-xorg-input-libinput
PACKAGES=$PACKAGES,x11-xserver-utils,xclip,xauth,busybox,kmod,udev,linux-image-amd64
mkdir -p "$OUT"
if [ ! -x "$ROOT/usr/bin/spice-vdagent" ]; then
  debootstrap --variant=minbase --include=$PACKAGES bookworm "$ROOT" \
    "${HANGAR_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
fi
cp "$ROOT"/boot/vmlinuz-* "$OUT/vmlinuz"
install -m 755 "$HERE/agent-init.sh" "$ROOT/init"
# The kernel modules the guest loads, not the whole tree; no 3D drivers
# (the qxl X driver draws without them).
KVER=$(ls "$ROOT/lib/modules")
( cd "$ROOT/lib/modules/$KVER/kernel" &&
  find . -name '*.ko' ! -path './drivers/gpu/*' ! -path './drivers/virtio/*' \
    ! -path './drivers/char/*' ! -path './drivers/input/*' ! -path './drivers/hid/*' \
    ! -path './drivers/usb/*' ! -path './drivers/video/*' ! -path './drivers/dma-buf/*' \
    ! -path './drivers/i2c/*' -delete )
chroot "$ROOT" depmod "$KVER"
( cd "$ROOT" && find . -path ./boot -prune -o -path ./usr/share/doc -prune \
    -o -path ./usr/share/man -prune -o -path ./usr/share/locale -prune \
    -o -path ./var/cache/apt -prune -o -path ./var/lib/apt/lists -prune \
    -o -path ./usr/share/icons -prune -o -path ./usr/lib/firmware -prune \
    -o -path ./lib/firmware -prune -o -path ./usr/lib/x86_64-linux-gnu/dri -prune \
    -o -name 'libLLVM*' -prune -o -print |
  cpio -o -H newc --quiet | gzip -1 > "$OUT/initramfs.cpio.gz" )
ls -l "$OUT/vmlinuz" "$OUT/initramfs.cpio.gz"
