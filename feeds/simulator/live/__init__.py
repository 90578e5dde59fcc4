"""The live simulator: the Sans-I/O script of what is published when, the case stream, the
environment and staff feeds, the outbox that publishes each event once, and the asyncio producer
(``gridwall simulate``, the demo's simulator thread)."""
