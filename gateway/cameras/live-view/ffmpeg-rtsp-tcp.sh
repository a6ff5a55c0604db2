#!/bin/sh
# ffmpeg for node-rtsp-stream's Mpeg1Muxer, which runs `$ffmpegPath -i URL -f mpegts
# -codec:v mpeg1video [ffmpegOptions] -`: its options all land after -i, so input options
# cannot be passed. This wrapper puts them before -i: RTSP over TCP (cameras behind NAT and
# lossy links drop UDP) and a 5 s socket I/O timeout (a frozen camera makes ffmpeg exit, so
# the relay restarts it, instead of hanging forever); -loglevel error keeps stderr quiet.
# Non-RTSP inputs (files in tests) get no RTSP options.
case "$2" in
  rtsp://*|rtsps://*|RTSP://*|RTSPS://*)
    exec ffmpeg -hide_banner -nostdin -loglevel error -rtsp_transport tcp -timeout 5000000 "$@" ;;
  *)
    exec ffmpeg -hide_banner -nostdin -loglevel error "$@" ;;
esac
