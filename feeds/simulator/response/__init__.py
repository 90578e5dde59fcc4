"""The 全响应 (12345 接诉即办) simulation: request arrivals, 接-派-办-评 lifecycles, history and live requests.

Beside the city-management packages and using only ``model`` of them (the calendar and
the district): ``plan`` draws requests and their whole lifecycle as numpy columns,
``history`` cuts them at a moment and seeds the store through its bulk path, ``live``
turns planned requests into protocol messages for the live simulator.
"""
