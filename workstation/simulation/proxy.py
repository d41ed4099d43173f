"""A TCP proxy process between a workstation and the hall server, for the network tests.

    python -m workstation.simulation.proxy UPSTREAM_PORT

It prints `LISTENING <port>` and then takes one command a line on its standard input,
each applying to connections from then on (and `stall`/`cut` to those open, too):

    pass          forward both ways
    latency S     hold every chunk S seconds before forwarding it (a slow link)
    stall         accept, read, forward nothing (a link that hangs)
    drop          accept and close at once (a refused link)
    close-mid N   forward requests; send back only the first N bytes of each answer, then close
    cut           close every open connection now

It answers each command with `OK <command>`. Nothing in the workstation or the server
knows it is there: the test points the workstation's server URL at it."""

from __future__ import annotations

import asyncio
import sys

MODE = {"name": "pass", "value": 0.0}
OPEN: set[asyncio.StreamWriter] = set()


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, answer: bool) -> None:
    sent = 0
    try:
        while True:
            chunk = await reader.read(65536)
            if not chunk:
                break
            mode, value = MODE["name"], MODE["value"]
            if mode == "stall":
                while MODE["name"] == "stall":
                    await asyncio.sleep(0.05)
                continue  # what came in while stalled is lost, as on a hung link
            if mode == "latency":
                await asyncio.sleep(value)
            if mode == "close-mid" and answer:
                keep = max(0, int(value) - sent)
                writer.write(chunk[:keep])
                await writer.drain()
                break
            writer.write(chunk)
            sent += len(chunk)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


async def handle(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter, upstream: int) -> None:
    if MODE["name"] == "drop":
        client_writer.close()
        return
    try:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", upstream)
    except OSError:
        client_writer.close()
        return
    OPEN.update((client_writer, server_writer))
    try:
        await asyncio.gather(pipe(client_reader, server_writer, False), pipe(server_reader, client_writer, True))
    finally:
        OPEN.discard(client_writer)
        OPEN.discard(server_writer)


async def commands() -> None:
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        words = line.split()
        if not words:
            continue
        if words[0] == "cut":
            for writer in list(OPEN):
                writer.transport.abort()
        else:
            MODE["name"] = words[0]
            MODE["value"] = float(words[1]) if len(words) > 1 else 0.0
        print(f"OK {' '.join(words)}", flush=True)


async def main(upstream: int) -> None:
    server = await asyncio.start_server(lambda r, w: handle(r, w, upstream), "127.0.0.1", 0)
    print(f"LISTENING {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await commands()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
