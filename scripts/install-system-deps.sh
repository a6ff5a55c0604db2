#!/usr/bin/env bash
# Installs the Debian packages the gateway and its tests need (real peers: ffmpeg, an RTSP
# server, mosquitto, socat, an independent Modbus slave and master, an ONVIF client, fonts
# for synthetic plates, Chromium for the console). Idempotent; needs root.
set -euo pipefail
pkgs=(
  ffmpeg mosquitto mosquitto-clients socat udev openssl iproute2
  python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly
  python3-pymodbus python3-serial-asyncio mbpoll onvif-tools gpiod
  fonts-wqy-microhei chromium
)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "system dependencies present"
