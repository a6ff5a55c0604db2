#!/usr/bin/python3
"""RTSP test camera for the Sharp Eyes gateway (demo camera, tests, benchmarks).

GStreamer's RTSP server (run with Debian's /usr/bin/python3, which has python3-gi):

  /usr/bin/python3 gateway/lib/rtsp-server/rtsp-test-server.py --port 0 \
      --pattern /live=640x360@10 --file /clip=clip.mp4 --launch '/raw=( videotestsrc ... )' \
      --loop /door=demo/scenes/door.h264@10

Each mount is shared between clients (set_shared). Prints one JSON line on stdout when it
listens: {"port": N, "mounts": [...]}. Files are served pre-encoded (no re-encoding: cheap),
H.264 or H.265 in MP4 or Matroska. --pattern serves a live, moving test pattern encoded with x264.
--loop serves a raw H.264 stream (Annex B, an access unit delimiter before each frame, no
B-frames, starting with an IDR frame) forever at FPS, pre-encoded: the demo scenes. With
--free-running a loop follows the wall clock from the server's start, like a camera whose encoder
never stops: a client that connects joins wherever the encoder is in its GOP (and waits for the
next keyframe), instead of getting the file's first IDR frame at once. With --tls CERT,KEY
it serves RTSP over TLS only (rtsps://, GStreamer's own TLS through GIO), as an rtsps:// camera.
"""
import argparse
import json
import os
import signal
import sys
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import Gio, GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402


def file_launch(path):
    path = os.path.abspath(path)
    if not os.path.exists(path):
        raise SystemExit(f"rtsp-test-server: no such file {path}")
    demux = "matroskademux" if path.endswith((".mkv", ".webm")) else "qtdemux"
    # parsebin picks the right parser/payloader chain for H.264, H.265 or MPEG-4 part 2.
    return (
        f'( filesrc location="{path}" ! {demux} ! parsebin ! '
        f"rtph264pay name=pay0 pt=96 config-interval=1 )"
        if not path.endswith(".hevc.mp4")
        else f'( filesrc location="{path}" ! {demux} ! h265parse ! rtph265pay name=pay0 pt=96 config-interval=1 )'
    )


def pattern_launch(spec):
    size, _, fps = spec.partition("@")
    w, _, h = size.partition("x")
    fps = fps or "10"
    return (
        f"( videotestsrc is-live=true pattern=ball motion=sweep ! "
        f"video/x-raw,width={int(w)},height={int(h)},framerate={int(fps)}/1 ! "
        f"x264enc tune=zerolatency speed-preset=ultrafast key-int-max={int(fps)} ! "
        f"rtph264pay name=pay0 pt=96 config-interval=1 )"
    )


LOOP_LAUNCH = (
    '( appsrc name=loop is-live=true format=time '
    'caps="video/x-h264,stream-format=byte-stream,alignment=au" ! h264parse ! '
    "rtph264pay name=pay0 pt=96 config-interval=1 )"
)


def access_units(path):
    """Cuts a raw H.264 stream into frames at its access unit delimiters (00 00 00 01 09)."""
    with open(path, "rb") as f:
        data = f.read()
    aud = b"\x00\x00\x00\x01\x09"
    starts = []
    i = data.find(aud)
    while i >= 0:
        starts.append(i)
        i = data.find(aud, i + len(aud))
    if not starts or starts[0] != 0:
        raise SystemExit(f"rtsp-test-server: {path} does not start with an access unit delimiter (encode with x264 aud=1)")
    return [data[a:b] for a, b in zip(starts, starts[1:] + [len(data)])]


STARTED = time.monotonic()


def loop_factory(spec, free_running=False):
    """A shared media playing the frames of a raw H.264 file in a loop, timestamped at FPS."""
    path, _, fps = spec.rpartition("@")
    if not path or not fps.isdigit() or int(fps) <= 0:
        raise SystemExit(f"rtsp-test-server: --loop wants /MOUNT=PATH@FPS, got {spec!r}")
    path = os.path.abspath(path)
    if not os.path.exists(path):
        raise SystemExit(f"rtsp-test-server: no such file {path}")
    frames = access_units(path)
    duration = Gst.SECOND // int(fps)

    def configure(_factory, media):
        src = media.get_element().get_by_name_recurse_up("loop")
        # Free running: the frame the encoder is at now (timestamps still start at 0 for this media).
        base = int((time.monotonic() - STARTED) * int(fps)) if free_running else 0
        state = {"n": 0}

        def need_data(appsrc, _length):
            n = state["n"]
            buf = Gst.Buffer.new_wrapped(frames[(base + n) % len(frames)])
            buf.pts = buf.dts = n * duration
            buf.duration = duration
            state["n"] = n + 1
            appsrc.emit("push-buffer", buf)

        src.connect("need-data", need_data)

    return LOOP_LAUNCH, configure


def die_with_parent():
    """Linux: get SIGTERM when the process that started us dies (no orphaned test cameras)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def main():
    die_with_parent()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=8554, help="TCP port; 0 picks a free one")
    ap.add_argument("--address", default="127.0.0.1")
    ap.add_argument("--file", action="append", default=[], metavar="/MOUNT=PATH")
    ap.add_argument("--pattern", action="append", default=[], metavar="/MOUNT=WxH@FPS")
    ap.add_argument("--launch", action="append", default=[], metavar="/MOUNT=PIPELINE")
    ap.add_argument("--loop", action="append", default=[], metavar="/MOUNT=PATH.h264@FPS")
    ap.add_argument("--free-running", action="store_true", help="--loop mounts follow the wall clock (a camera's encoder that never stops)")
    ap.add_argument(
        "--auth",
        metavar="USER:PASSWORD",
        default=os.environ.get("RTSP_TEST_AUTH") or None,
        help="require RTSP authentication (or RTSP_TEST_AUTH in the environment: off the command line)",
    )
    ap.add_argument("--auth-method", choices=["basic", "digest"], default="basic", help="with --auth: Basic or Digest")
    ap.add_argument("--max-clients", type=int, default=0, help="close connections beyond N at once (a cheap camera); 0: no limit")
    ap.add_argument("--tls", metavar="CERT.pem,KEY.pem", help="serve RTSP over TLS (rtsps://) with this certificate")
    ap.add_argument("--report-clients", action="store_true", help='print {"clients": N, "max": M} on every connect and close')
    args = ap.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address(args.address)
    server.set_service(str(args.port))
    mounts = server.get_mount_points()
    names = []

    if args.auth:
        user, _, password = args.auth.partition(":")
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "user")
        if args.auth_method == "digest":
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
            auth.add_digest(user, password, token)
        else:
            auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
        server.set_auth(auth)
    if args.tls:
        cert_path, _, key_path = args.tls.partition(",")
        if not args.auth:
            auth = GstRtspServer.RTSPAuth()
            anonymous = GstRtspServer.RTSPToken()
            anonymous.set_string("media.factory.role", "user")
            auth.set_default_token(anonymous)
        auth.set_tls_certificate(Gio.TlsCertificate.new_from_files(cert_path, key_path))
        server.set_auth(auth)

    # Connections open now and at most (each RTSP client over TCP holds one session here), so
    # tests and benchmarks can check how many sessions the gateway opens to one camera.
    clients = {"now": 0, "max": 0, "refused": 0}

    def report():
        if args.report_clients:
            print(json.dumps({"now": clients["now"], "max": clients["max"], "refused": clients["refused"]}), flush=True)

    def on_closed(_client):
        clients["now"] -= 1
        report()

    def on_connected(_server, client):
        if args.max_clients and clients["now"] >= args.max_clients:
            clients["refused"] += 1
            report()
            client.close()
            return
        clients["now"] += 1
        clients["max"] = max(clients["max"], clients["now"])
        client.connect("closed", on_closed)
        report()

    server.connect("client-connected", on_connected)

    def add(mount, launch, configure=None):
        if not mount.startswith("/"):
            raise SystemExit(f"rtsp-test-server: mount {mount!r} must start with /")
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(launch)
        if configure:
            factory.connect("media-configure", configure)
        factory.set_shared(True)
        if args.auth or args.tls:
            factory.add_role_from_structure(
                Gst.Structure.from_string("user, media.factory.access=(boolean)true, media.factory.construct=(boolean)true")[0]
            )
        mounts.add_factory(mount, factory)
        names.append(mount)

    for item in args.file:
        m, _, p = item.partition("=")
        add(m, file_launch(p))
    for item in args.pattern:
        m, _, p = item.partition("=")
        add(m, pattern_launch(p))
    for item in args.launch:
        m, _, p = item.partition("=")
        add(m, p)
    for item in args.loop:
        m, _, p = item.partition("=")
        add(m, *loop_factory(p, args.free_running))
    if not names:
        add("/test", pattern_launch("640x360@10"))

    loop = GLib.MainLoop()
    if server.attach(None) == 0:
        raise SystemExit(f"rtsp-test-server: cannot listen on {args.address}:{args.port}")
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
    print(json.dumps({"port": server.get_bound_port(), "mounts": names}), flush=True)
    try:
        loop.run()
    finally:
        sys.stdout.flush()


if __name__ == "__main__":
    main()
