"""A Socket Mode endpoint of our own: a tiny stdlib WebSocket server that speaks Slack's envelopes.

slack_sdk's built-in Socket Mode client connects without TLS to any port but 443 (it says so:
"only for library testing"), so a plain `ws://127.0.0.1:PORT/` is enough. The fake sends the
`hello`, answers pings, pushes envelopes (`slash_commands`, `interactive`, `events_api`) and
records the acks the app sends back.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import threading
import uuid
from typing import Any

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class FakeSocketMode:
    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._client: socket.socket | None = None
        self._send_lock = threading.Lock()
        self._changed = threading.Condition()
        self.acks: dict[str, dict[str, Any]] = {}
        self.connected = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link?ticket=test"

    def start(self) -> FakeSocketMode:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.close()
        if self._client is not None:
            self._client.close()

    def send(self, envelope_type: str, payload: dict[str, Any]) -> str:
        envelope_id = uuid.uuid4().hex
        self._send_text(
            json.dumps(
                {
                    "envelope_id": envelope_id,
                    "type": envelope_type,
                    "payload": payload,
                    "accepts_response_payload": envelope_type != "events_api",
                    "retry_attempt": 0,
                    "retry_reason": "",
                }
            )
        )
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float = 10) -> dict[str, Any]:
        with self._changed:
            if not self._changed.wait_for(lambda: envelope_id in self.acks, timeout=timeout):
                raise AssertionError(f"no ack for envelope {envelope_id}")
            return self.acks[envelope_id]

    # --- the wire -------------------------------------------------------------------------

    def _serve(self) -> None:
        try:
            conn, _ = self._server.accept()
        except OSError:
            return
        self._client = conn
        request = b""
        while b"\r\n\r\n" not in request:
            request += conn.recv(4096)
        key = next(
            line.split(b":", 1)[1].strip()
            for line in request.split(b"\r\n")
            if line.lower().startswith(b"sec-websocket-key:")
        )
        accept = base64.b64encode(hashlib.sha1(key + GUID.encode()).digest()).decode()
        conn.sendall(
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
            ).encode()
        )
        self._send_text(json.dumps({"type": "hello", "num_connections": 1}))
        self.connected.set()
        try:
            self._read_frames(conn)
        except OSError:
            return

    def _read_frames(self, conn: socket.socket) -> None:
        while True:
            head = self._recv_exact(conn, 2)
            opcode, length = head[0] & 0x0F, head[1] & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._recv_exact(conn, 2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._recv_exact(conn, 8))[0]
            mask = self._recv_exact(conn, 4) if head[1] & 0x80 else b"\0\0\0\0"
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(self._recv_exact(conn, length)))
            if opcode == 0x8:  # close
                return
            if opcode == 0x9:  # ping -> pong
                self._send_frame(0xA, data)
            elif opcode == 0x1:
                message = json.loads(data)
                if "envelope_id" in message:
                    with self._changed:
                        self.acks[message["envelope_id"]] = message.get("payload") or {}
                        self._changed.notify_all()

    @staticmethod
    def _recv_exact(conn: socket.socket, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = conn.recv(size - len(data))
            if not chunk:
                raise OSError("closed")
            data += chunk
        return data

    def _send_text(self, text: str) -> None:
        self.connected.wait(10) if self._client is None else None
        self._send_frame(0x1, text.encode())

    def _send_frame(self, opcode: int, data: bytes) -> None:
        assert self._client is not None
        length = len(data)
        if length < 126:
            head = bytes([0x80 | opcode, length])
        elif length < 65536:
            head = bytes([0x80 | opcode, 126]) + struct.pack(">H", length)
        else:
            head = bytes([0x80 | opcode, 127]) + struct.pack(">Q", length)
        with self._send_lock:
            self._client.sendall(head + data)
