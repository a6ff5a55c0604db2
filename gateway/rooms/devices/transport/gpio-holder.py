#!/usr/bin/python3
"""Holds one GPIO output line at a level, outliving the daemon that started it.

Started by gateway/rooms/devices/transport/gpio-hold.ts in its own session (setsid), so stopping,
crashing or kill -9 of the daemon leaves the line driven; the next daemon finds this process
through its unix socket and adopts it. The level changes in place (no release, no new request):
a relay-held exit never drops. The kernel releases the line only when this process ends
(SIGTERM, or the `release` command).

Usage: gpio-holder.py CHIP OFFSET ACTIVE_LOW(0|1) VALUE(0|1|-) SOCKET STATE_FILE

VALUE "-" starts it on standby: ready (interpreter loaded, socket open) without touching the
line, which it requests at the level of the first `set`. The daemon starts one per output line
when the device comes up, so the first command does not wait for an interpreter to start.

Protocol on SOCKET, one JSON object per line each way:
  {"op": "get"}            -> {"ok": true, "value": v or null (standby), "activeLow": b, "pid": n}
  {"op": "set", "value": v} -> the same, after the line reads v
  {"op": "release"}         -> {"ok": true, "released": true}; the line is let go, the process ends
The state file (JSON: pid, chip, offset, activeLow, value, socket) is rewritten atomically on
every change, so an operator (or a daemon whose socket connect failed) can see who holds what.
"""
import json
import os
import selectors
import signal
import socket
import sys

import gpiod

CONSUMER = "sharpeyes-hold"


def main() -> int:
    chip_name, offset, active_low, value, sock_path, state_path = sys.argv[1:7]
    offset = int(offset)
    active_low = active_low == "1"
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # a closed terminal or session is no reason to let go
    chip = gpiod.Chip(chip_name)
    line = chip.get_line(offset)
    flags = gpiod.LINE_REQ_FLAG_ACTIVE_LOW if active_low else 0
    held = False

    def take(v: int) -> None:
        nonlocal held
        line.request(consumer=CONSUMER, type=gpiod.LINE_REQ_DIR_OUT, flags=flags, default_val=v)
        held = True

    if value != "-":
        take(1 if value == "1" else 0)

    def state() -> dict:
        return {"pid": os.getpid(), "chip": chip_name, "offset": offset, "activeLow": active_low,
                "value": line.get_value() if held else None, "socket": sock_path}

    def save() -> None:
        tmp = state_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(state(), f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, state_path)

    try:
        os.unlink(sock_path)
    except FileNotFoundError:
        pass
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(sock_path)
    os.chmod(sock_path, 0o600)
    server.listen(8)
    save()

    sel = selectors.DefaultSelector()
    sel.register(server, selectors.EVENT_READ)
    buffers: dict = {}

    def answer(conn, obj) -> None:
        try:
            conn.sendall((json.dumps(obj) + "\n").encode())
        except OSError:
            pass

    while True:
        for key, _ in sel.select():
            if key.fileobj is server:
                conn, _ = server.accept()
                conn.setblocking(True)
                buffers[conn] = b""
                sel.register(conn, selectors.EVENT_READ)
                continue
            conn = key.fileobj
            try:
                data = conn.recv(4096)
            except OSError:
                data = b""
            if not data:
                sel.unregister(conn)
                buffers.pop(conn, None)
                conn.close()
                continue
            buffers[conn] += data
            while b"\n" in buffers[conn]:
                raw, buffers[conn] = buffers[conn].split(b"\n", 1)
                try:
                    req = json.loads(raw)
                    op = req.get("op")
                except (ValueError, AttributeError):
                    answer(conn, {"ok": False, "error": "not a JSON request"})
                    continue
                if op == "get":
                    answer(conn, {"ok": True, **state()})
                elif op == "set" and req.get("value") in (0, 1):
                    try:
                        if not held:
                            take(req["value"])
                            save()
                        elif line.get_value() != req["value"]:
                            line.set_value(req["value"])
                            save()
                    except OSError as e:  # the line is taken by someone else, the chip is gone
                        answer(conn, {"ok": False, "error": str(e)})
                        continue
                    answer(conn, {"ok": True, **state()})
                elif op == "release":
                    if held:
                        line.release()
                    for p in (state_path, sock_path):
                        try:
                            os.unlink(p)
                        except FileNotFoundError:
                            pass
                    answer(conn, {"ok": True, "released": True})
                    return 0
                else:
                    answer(conn, {"ok": False, "error": f"unknown request {raw[:80]!r}"})


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # the spawner reads this from the log file next to the socket
        print(f"gpio-holder: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
        sys.exit(1)
