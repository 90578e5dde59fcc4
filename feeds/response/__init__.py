"""The second platform, 全响应 (12345 接诉即办): its taxonomy and the three rates.

No Qt, no database: plain data read from ``resources/response_taxonomy.json`` and
pure functions over counts. The store, simulator, analytics and the wall use it.
"""
