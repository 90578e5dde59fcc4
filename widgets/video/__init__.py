"""Video linkage (视频联动): a camera stream player that never blocks the wall, and the camera panel."""

from widgets.video.panel import CameraPanel
from widgets.video.player import StreamPlayer, StreamState

__all__ = ["CameraPanel", "StreamPlayer", "StreamState"]
