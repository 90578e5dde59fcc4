"""GridWall package."""
