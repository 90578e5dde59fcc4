/* GridWall live grid map, label placement: labels never overlap each other, cluster bubbles or controls.
 *
 * Greedy placement by priority: crowd labels of hot spots in alarm first, then subdistrict names
 * by area (largest first). Each label tries its own spot, then small shifts up, down and sideways,
 * then (a subdistrict name) any point inside its subdistrict, nearest first; the first box that is
 * inside the map and meets no obstacle (cluster bubbles, map controls) and no label placed before
 * it wins. A label with no free spot is hidden until the next placement.
 * Placement runs after every zoom, pan, resize and batch (debounced), never per event.
 */
(function () {
  'use strict';
  const gw = window.gridwall;
  const DEBOUNCE_MS = 60;
  /* After a placement, look again this much later: bubbles still moving then (a cluster
     animation's CSS transition outlasting its 'animationend' on a loaded machine) get the
     labels placed once more against where they came to rest. */
  const SETTLE_MS = 350;
  /* Candidate shifts in label heights (dy) and label widths (dx), nearest first. */
  const SHIFTS = [[0, 0], [0, -1.1], [0, 1.1], [-0.6, 0], [0.6, 0], [-0.45, -1.1], [0.45, -1.1], [-0.45, 1.1],
    [0.45, 1.1], [0, -2.2], [0, 2.2]];
  let timer = null;
  let settleTimer = null;
  let lastPlaced = [];  /* [element, box] of the last placement, for the look-again */
  let looks = 0;  /* look-again placements in a row; at most MAX_LOOKS, so nothing can keep it placing */
  const MAX_LOOKS = 5;
  gw.labelLayout = { placed: [], hidden: [], obstacles: [], runs: 0 };

  function box(rect, origin, pad) {
    return { x: rect.left - origin.left - pad, y: rect.top - origin.top - pad,
      w: rect.width + 2 * pad, h: rect.height + 2 * pad };
  }
  function meets(a, b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  }
  function inside(a, frame) {
    return a.x >= 0 && a.y >= 0 && a.x + a.w <= frame.w && a.y + a.h <= frame.h;
  }

  /* Container-pixel rings of a polygon layer (Polygon or MultiPolygon). */
  function rings(layer) {
    const out = [];
    (function walk(part) {
      if (!part.length) return;
      if (part[0] instanceof L.LatLng) out.push(part.map(function (ll) { return gw.map.latLngToContainerPoint(ll); }));
      else part.forEach(walk);
    })(layer.getLatLngs());
    return out;
  }
  function insideRings(x, y, polys) {
    let hit = false;
    for (const ring of polys) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const a = ring[i], b = ring[j];
        if ((a.y > y) !== (b.y > y) && x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x) hit = !hit;
      }
    }
    return hit;
  }
  /* Shifts (px) that put the label's centre on points inside its unit, nearest first. */
  function shiftsInside(layer, home) {
    const polys = rings(layer);
    const cx = home.x + home.w / 2;
    const cy = home.y + home.h / 2;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    polys.forEach(function (ring) {
      ring.forEach(function (p) {
        minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x); minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y);
      });
    });
    const stepX = Math.max(4, home.w / 4);
    const stepY = Math.max(4, home.h / 2);
    const out = [];
    for (let y = minY + stepY / 2; y < maxY; y += stepY) {
      for (let x = minX + stepX / 2; x < maxX; x += stepX) {
        if (insideRings(x, y, polys)) out.push([Math.round(x - cx), Math.round(y - cy)]);
      }
    }
    out.sort(function (a, b) { return a[0] * a[0] + 4 * a[1] * a[1] - (b[0] * b[0] + 4 * b[1] * b[1]); });
    return out;
  }

  /* The first shift [dx, dy] that puts the box inside the frame, clear of obstacles and placed labels. */
  function firstFree(home, shifts, frame, blocked, placed) {
    for (const [dx, dy] of shifts) {
      const b = { x: home.x + dx, y: home.y + dy, w: home.w, h: home.h };
      if (!inside(b, frame)) continue;
      if (blocked.some(function (o) { return meets(b, o); })) continue;
      if (placed.some(function (p) { return meets(b, p); })) continue;
      return { dx: dx, dy: dy, box: b };
    }
    return null;
  }

  /* Every label that wants a place, most important first: {el, kind, rank, layer}. */
  function candidates() {
    const out = [];
    if (gw.hotspots) {
      gw.hotspots.forEach(function (m) {
        const tip = m._gwLabelled && m.getTooltip() ? m.getTooltip().getElement() : null;
        if (tip) out.push({ el: tip, kind: 'hotspot', rank: m._gw.level === 'critical' ? 0 : 1 });
      });
    }
    gw.units.subdistrict.forEach(function (layer) {
      const tip = layer.getTooltip() ? layer.getTooltip().getElement() : null;
      if (!tip) return;
      const b = layer.getBounds();
      const area = (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest());
      out.push({ el: tip, kind: 'subdistrict', rank: 2 + 1 / (1 + area * 1e4), layer: layer });
    });
    out.sort(function (a, b) { return a.rank - b.rank; });
    return out;
  }

  /* Boxes nothing may cover: visible cluster bubbles and the map's own controls (legend, scale, zoom). */
  function obstacles(origin, frame) {
    const out = [];
    const container = gw.map.getContainer();
    const pad = 1 * gw.scale;
    container.querySelectorAll('.leaflet-marker-pane .gw-cluster, .leaflet-control').forEach(function (el) {
      const b = box(el.getBoundingClientRect(), origin, pad);
      if (b.w > 0 && b.h > 0 && meets(b, { x: 0, y: 0, w: frame.w, h: frame.h })) out.push(b);
    });
    return out;
  }

  gw.placeLabels = function () {
    timer = null;
    if (!gw.map) return gw.labelLayout;
    const origin = gw.map.getContainer().getBoundingClientRect();
    const frame = { w: origin.width, h: origin.height };
    const blocked = obstacles(origin, frame);
    const placed = [];
    const hidden = [];
    const mine = [];
    const pad = 2 * gw.scale;
    for (const label of candidates()) {
      const el = label.el;
      el.style.marginLeft = '0px';
      el.style.marginTop = '0px';
      el.style.visibility = '';
      const home = box(el.getBoundingClientRect(), origin, pad);
      const text = el.textContent;
      const shifts = SHIFTS.map(function (f) { return [Math.round(f[0] * home.w), Math.round(f[1] * home.h)]; });
      let spot = firstFree(home, shifts, frame, blocked, placed);
      /* Points inside the unit cost a pass over its outline: only when the near shifts are all taken. */
      if (!spot && label.layer) spot = firstFree(home, shiftsInside(label.layer, home), frame, blocked, placed);
      if (spot) {
        el.style.marginLeft = spot.dx + 'px';
        el.style.marginTop = spot.dy + 'px';
        mine.push([el, spot.box]);
        placed.push(Object.assign({ text: text, kind: label.kind, dx: spot.dx, dy: spot.dy }, spot.box));
      } else {
        el.style.visibility = 'hidden';
        hidden.push({ text: text, kind: label.kind });
      }
    }
    const moved = placed.filter(function (p) { return p.dx !== 0 || p.dy !== 0; }).length;
    gw.labelLayout = { placed: placed, hidden: hidden, moved: moved, obstacles: blocked, runs: gw.labelLayout.runs + 1,
      batch: gw.lastBatch };
    lastPlaced = mine;
    if (settleTimer !== null) clearTimeout(settleTimer);
    settleTimer = setTimeout(settle, SETTLE_MS);
    return gw.labelLayout;
  };

  /* Did anything the last placement avoided move or appear since, or did the labels themselves move
     (placed while the map was still flying: a fly's zoom animation outlasting its 'zoomend' on a
     loaded machine left the names where the old view had them, outside the district)? Then place again. */
  function settle() {
    settleTimer = null;
    if (!gw.map || timer !== null) return;
    const origin = gw.map.getContainer().getBoundingClientRect();
    const now = obstacles(origin, { w: origin.width, h: origin.height });
    const before = gw.labelLayout.obstacles || [];
    const same = now.length === before.length && now.every(function (o, i) {
      const b = before[i];
      return Math.abs(o.x - b.x) < 0.5 && Math.abs(o.y - b.y) < 0.5 && Math.abs(o.w - b.w) < 0.5 && Math.abs(o.h - b.h) < 0.5;
    });
    const pad = 2 * gw.scale;
    const drifted = lastPlaced.some(function (pair) {
      const b = box(pair[0].getBoundingClientRect(), origin, pad);
      return Math.abs(b.x - pair[1].x) >= 0.5 || Math.abs(b.y - pair[1].y) >= 0.5;
    });
    if ((!same || drifted) && looks < MAX_LOOKS) {
      looks += 1;
      timer = setTimeout(gw.placeLabels, DEBOUNCE_MS);
    }
  }

  /* What the page shows now, measured from the DOM (for tests): visible labels, cluster bubbles, controls. */
  gw.labelBoxes = function () {
    const container = gw.map.getContainer();
    const origin = container.getBoundingClientRect();
    function measure(selector) {
      const out = [];
      container.querySelectorAll(selector).forEach(function (el) {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden') {
          out.push(Object.assign({ text: el.textContent }, box(r, origin, 0)));
        }
      });
      return out;
    }
    return {
      labels: measure('.leaflet-tooltip.gw-label, .leaflet-tooltip.gw-hot-tip'),
      clusters: measure('.leaflet-marker-pane .gw-cluster'),
      controls: measure('.leaflet-control'),
      frame: { w: origin.width, h: origin.height },
    };
  };

  /* A batch the page took but applies on its next frame tick will place the labels again. */
  gw.labelsPending = function () {
    return timer !== null || settleTimer !== null || Boolean(gw.clockPending && gw.clockPending());
  };

  gw.scheduleLabels = function () {
    looks = 0;
    if (timer === null) timer = setTimeout(gw.placeLabels, DEBOUNCE_MS);
  };

  gw.initLabels = function () {
    gw.map.on('zoomend moveend resize', gw.scheduleLabels);
    if (gw.clusters) gw.clusters.on('animationend', gw.scheduleLabels);
  };
})();
