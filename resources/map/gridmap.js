/* GridWall live grid map, core: panes, unit layers, grid colouring, batch API.
 *
 * The page is built once (folium); Python pushes JSON batches through
 * window.gridwall.applyBatch(). Zoom rules, legend and attribution live in
 * gridmap_controls.js, markers in gridmap_markers.js, label placement in gridmap_labels.js.
 * Every text that reaches the DOM goes through textContent (gw.el), never innerHTML.
 */
(function () {
  'use strict';

  const LEVELS = ['subdistrict', 'community', 'grid'];
  /* Sequential palette on dark, calm -> hot. */
  const PALETTE = ['#0e4a5e', '#0a6679', '#078394', '#139d98', '#3db38f', '#8fc970', '#efc14a', '#f68d3b', '#ef4b3f'];
  const TEXT = {
    zh: { density: '网格实时案件数', overdue: '网格超期案件数', none: '无' },
    en: { density: 'Open cases per grid', overdue: 'Overdue cases per grid', none: 'none' },
  };
  const NICE = [1, 2, 3, 5, 8, 10, 15, 20, 30, 50, 80, 100, 150, 200, 300, 500, 800, 1000];

  const gw = {
    map: null,
    opts: {},
    scale: 1,
    lang: 'zh',
    layers: {},            // level -> L.GeoJSON
    units: { subdistrict: new Map(), community: new Map(), grid: new Map() },
    typical: {},           // level -> typical cell side in metres
    grid: { values: {}, mode: 'density', max: 1, coloured: 0 },
    lastBatch: 0,
    bridge: null,
    channelReady: false,
    userMoved: false,
    focusBounds: null,
    fitted: false,
    highlightLayer: null,
    highlightCode: null,
    pick: 'subdistrict',
    clicks: 0,
    errors: 0,
  };

  /* ---------- small DOM helpers (textContent only) ---------- */
  gw.el = function (tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };
  gw.esc = function (text) {
    const d = document.createElement('div');
    d.textContent = String(text);
    return d.innerHTML;
  };
  gw.name = function (props) {
    if (!props) return '';
    return (gw.lang === 'en' ? props.name_en || props.name_zh : props.name_zh || props.name_en) || props.code || '';
  };
  gw.t = function (key) {
    return (TEXT[gw.lang] || TEXT.en)[key] || key;
  };
  gw.emit = function (name) {
    const args = Array.prototype.slice.call(arguments, 1);
    if (gw.bridge && typeof gw.bridge[name] === 'function') gw.bridge[name].apply(gw.bridge, args);
  };
  gw.px = function (value) { return value * gw.scale; };

  /* ---------- init ---------- */
  gw.init = function (map, opts) {
    gw.map = map;
    gw.opts = opts || {};
    gw.scale = +gw.opts.scale || 1;
    gw.lang = gw.opts.language === 'en' ? 'en' : 'zh';
    const container = map.getContainer();
    container.classList.add('gw-map');
    if (!gw.opts.tiles) container.classList.add('gw-no-tiles');
    document.documentElement.style.setProperty('--gw-s', String(gw.scale));
    const panes = [['gw-grid', 360], ['gw-community', 370], ['gw-subglow', 380], ['gw-subdistrict', 390],
      ['gw-highlight', 395], ['gw-label', 640], ['gw-hotspot', 590], ['gw-staff', 610], ['gw-sensor', 620]];
    panes.forEach(function (p) { map.createPane(p[0]).style.zIndex = String(p[1]); });
    if (gw.opts.controls) L.control.zoom({ position: 'topleft' }).addTo(map);
    L.control.scale({ imperial: false, position: 'bottomright', maxWidth: Math.round(100 * gw.scale) }).addTo(map);
    gw.attribution = L.control.attribution({ prefix: false, position: 'bottomright' }).addTo(map);
    gw.legend = gw.makeLegend().addTo(map);
    gw.updateAttribution();
    map.on('zoomend', gw.updateZoomClasses);
    map.on('resize', function () { gw.onResize(); });
    ['mousedown', 'wheel', 'touchstart', 'dblclick'].forEach(function (ev) {
      container.addEventListener(ev, function () { gw.userMoved = true; gw.focusBounds = null; }, { passive: true });
    });
    if (gw.initMarkers) gw.initMarkers();
    if (gw.initLabels) gw.initLabels();
    if (gw.initSupervision) gw.initSupervision();
    gw.connectChannel();
  };

  gw.connectChannel = function () {
    if (typeof QWebChannel === 'undefined' || typeof qt === 'undefined' || !qt.webChannelTransport) return;
    new QWebChannel(qt.webChannelTransport, function (channel) {
      gw.bridge = channel.objects.bridge;
      gw.channelReady = true;
      gw.emit('pageReady');
    });
  };

  /* ---------- units ---------- */
  function unitStyle(level, feature) {
    const s = gw.scale;
    if (level === 'subdistrict') {
      return { color: '#7df3ff', weight: 1.7 * s, opacity: 0.95, fillColor: '#22d3ee', fillOpacity: 0.035,
        className: 'gw-unit gw-subdistrict' };
    }
    if (level === 'community') {
      return { color: '#2dd4bf', weight: 0.9 * s, opacity: 0.55, fillColor: '#000', fillOpacity: 0,
        dashArray: (3 * s) + ' ' + (3 * s), className: 'gw-unit gw-community' };
    }
    const code = feature && feature.properties ? feature.properties.code : null;
    return Object.assign({ color: '#4fd1c5', weight: 0.6 * s, opacity: 0.45, className: 'gw-unit gw-grid' },
      gw.gridFill(code));
  }

  function glowStyle(width, opacity) {
    return function () {
      return { color: '#22d3ee', weight: width * gw.scale, opacity: opacity, fill: false, className: 'gw-glow' };
    };
  }

  function unitTooltip(level) {
    return function (layer) {
      const p = layer.feature.properties;
      const box = gw.el('div', 'gw-tip-body');
      box.appendChild(gw.el('div', 'gw-tip-title', gw.name(p)));
      box.appendChild(gw.el('div', 'gw-tip-sub', p.code));
      if (level === 'grid' && p.code in gw.grid.values) {
        box.appendChild(gw.el('div', 'gw-tip-value', gw.t(gw.grid.mode) + ': ' + gw.grid.values[p.code]));
      }
      return box;
    };
  }

  function labelText(p) {
    const name = gw.name(p);
    return gw.lang === 'zh' ? name.replace(/街道$/, '') : name.replace(/\s+Subdistrict$/i, '');
  }

  /* The view is fitted before the layers go on the map, so each path is projected and drawn once
   * (fitting after drew all ~2,700 twice). Community and grid tooltips are bound once per layer
   * group (the content function gets the hovered unit), not once per unit. */
  gw.setUnits = function (byLevel) {
    ['glowWide', 'glowThin'].concat(LEVELS).forEach(function (key) {
      if (gw.layers[key]) { gw.map.removeLayer(gw.layers[key]); delete gw.layers[key]; }
    });
    LEVELS.forEach(function (level) { gw.units[level].clear(); });
    const subs = byLevel.subdistrict;
    const adding = [];
    if (subs) {
      gw.layers.glowWide = L.geoJSON(subs, { pane: 'gw-subglow', interactive: false, style: glowStyle(9, 0.10) });
      gw.layers.glowThin = L.geoJSON(subs, { pane: 'gw-subglow', interactive: false, style: glowStyle(4, 0.22) });
      adding.push(gw.layers.glowWide, gw.layers.glowThin);
    }
    LEVELS.forEach(function (level) {
      const fc = byLevel[level];
      if (!fc) return;
      const layer = L.geoJSON(fc, {
        pane: 'gw-' + level,
        style: function (feature) { return unitStyle(level, feature); },
        onEachFeature: function (feature, lyr) {
          const code = String(feature.properties.code);
          lyr._gwLevel = level;
          gw.units[level].set(code, lyr);
          lyr.on('click', gw.onUnitClick);
          if (level === 'subdistrict') {
            lyr.bindTooltip(gw.el('span', null, labelText(feature.properties)),
              { permanent: true, direction: 'center', className: 'gw-label', pane: 'gw-label', interactive: false });
          }
        },
      });
      if (level !== 'subdistrict') {
        layer.bindTooltip(unitTooltip(level), { sticky: true, className: 'gw-tip', direction: 'top' });
      }
      gw.layers[level] = layer;
      adding.push(layer);
    });
    if (!gw.fitted || !gw.userMoved) gw.fitDistrict(false);
    adding.forEach(function (layer) { layer.addTo(gw.map); });
    LEVELS.forEach(function (level) { if (gw.layers[level]) gw.typical[level] = typicalSide(gw.layers[level]); });
    gw.applyGridColours(true);
    gw.updateZoomClasses();
    if (gw.highlightCode) gw.highlight(gw.highlightCode);
  };

  function typicalSide(layer) {
    const sides = [];
    layer.eachLayer(function (l) {
      const b = l.getBounds();
      const h = b.getNorth() - b.getSouth();
      const w = (b.getEast() - b.getWest()) * Math.cos(b.getCenter().lat * Math.PI / 180);
      sides.push(Math.sqrt(Math.max(w * h, 0)) * 111320 * 0.85);
    });
    sides.sort(function (a, b) { return a - b; });
    return sides.length ? sides[Math.floor(sides.length / 2)] : 0;
  }

  /* Is the map laid out, with room for a view padded by `pad` (× scale)? A view not yet shown is
   * 100×30 px: fitting there leaves no room and Leaflet zooms to its maximum, where drawing the
   * ~2,700 units kept the renderer busy for seconds; the first resize fits instead. */
  function roomFor(pad) {
    const size = gw.map.getSize();
    return Math.min(size.x, size.y) >= 4 * pad * gw.scale;
  }
  const DISTRICT_PAD = 24;
  const FOCUS_PAD = 60;

  gw.fitDistrict = function (animate) {
    const base = gw.layers.subdistrict || gw.layers.community || gw.layers.grid;
    if (!base || !gw.map) return;
    const bounds = base.getBounds();
    if (!bounds.isValid() || !roomFor(DISTRICT_PAD)) return;
    const pad = DISTRICT_PAD * gw.scale;
    gw.map.fitBounds(bounds, { padding: [pad, pad], animate: !!animate });
    gw.fitted = true;
  };

  /* After a resize: the unit flown to stays framed; else, unless someone moved the map, the district. */
  gw.onResize = function () {
    if (gw.map._animatingZoom) {  /* the end of a running zoom animation would put its own target back */
      gw.map.once('zoomend', gw.onResize);
      return;
    }
    if (gw.focusBounds) {
      if (roomFor(FOCUS_PAD)) {
        gw.map.fitBounds(gw.focusBounds, { padding: [FOCUS_PAD * gw.scale, FOCUS_PAD * gw.scale], animate: false });
      }
    } else if (!gw.userMoved) {
      gw.fitDistrict(false);
    }
  };

  gw.onUnitClick = function (e) {
    const layer = e.target;
    if (e.originalEvent) L.DomEvent.stopPropagation(e);
    gw.clicks += 1;
    gw.emit('unitClicked', String(layer.feature.properties.code), layer._gwLevel);
  };

  /* Fire the very handler a user click fires (used by tests and keyboard shortcuts). */
  gw.clickUnit = function (code) {
    const layer = gw.findUnit(code);
    if (!layer) return false;
    layer.fire('click', { latlng: layer.getBounds().getCenter() });
    return true;
  };

  gw.findUnit = function (code) {
    for (const level of LEVELS) {
      const layer = gw.units[level].get(String(code));
      if (layer) return layer;
    }
    return null;
  };

  /* ---------- grid colouring ---------- */
  function niceMax(v) {
    for (const n of NICE) if (v <= n) return n;
    return Math.pow(10, Math.ceil(Math.log10(v)));
  }

  gw.binOf = function (v) {
    if (!(v > 0)) return -1;
    const t = Math.sqrt(Math.min(v, gw.grid.max) / gw.grid.max);
    return Math.min(PALETTE.length - 1, Math.floor(t * PALETTE.length));
  };

  gw.gridFill = function (code) {
    const bin = gw.binOf(code === null ? 0 : gw.grid.values[code]);
    if (bin < 0) return { fillColor: '#0b1a2a', fillOpacity: 0 };
    return { fillColor: PALETTE[bin], fillOpacity: 0.6 + 0.32 * bin / (PALETTE.length - 1) };
  };

  gw.setGridValues = function (values, mode) {
    gw.grid.values = values || {};
    gw.grid.mode = mode || 'density';
    gw.applyGridColours(false);
  };

  gw.applyGridColours = function (force) {
    let max = 0;
    for (const k in gw.grid.values) if (gw.grid.values[k] > max) max = gw.grid.values[k];
    gw.grid.max = niceMax(Math.max(max, 1));
    let coloured = 0;
    gw.units.grid.forEach(function (layer, code) {
      const bin = gw.binOf(gw.grid.values[code]);
      if (bin >= 0) coloured += 1;
      if (force || layer._gwBin !== bin) {
        layer._gwBin = bin;
        layer.setStyle(gw.gridFill(code));
      }
    });
    gw.grid.coloured = coloured;
    gw.updateLegend();
  };

  /* ---------- language, scale, highlight ---------- */
  gw.setLanguage = function (lang) {
    gw.lang = lang === 'en' ? 'en' : 'zh';
    gw.units.subdistrict.forEach(function (layer) {
      layer.setTooltipContent(gw.el('span', null, labelText(layer.feature.properties)));
    });
    gw.updateLegend();
    gw.updateAttribution();
    if (gw.relabelMarkers) gw.relabelMarkers();
  };

  gw.setScale = function (scale) {
    gw.scale = +scale || 1;
    document.documentElement.style.setProperty('--gw-s', String(gw.scale));
    LEVELS.forEach(function (level) {
      if (gw.layers[level]) gw.layers[level].setStyle(function (f) { return unitStyle(level, f); });
    });
    if (gw.layers.glowWide) gw.layers.glowWide.setStyle(glowStyle(9, 0.10));
    if (gw.layers.glowThin) gw.layers.glowThin.setStyle(glowStyle(4, 0.22));
    gw.updateZoomClasses();
  };

  gw.highlight = function (code, fly) {
    if (gw.highlightLayer) { gw.map.removeLayer(gw.highlightLayer); gw.highlightLayer = null; }
    gw.highlightCode = code || null;
    const layer = code ? gw.findUnit(code) : null;
    if (!layer) {
      if (!code && fly) {  /* back to the whole district, smoothly (the tour, the drill-down's way back) */
        gw.userMoved = false;
        gw.focusBounds = null;
        gw.fitDistrict(true);
      }
      return false;
    }
    gw.highlightLayer = L.geoJSON(layer.toGeoJSON(), {
      pane: 'gw-highlight', interactive: false,
      style: { color: '#fde68a', weight: 3 * gw.scale, opacity: 1, fill: false, className: 'gw-highlight' },
    }).addTo(gw.map);
    if (fly) {
      /* Placed on purpose: a resize frames this unit again instead of sending the view back to the
       * district (a wall that is just starting gets its page's real size after a look-up may have
       * come). A map not laid out yet is framed on its first resize, not flown to Leaflet's maximum. */
      gw.userMoved = true;
      gw.focusBounds = layer.getBounds();
      if (roomFor(FOCUS_PAD)) {
        gw.map.flyToBounds(gw.focusBounds, { padding: [FOCUS_PAD * gw.scale, FOCUS_PAD * gw.scale], duration: 0.8 });
      }
    }
    return true;
  };

  /* ---------- one clock for every animation ----------
   * The page's CSS animations move in steps of FRAME_MS (gridmap.css). Each new animation's
   * start is set to the last multiple of FRAME_MS on the document timeline (before its first
   * frame when it is new, so it is never drawn off the clock), so all steps fall in the same
   * frames: a wall with pulsing cases, fading closures and a ringing hot spot draws 16 frames a
   * second, not 60 (each frame is work for the renderer, Chromium's compositor and the wall's
   * GUI thread). Transitions (Leaflet's fades and zooms: short, on a user's action) are left be. */
  const FRAME_MS = 62.5;
  gw.FRAME_MS = FRAME_MS;
  gw.aligned = 0;
  gw.alignAnimations = function () {
    const now = performance.now();
    for (const a of document.getAnimations()) {
      if (a._gwAligned || !a.animationName) continue;
      a._gwAligned = true;
      a.startTime = Math.floor((a.startTime === null ? now : a.startTime) / FRAME_MS) * FRAME_MS;
      gw.aligned += 1;
    }
  };

  /* Work that changes what the page shows runs on the same clock: queued, then run at the next
   * multiple of FRAME_MS, so a batch's markers are drawn in the frame the animations step in,
   * not in a frame of their own. */
  let clockQueue = [];
  let clockTimer = 0;
  function runClock() {
    clockTimer = 0;
    const queue = clockQueue;
    clockQueue = [];
    for (const fn of queue) {
      try {
        fn();
      } catch (err) {  /* one failing piece of work stops no other */
        gw.errors += 1;
        console.error('gridwall clock: ' + (err && err.stack ? err.stack : err));
      }
    }
    gw.alignAnimations();
  }
  gw.atNextFrame = function (fn) {
    clockQueue.push(fn);
    if (!clockTimer) clockTimer = setTimeout(runClock, FRAME_MS - performance.now() % FRAME_MS);
  };
  /* Is work queued for the next tick (a batch taken, not yet applied)? */
  gw.clockPending = function () { return clockTimer !== 0; };
  /* Run what is queued now (a snapshot, a reading of the page's state). */
  gw.flushClock = function () {
    if (!clockTimer) return;
    clearTimeout(clockTimer);
    runClock();
  };

  /* ---------- batch API ----------
   * A batch with units or a reset (the first screen, a snapshot), or one sent to be drawn now (the
   * wall's snapshot, ``GridMap.flush_now``), is applied at once, after any queued one; other
   * batches at the next tick of the clock. The answer is the batch's id. */
  gw.applyBatch = function (b) {
    if (b.units || b.reset || b.now) {
      gw.flushClock();
      const id = apply(b);
      gw.alignAnimations();
      return id;
    }
    gw.atNextFrame(function () { apply(b); });
    return b.id || gw.lastBatch;
  };

  function apply(b) {
    try {
      if (b.reset && gw.resetMarkers) gw.resetMarkers();
      if (b.scale !== undefined) gw.setScale(b.scale);
      if (b.language !== undefined) gw.setLanguage(b.language);
      if (b.units) gw.setUnits(b.units);
      if (b.grid) gw.setGridValues(b.grid.values, b.grid.mode);
      if (gw.applyMarkers) gw.applyMarkers(b);
      if (gw.applySupervision) gw.applySupervision(b);
      if (b.highlight !== undefined) gw.highlight(b.highlight && b.highlight.code, b.highlight && b.highlight.fly);
      if (gw.scheduleLabels) gw.scheduleLabels();
    } catch (err) {
      gw.errors += 1;
      console.error('gridwall batch ' + b.id + ' failed: ' + (err && err.stack ? err.stack : err));
    }
    gw.lastBatch = b.id || gw.lastBatch;
    return gw.lastBatch;
  }

  gw.state = function () {
    gw.flushClock();
    const out = {
      leaflet: typeof L === 'object' ? L.version : null,
      channel: gw.channelReady,
      lastBatch: gw.lastBatch,
      language: gw.lang,
      scale: gw.scale,
      zoom: gw.map ? gw.map.getZoom() : null,
      pick: gw.pick,
      units: { subdistrict: gw.units.subdistrict.size, community: gw.units.community.size, grid: gw.units.grid.size },
      gridColoured: gw.grid.coloured,
      gridMode: gw.grid.mode,
      gridMax: gw.grid.max,
      highlight: gw.highlightCode,
      clicks: gw.clicks,
      errors: gw.errors,
    };
    if (gw.supervisionState) Object.assign(out, gw.supervisionState());
    return gw.markerState ? Object.assign(out, gw.markerState()) : out;
  };

  gw.PALETTE = PALETTE;
  window.gridwall = gw;
})();
