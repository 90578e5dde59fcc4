"""The simulator: realistic cases, environment and patrols for the demo, the tests and the benchmarks.

Pure Python + numpy, deterministic for a seed, no Qt. Four parts, each building on the one before:

* :mod:`feeds.simulator.model` - the case model: Beijing calendar and rhythms, arrivals, the
  simulated district and its streets, stage durations and outcomes, planned cases and batches,
  descriptions, counter-based randomness (:mod:`~feeds.simulator.model.noise`), statistics;
* :mod:`feeds.simulator.environment` - weather warnings and rainfall, sensors, crowds at hot
  spots, supervisors on patrol, and how a warning shifts the case mix;
* :mod:`feeds.simulator.history` - seeding the store with years of history through its bulk path;
* :mod:`feeds.simulator.live` - the live producer: what is published when (Sans-I/O script),
  the case stream, the outbox, and the asyncio simulator with its thread and command.
"""
