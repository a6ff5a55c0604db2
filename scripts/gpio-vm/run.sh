#!/usr/bin/env bash
# `npm run test:gpio`: runs the GPIO tests (gateway/rooms/devices/*.vm.test.ts) against a real Linux
# GPIO character device. This machine's kernel has no GPIO, so the tests run in a qemu VM
# (software emulation) booting Debian's kernel with gpio-sim built out of tree, a busybox
# initramfs, and the host filesystem shared read-only over 9p; node runs chrooted into it.
# Artifacts are cached in .cache/gpio-vm/ (~31 s the first time, then a few seconds to boot).
# Every cache entry is built under a temporary name, checked, and renamed into place only when
# complete, and checked again before use: a failed or interrupted build leaves nothing a later
# run trusts. Needs root; installs its Debian packages if missing.
# Exit status is the tests' exit status; a VM whose modules or gpio-sim chip fail exits non-zero.
set -euo pipefail
SELF=$(realpath "$0")
cd "$(dirname "$SELF")/../.."
ROOT=$PWD
CACHE=$ROOT/.cache/gpio-vm
# Every *.vm.test.ts in the tree by default: a list written out here went stale when files moved.
TESTS=${*:-$(find gateway -name '*.vm.test.ts' | sort | tr '\n' ' ')}
[ -n "$TESTS" ] || { echo "gpio-vm: no *.vm.test.ts file found"; exit 1; }
mkdir -p "$CACHE"

# qemu boots the VM; busybox-static is its userland; gpiod and python3-libgpiod (the output
# holder, devices/transport/gpio-holder.py) are what the tests call; the module is
# built with make/gcc against linux-headers from linux-source; xz unpacks the source, cpio and
# gzip pack the initramfs.
VM_PACKAGES=(qemu-system-x86 busybox-static gpiod python3-libgpiod linux-headers-amd64 linux-source-6.1 make gcc cpio gzip xz-utils coreutils)
bash scripts/lib/apt-ensure.sh "${VM_PACKAGES[@]}"

# The newest installed headers; the kernel image of the same version comes from the archive. If
# the archive has moved past the installed headers, upgrade them and use the new version.
headers() { ls -d /usr/src/linux-headers-*-amd64 | sort -V | tail -1; }
HDR=$(headers)
KVER=${HDR#/usr/src/linux-headers-}

# 1. Debian's kernel image matching the headers.
KIMG=$CACHE/kimg-$KVER
if [ ! -s "$KIMG/boot/vmlinuz-$KVER" ] || [ ! -d "$KIMG/lib/modules/$KVER/kernel" ]; then
  rm -rf "$KIMG" "$CACHE"/kimg-tmp.* "$CACHE"/kimg
  TMP=$(mktemp -d "$CACHE/kimg-tmp.XXXXXX")
  if ! (cd "$TMP" && apt-get download "linux-image-$KVER"); then
    echo "gpio-vm: linux-image-$KVER is not in the archive; upgrading linux-headers-amd64"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends linux-headers-amd64 >/dev/null
    HDR=$(headers); KVER=${HDR#/usr/src/linux-headers-}; KIMG=$CACHE/kimg-$KVER
    (cd "$TMP" && apt-get download "linux-image-$KVER")
  fi
  dpkg-deb -x "$TMP"/linux-image-"$KVER"_*.deb "$TMP/tree"
  [ -s "$TMP/tree/boot/vmlinuz-$KVER" ] || { echo "gpio-vm: linux-image-$KVER has no vmlinuz"; exit 1; }
  mv "$TMP/tree" "$KIMG" && rm -rf "$TMP"
fi

# 2. gpio-sim (+ the irq simulator it needs, which Debian does not build) as one module.
MOD=$CACHE/mod/$KVER/gpio-sim-oot.ko
valid_module() { [ -s "$1" ] && [ "$(od -An -c -N4 "$1" | tr -d ' ')" = '177ELF' ]; }
if ! valid_module "$MOD"; then
  mkdir -p "$CACHE/mod"
  rm -rf "$CACHE/mod/$KVER" "$CACHE"/mod/build.*
  B=$(mktemp -d "$CACHE/mod/build.XXXXXX")
  tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$B" --strip-components=1 --wildcards '*/drivers/gpio/gpio-sim.c' '*/drivers/gpio/gpiolib.h' '*/kernel/irq/irq_sim.c'
  cp "$B"/drivers/gpio/gpio-sim.c "$B"/drivers/gpio/gpiolib.h "$B"/kernel/irq/irq_sim.c "$B"/
  # irq_to_desc is not exported to modules; generic_handle_irq runs the same flow handler.
  sed -i 's/handle_simple_irq(irq_to_desc(irqnum));/generic_handle_irq(irqnum);/' "$B/irq_sim.c"
  grep -q 'generic_handle_irq(irqnum);' "$B/irq_sim.c" || { echo "gpio-vm: irq_sim.c did not take the patch"; exit 1; }
  printf 'obj-m := gpio-sim-oot.o\ngpio-sim-oot-y := gpio-sim.o irq_sim.o\n' > "$B/Kbuild"
  make -s -C "$HDR" M="$B" modules >/dev/null
  valid_module "$B/gpio-sim-oot.ko" || { echo "gpio-vm: the gpio-sim module did not build"; exit 1; }
  mv "$B" "$CACHE/mod/$KVER"
fi

# 3. busybox initramfs: load virtio/9p/configfs/gpio-sim, create a chip, chroot into the host.
# Any failed module load or a missing chip ends the VM with a non-zero status of its own.
INITRD=$CACHE/initramfs-$KVER.cpio.gz
MODS="drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci_legacy_dev
  drivers/virtio/virtio_pci fs/netfs/netfs fs/fscache/fscache net/9p/9pnet net/9p/9pnet_virtio fs/9p/9p fs/configfs/configfs"
valid_initrd() { [ -s "$1" ] && gzip -t "$1" 2>/dev/null && gzip -dc "$1" | cpio -t --quiet 2>/dev/null | grep -q 'mods/gpio-sim-oot.ko$'; }
if ! valid_initrd "$INITRD" || [ "$SELF" -nt "$INITRD" ] || [ "$MOD" -nt "$INITRD" ]; then
  rm -rf "$CACHE/initramfs" "$CACHE"/initramfs.tmp.* "$INITRD"
  D=$(mktemp -d "$CACHE/initramfs.tmp.XXXXXX")
  mkdir -p "$D"/{bin,proc,sys,dev,host,mods}
  cp /bin/busybox "$D/bin/busybox"
  for m in $MODS; do cp "$KIMG/lib/modules/$KVER/kernel/$m.ko" "$D/mods/"; done
  cp "$MOD" "$D/mods/"
  cat > "$D/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
die() { echo "gpio-vm: $1"; echo "GPIO-VM-EXIT=97"; poweroff -f; }
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p configfs gpio-sim-oot; do
  insmod /mods/$m.ko || die "insmod $m failed"
done
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro host /host || die "the host filesystem did not mount"
mount -t configfs none /sys/kernel/config || die "configfs did not mount"
G=/sys/kernel/config/gpio-sim/sharpeyes
mkdir -p $G/bank0 && echo 8 > $G/bank0/num_lines && echo 1 > $G/live || die "gpio-sim refused the chip"
CHIP=$(cat $G/bank0/chip_name)
DEV=$(cat $G/dev_name)
[ -n "$CHIP" ] && [ -c /dev/$CHIP ] || die "no gpio-sim chip appeared"
# The writable scratch space goes on /mnt, not /tmp: the checkout itself may live under /tmp.
mount --bind /dev /host/dev; mount -t proc proc /host/proc; mount --bind /sys /host/sys; mount -t tmpfs tmp /host/mnt
CMD=$(cat /proc/cmdline | sed -n 's/.*sharpeyes_cmd=\([^ ]*\).*/\1/p' | sed 's/%20/ /g')
echo "gpio-vm: chip $CHIP ($DEV), running: $CMD"
# GPIO_REQUIRED: the tests fail, rather than skip, if they cannot see the chip.
chroot /host /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/mnt TMPDIR=/mnt GPIO_REQUIRED=1 GPIO_CHIP=$CHIP GPIO_SIM_SYSFS=/sys/devices/platform/$DEV/$CHIP /bin/sh -c "cd $(cat /proc/cmdline | sed -n 's/.*sharpeyes_dir=\([^ ]*\).*/\1/p') && $CMD"
echo "GPIO-VM-EXIT=$?"
poweroff -f
INIT
  chmod +x "$D/init"
  (cd "$D" && find . | cpio -o -H newc --quiet | gzip -1 > "$INITRD.tmp")
  valid_initrd "$INITRD.tmp" || { rm -f "$INITRD.tmp"; echo "gpio-vm: the initramfs did not build"; exit 1; }
  mv "$INITRD.tmp" "$INITRD" && rm -rf "$D"
fi

# 4. Boot (software emulation: /dev/kvm exists here but is unusable) and run the tests.
# no_timer_check: on a busy host the emulated CPU is too slow for the kernel's IO-APIC timer
# check, which then panics ("IO-APIC + timer doesn't work").
CMD="${GPIO_VM_CMD:-node_modules/.bin/vitest run --configLoader runner --no-file-parallelism $TESTS}"
LOG=$CACHE/last-run.log
boot() {
  timeout "${GPIO_VM_TIMEOUT_S:-1800}" qemu-system-x86_64 -m 3072 -smp 2 -nographic -no-reboot \
    -kernel "$KIMG/boot/vmlinuz-$KVER" -initrd "$INITRD" \
    -append "console=ttyS0 quiet panic=-1 no_timer_check sharpeyes_dir=$ROOT sharpeyes_cmd=${CMD// /%20}" \
    -virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap 2>&1 | tee "$LOG"
  code=$(sed -n 's/.*GPIO-VM-EXIT=\([0-9]*\).*/\1/p' "$LOG" | tail -1)
}
boot
# 132: the test runner died of SIGILL. Under software emulation node has (rarely, once in about
# ten boots here) hit an illegal instruction that the same code never hits on a real CPU: the
# emulator's fault, not a test's. One more boot, said out loud; a second SIGILL fails.
if [ "$code" = 132 ]; then
  echo "gpio-vm: the test runner died of SIGILL in the emulated CPU; booting once more"
  boot
fi
[ -n "$code" ] || { echo "gpio-vm: the VM did not report an exit status (see $LOG)"; exit 1; }
exit "$code"
