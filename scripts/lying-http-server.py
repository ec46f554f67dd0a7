#!/usr/bin/env python3
"""An HTTP server on 127.0.0.1 that serves objects path-style (/BUCKET/KEY) and lies about them the way broken
gateways, caches and hostile endpoints do. The bucket names the lie, so one server (and one run of clipmeter)
mixes honest and lying objects; every KEY is a file of the served folder.

Usage: scripts/lying-http-server.py FOLDER [--port N] [--exit-with-stdin]
Prints "PORT <n>" on stdout once it accepts connections (port 0, the default, picks a free one) and serves until
it gets SIGTERM or SIGINT, or, with --exit-with-stdin, until its stdin closes (so a test that started it with a
pipe never leaves it behind, even when the test process dies).

Buckets (the lies):
  honest           ranges, ETag, If-Match (412 when it does not match), as OSS does
  ignore-range     advertises Accept-Ranges: bytes, answers every range with 200 and the whole object
  range-from-zero  206 whose Content-Range and body always start at byte 0, whatever was asked
  range-total      206 with the right bytes but a Content-Range total other than the object's size
  long-body        206 with the right Content-Range but a body longer than the range
  short-body       206 whose Content-Length is shorter than the Content-Range says
  huge-length      HEAD Content-Length 9223372036854775807 (2^63-1); GETs honest
  over-length      HEAD Content-Length 18446744073709551616 (2^64, no 64-bit integer holds it); GETs honest
  negative-length  HEAD Content-Length -1; GETs honest
  no-length        HEAD without Content-Length; GETs honest
  swap             HEAD describes KEY, GETs serve the folder's `swap-target` file with its own ETag and size,
                   ignoring If-Match (a cache that swapped objects)
  changed          HEAD gives one ETag, GETs honour If-Match against another (the object was overwritten): 412
  etag-drift       GETs ignore If-Match and send another ETag than the HEAD's, with the right bytes
  close            accepts the connection and closes it without a byte, for every request
  close-get        honest HEAD; GETs are accepted and closed without a byte
  garbage          answers every request with bytes that are not HTTP
  stall-get        honest HEAD; GETs send the headers, then nothing
  gzip             206 with the right range and Content-Encoding: gzip (the bytes are not the object's)
  endless-range    206 with Content-Range bytes START-9223372036854775807/* (a range no length can hold)
  interim          honest, but every answer is preceded by a 100 Continue (allowed by HTTP/1.1: not a lie)
"""
import os, re, signal, socket, socketserver, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FOLDER = None
RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "lying/1"

    def log_message(self, *args):
        pass

    # MARK: - Helpers

    def target(self):
        """(bucket, file path, size, etag) of the request, or None after a 404."""
        path = self.path.split("?", 1)[0]
        parts = path.lstrip("/").split("/", 1)
        if len(parts) != 2 or "/" in parts[1] or parts[1] in ("", ".", ".."):
            self.plain(404)
            return None
        bucket, key = parts
        file = os.path.join(FOLDER, key)
        if not os.path.isfile(file):
            self.plain(404)
            return None
        return bucket, file, os.path.getsize(file), self.etag_of(file)

    @staticmethod
    def etag_of(file):
        st = os.stat(file)
        return '"%x-%x"' % (int(st.st_mtime), st.st_size)

    def plain(self, status, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def requested(self, size):
        """(start, end) of the Range header, clamped to the object; None without one; False when unsatisfiable."""
        header = self.headers.get("Range")
        if not header:
            return None
        m = RANGE.match(header.strip())
        if not m:
            return None
        start = int(m.group(1))
        end = int(m.group(2)) if m.group(2) else size - 1
        if start >= size:
            return False
        return start, min(end, size - 1)

    def send(self, status, headers, body, head_only=False):
        if self.path.lstrip("/").startswith("interim/"):
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def hang_up(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # MARK: - Methods

    def do_HEAD(self):
        bucket = self.path.lstrip("/").split("/", 1)[0]
        if bucket in ("close", "garbage"):
            return self.lie_without_http(bucket)
        found = self.target()
        if not found:
            return
        bucket, file, size, etag = found
        length = {"huge-length": "9223372036854775807", "over-length": "18446744073709551616",
                  "negative-length": "-1"}.get(bucket, str(size))
        headers = [("Accept-Ranges", "bytes"), ("ETag", '"v1"' if bucket == "changed" else etag)]
        if bucket != "no-length":
            headers.append(("Content-Length", length))
        else:
            self.close_connection = True
            headers.append(("Connection", "close"))
        self.send(200, headers, b"", head_only=True)

    def do_GET(self):
        bucket = self.path.lstrip("/").split("/", 1)[0]
        if bucket in ("close", "garbage", "close-get"):
            return self.lie_without_http(bucket)
        found = self.target()
        if not found:
            return
        bucket, file, size, etag = found
        if bucket == "swap":
            file = os.path.join(FOLDER, "swap-target")
            size, etag = os.path.getsize(file), self.etag_of(file)
        if bucket == "changed":
            etag = '"v2"'
        if bucket == "etag-drift":
            etag = '"drifted"'
        with open(file, "rb") as f:
            data = f.read()
        match = self.headers.get("If-Match")
        if match and bucket in ("honest", "interim", "changed", "huge-length", "over-length", "negative-length", "no-length") \
                and match.strip() not in (etag, "*"):
            return self.plain(412)
        wanted = self.requested(size)
        if wanted is False:
            return self.plain(416, [("Content-Range", f"bytes */{size}")])
        base = [("Accept-Ranges", "bytes"), ("ETag", etag)]
        if wanted is None or bucket == "ignore-range":
            return self.send(200, base + [("Content-Length", str(size))], data)
        start, end = wanted
        if bucket == "stall-get":
            self.send_response(206)
            for name, value in base + [("Content-Length", str(end - start + 1)),
                                       ("Content-Range", f"bytes {start}-{end}/{size}")]:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.flush()
            time.sleep(3600)
            return
        if bucket == "range-from-zero":
            start, end = 0, end - start
        body = data[start:end + 1]
        total = size + 1000 if bucket == "range-total" else size
        if bucket == "long-body":
            body = data[start:end + 1 + 4096]
        headers = base + [("Content-Range", f"bytes {start}-{end}/{total}" if bucket != "endless-range"
                           else f"bytes {start}-9223372036854775807/*")]
        if bucket == "gzip":
            headers.append(("Content-Encoding", "gzip"))
        if bucket == "short-body":
            body = body[:max(len(body) // 2, 1)]
        headers.append(("Content-Length", str(len(body))))
        self.send(206, headers, body)

    def lie_without_http(self, bucket):
        if bucket == "garbage":
            self.wfile.write(b"SSH-2.0-OpenSSH_9.2\r\nthis is not HTTP\r\n\r\n")
        self.hang_up()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def main():
    global FOLDER
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__)
    FOLDER = os.path.abspath(args[0])
    port = int(args[args.index("--port") + 1]) if "--port" in args else 0
    server = Server(("127.0.0.1", port), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(1):
                pass
        except (OSError, ValueError):
            pass
        stop()

    if "--exit-with-stdin" in args:
        threading.Thread(target=watch_stdin, daemon=True).start()
    server.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    main()
