#!/usr/bin/env bash
# Installs the Debian packages the gateway, `npm ci` and the tests need. Idempotent; needs root.
# - build tools for native addons that node-gyp compiles from source (unix-dgram always,
#   better-sqlite3 when its prebuilt binary cannot be downloaded): python3, make, g++;
# - what the gateway runs: ffmpeg, mosquitto (embedded-broker tests, the MQTT CLI), socat (pty
#   pairs of the simulated devices), udev (serialport lists ports through udevadm), gpiod, and
#   python3-libgpiod (the GPIO output holders, gateway/rooms/devices/transport/gpio-holder.py);
# - real peers of the tests: GStreamer's RTSP server (with Debian's python3), mosquitto-clients,
#   pymodbus and mbpoll (Modbus), onvif-tools, openssl (TLS certificates), iproute2 (network
#   namespaces), systemd (systemd-analyze), fonts for synthetic plates, Chromium for the console,
#   SIPp (sip-tester) as the GB/T 28181 platform of the interop tests, kamailio as a real SIP
#   registrar, gst-launch-1.0 (gstreamer1.0-tools) to run mpegpsdemux as a second PS demuxer,
#   glib-networking (GIO's TLS backend: the RTSP test camera serving rtsps://),
#   Erlang (erlang-base: parses the EMQX ACL template as EMQX does, there being no EMQX peer),
#   e2fsprogs (mkfs.ext4 for the real file systems on loop devices of the disk tests and benches);
# - the base tools the scripts call (ps, setpriv, stdbuf, xz), named so a minimal system gets them.
# The GPIO VM's own packages are installed by scripts/gpio-vm/run.sh.
set -euo pipefail
cd "$(dirname "$0")"
pkgs=(
  python3 make g++
  ffmpeg mosquitto mosquitto-clients socat udev openssl iproute2 gpiod python3-libgpiod
  python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly glib-networking
  python3-pymodbus python3-serial-asyncio mbpoll onvif-tools
  fonts-wqy-microhei chromium systemd sip-tester kamailio gstreamer1.0-tools erlang-base e2fsprogs
  procps util-linux coreutils xz-utils ca-certificates
)
bash lib/apt-ensure.sh "${pkgs[@]}"
# kamailio is only a test peer (started by the tests on free loopback ports): its packaged
# service would hold SIP port 5060, the box's own GB/T 28181 default.
if command -v systemctl >/dev/null && systemctl is-enabled --quiet kamailio 2>/dev/null; then
  systemctl disable --now kamailio >/dev/null 2>&1 || true
fi
echo "system dependencies present"
