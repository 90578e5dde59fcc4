"""One case server in its own process, for the fail-over test: prints its port, serves until killed.

Usage: ``python failover_server.py <store URL>``
"""

from __future__ import annotations

import asyncio
import sys

from server_helpers import TOKENS

from feeds.server import CaseServer, ServerConfig, TokenBook


async def _main(store_url: str) -> None:
    tokens = TokenBook()
    for token, (role, name) in TOKENS.items():
        tokens.add(token, role, name)
    server = CaseServer(ServerConfig(port=0, store_url=store_url, tokens=tokens, heartbeat_s=0.5, poll_s=0.5))
    await server.start()
    print(server.port, flush=True)
    await asyncio.Future()  # until killed


if __name__ == "__main__":
    asyncio.run(_main(sys.argv[1]))
