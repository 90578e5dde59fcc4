#!/bin/sh
# /usr/bin/gridwall: the GridWall bundle installed under /opt/gridwall.
exec /opt/gridwall/gridwall "$@"
