#!/usr/bin/env bash
# `npm run test:gpio`: runs the GPIO tests (gateway/devices/gpio.vm.test.ts) against a real Linux
# GPIO character device. This machine's kernel has no GPIO, so the tests run in a qemu VM
# (software emulation) booting Debian's kernel with gpio-sim built out of tree, a busybox
# initramfs, and the host filesystem shared read-only over 9p; node runs chrooted into it.
# Artifacts are cached in .cache/gpio-vm/ (~31 s the first time, then a few seconds to boot).
# Needs root and Debian packages: qemu-system-x86 busybox-static gpiod linux-headers-amd64
# linux-source-6.1 (installed here if missing). Exit status is the tests' exit status.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
CACHE=$ROOT/.cache/gpio-vm
TESTS=${*:-gateway/devices/gpio.vm.test.ts}
mkdir -p "$CACHE"

pkgs=(qemu-system-x86 busybox-static gpiod linux-headers-amd64 linux-source-6.1)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  echo "gpio-vm: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

HDR=$(ls -d /usr/src/linux-headers-*-amd64 | sort -V | tail -1)
KVER=${HDR#/usr/src/linux-headers-}

# 1. Debian's kernel image matching the headers.
if [ ! -f "$CACHE/kimg/boot/vmlinuz-$KVER" ]; then
  (cd "$CACHE" && rm -rf kimg ./*.deb && apt-get download "linux-image-$KVER" 2>/dev/null && dpkg-deb -x linux-image-"$KVER"_*.deb kimg && rm -f ./*.deb)
fi

# 2. gpio-sim (+ the irq simulator it needs, which Debian does not build) as one module.
if [ ! -f "$CACHE/mod/$KVER/gpio-sim-oot.ko" ]; then
  mkdir -p "$CACHE/mod/$KVER" && cd "$CACHE/mod/$KVER"
  tar -xJf /usr/src/linux-source-6.1.tar.xz --strip-components=1 --wildcards '*/drivers/gpio/gpio-sim.c' '*/drivers/gpio/gpiolib.h' '*/kernel/irq/irq_sim.c'
  cp drivers/gpio/gpio-sim.c drivers/gpio/gpiolib.h kernel/irq/irq_sim.c .
  # irq_to_desc is not exported to modules; generic_handle_irq runs the same flow handler.
  sed -i 's/handle_simple_irq(irq_to_desc(irqnum));/generic_handle_irq(irqnum);/' irq_sim.c
  printf 'obj-m := gpio-sim-oot.o\ngpio-sim-oot-y := gpio-sim.o irq_sim.o\n' > Kbuild
  make -s -C "$HDR" M="$PWD" modules >/dev/null
  cd "$ROOT"
fi

# 3. busybox initramfs: load virtio/9p/configfs/gpio-sim, create a chip, chroot into the host.
INITRD=$CACHE/initramfs-$KVER.cpio.gz
if [ ! -f "$INITRD" ] || [ "$0" -nt "$INITRD" ]; then
  D=$CACHE/initramfs && rm -rf "$D" && mkdir -p "$D"/{bin,proc,sys,dev,host,mods}
  cp /bin/busybox "$D/bin/busybox"
  M=$CACHE/kimg/lib/modules/$KVER/kernel
  for m in drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci_legacy_dev \
    drivers/virtio/virtio_pci fs/netfs/netfs fs/fscache/fscache net/9p/9pnet net/9p/9pnet_virtio fs/9p/9p fs/configfs/configfs; do
    cp "$M/$m.ko" "$D/mods/"
  done
  cp "$CACHE/mod/$KVER/gpio-sim-oot.ko" "$D/mods/"
  cat > "$D/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p configfs gpio-sim-oot; do
  insmod /mods/$m.ko || echo "insmod $m failed"
done
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro host /host
mount -t configfs none /sys/kernel/config
G=/sys/kernel/config/gpio-sim/sharpeyes
mkdir -p $G/bank0 && echo 8 > $G/bank0/num_lines && echo 1 > $G/live
CHIP=$(cat $G/bank0/chip_name)
DEV=$(cat $G/dev_name)
# The writable scratch space goes on /mnt, not /tmp: the checkout itself may live under /tmp.
mount --bind /dev /host/dev; mount -t proc proc /host/proc; mount --bind /sys /host/sys; mount -t tmpfs tmp /host/mnt
CMD=$(cat /proc/cmdline | sed -n 's/.*sharpeyes_cmd=\([^ ]*\).*/\1/p' | sed 's/%20/ /g')
echo "gpio-vm: chip $CHIP ($DEV), running: $CMD"
chroot /host /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/mnt TMPDIR=/mnt GPIO_CHIP=$CHIP GPIO_SIM_SYSFS=/sys/devices/platform/$DEV/$CHIP /bin/sh -c "cd $(cat /proc/cmdline | sed -n 's/.*sharpeyes_dir=\([^ ]*\).*/\1/p') && $CMD"
echo "GPIO-VM-EXIT=$?"
poweroff -f
INIT
  chmod +x "$D/init"
  (cd "$D" && find . | cpio -o -H newc --quiet | gzip -1 > "$INITRD")
fi

# 4. Boot (software emulation: /dev/kvm exists here but is unusable) and run the tests.
CMD="${GPIO_VM_CMD:-node_modules/.bin/vitest run --configLoader runner --no-file-parallelism $TESTS}"
LOG=$CACHE/last-run.log
timeout 900 qemu-system-x86_64 -m 3072 -smp 2 -nographic -no-reboot \
  -kernel "$CACHE/kimg/boot/vmlinuz-$KVER" -initrd "$INITRD" \
  -append "console=ttyS0 quiet panic=-1 sharpeyes_dir=$ROOT sharpeyes_cmd=${CMD// /%20}" \
  -virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap 2>&1 | tee "$LOG"
code=$(sed -n 's/.*GPIO-VM-EXIT=\([0-9]*\).*/\1/p' "$LOG" | tail -1)
[ -n "$code" ] || { echo "gpio-vm: the VM did not report an exit status (see $LOG)"; exit 1; }
exit "$code"
