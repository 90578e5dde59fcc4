"""Local tile archives: a ``z/x/y.png`` directory or an MBTiles file."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class TileArchive:
    """Reads basemap tiles from disk for the ``gridwall://tiles/`` scheme path.

    Args:
        path: A directory laid out ``{z}/{x}/{y}.png`` or an ``.mbtiles`` file.
        tms: The directory numbers rows bottom-up (TMS). MBTiles always do.
    """

    @staticmethod
    def problem(path: Path) -> str | None:
        """What keeps ``path`` from being read as tiles (``None``: a folder, or an MBTiles file with tiles)."""
        if path.is_dir():
            return None
        if not path.is_file():
            return f"{path} does not exist"
        if path.suffix.lower() != ".mbtiles":
            return f"{path} is neither a z/x/y.png folder nor an .mbtiles file"
        try:
            db = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
            try:
                db.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles LIMIT 1").fetchall()
            finally:
                db.close()
        except sqlite3.Error as exc:
            return f"{path} is not an MBTiles file ({exc})"
        return None

    def __init__(self, path: Path, tms: bool = False) -> None:
        self._path = path.resolve()
        self._tms = tms
        self._db: sqlite3.Connection | None = None
        if self._path.is_file() and self._path.suffix.lower() == ".mbtiles":
            self._db = sqlite3.connect(f"file:{self._path}?mode=ro", uri=True, check_same_thread=False)
        elif not self._path.is_dir():
            raise FileNotFoundError(f"tile archive not found: {path}")

    def read(self, z: int, x: int, y: int) -> bytes | None:
        """Return the PNG bytes of one tile (XYZ numbering), or None if absent."""
        if not (0 <= z <= 22 and 0 <= x < 2**z and 0 <= y < 2**z):
            return None
        flipped = (2**z - 1) - y
        if self._db is not None:
            try:
                row = self._db.execute(
                    "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?", (z, x, flipped)
                ).fetchone()
            except sqlite3.Error:  # the file changed under the wall: the tile is missing, the map goes on
                return None
            return bytes(row[0]) if row and isinstance(row[0], bytes) else None
        tile = self._path / str(z) / str(x) / f"{flipped if self._tms else y}.png"
        return tile.read_bytes() if tile.is_file() else None

    def close(self) -> None:
        """Release the MBTiles connection, if any."""
        if self._db is not None:
            self._db.close()
            self._db = None
