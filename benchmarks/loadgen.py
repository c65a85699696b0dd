"""A load generator light enough not to be the bottleneck: keep-alive HTTP/1.1 on raw asyncio
streams, each request Slack-signed, sent by `concurrency` connections in parallel."""

from __future__ import annotations

import asyncio
import time

from tests.slackrig import sign


async def post_signed(
    url: str, bodies: list[str], *, concurrency: int, content_type: str
) -> tuple[list[float], float]:
    """Latency (ms) of each request and the wall time (s) of the whole run."""
    host, port = url.removeprefix("http://").split(":")
    latencies: list[float] = []
    pending = list(reversed(bodies))

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while pending:
                body = pending.pop()
                data = body.encode()
                head = "".join(f"{k}: {v}\r\n" for k, v in sign(body).items())
                request = (
                    f"POST /slack/events HTTP/1.1\r\nHost: {host}\r\n"
                    f"Content-Type: {content_type}\r\n"
                    f"Content-Length: {len(data)}\r\n{head}\r\n"
                ).encode() + data
                started = time.perf_counter()
                writer.write(request)
                status = await reader.readline()
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
                latencies.append((time.perf_counter() - started) * 1000)
                if b" 200 " not in status:
                    raise RuntimeError(f"unexpected answer: {status!r}")
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started
