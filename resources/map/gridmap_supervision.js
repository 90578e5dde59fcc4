/* GridWall map, the supervision view: the component (部件) inventory on a canvas layer,
 * video cameras, a supervisor's track played back, and a pin for looked-up places.
 *
 * Components are tens of thousands of points, so they are not DOM markers: a tiled
 * canvas layer (L.GridLayer) draws each 256 px tile once from a longitude-sorted index
 * (a binary search finds the tile's slice), shown from street zoom (14 on a 1080-line screen, more on a bigger wall) up; clicks pick
 * the nearest drawn point. Text reaches the DOM only through textContent.
 */
(function () {
  'use strict';
  const gw = window.gridwall;
  const MIN_ZOOM = 14;
  /* Street zoom on this display: 14 on a 1080-line screen, one level more per doubling of the
     wall's scale (a 3240-line wall shows the whole district at zoom 14-15, where ~50,000
     components and ~300 cameras would bury it). */
  function streetZoom() { return MIN_ZOOM + Math.max(0, Math.round(Math.log2(gw.scale || 1))); }
  /* one calm colour per major class; state shows as a ring */
  const MAJOR = { '01': '#38bdf8', '02': '#a78bfa', '03': '#2dd4bf', '04': '#4ade80', '05': '#fbbf24', '06': '#94a3b8' };
  const STATE = { damaged: '#f59e0b', missing: '#ef4444', occupied: '#e879f9' };
  const TEXT = {
    zh: { ok: '完好', damaged: '破损', missing: '丢失', occupied: '占用', generated: '部件为生成数据', camera: '视频探头', track: '轨迹回放' },
    en: { ok: 'intact', damaged: 'damaged', missing: 'missing', occupied: 'occupied', generated: 'components generated',
      camera: 'camera', track: 'track playback' },
  };
  function t(key) { return (TEXT[gw.lang] || TEXT.en)[key] || key; }

  const comp = { n: 0, order: null, lon: null, lat: null, codes: [], subclass: [], state: [], layer: null,
    tilesDrawn: 0, pointsDrawn: 0, drawMs: 0, generated: false };
  gw.cameras = new Map();
  gw.track = { line: null, done: null, head: null, data: null, time: null };
  gw.pin = null;

  gw.initSupervision = function () {
    [['gw-components', 400], ['gw-track', 600], ['gw-camera', 615], ['gw-pin', 630]].forEach(function (p) {
      gw.map.createPane(p[0]).style.zIndex = String(p[1]);
    });
    gw.map.getPane('gw-components').style.pointerEvents = 'none';
    gw.map.on('click', onMapClick);
    gw.map.on('zoomend', cameraZoom);
    cameraZoom();
  };

  /* ---------- components ---------- */
  function lowerBound(arr, order, value) {
    let lo = 0; let hi = order.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (arr[order[mid]] < value) lo = mid + 1; else hi = mid; }
    return lo;
  }

  const ComponentLayer = L.GridLayer.extend({
    createTile: function (coords) {
      const tile = document.createElement('canvas');
      const size = this.getTileSize();
      const ratio = window.devicePixelRatio || 1;
      tile.width = size.x * ratio; tile.height = size.y * ratio;
      tile.style.width = size.x + 'px'; tile.style.height = size.y + 'px';
      if (coords.z < streetZoom() || !comp.n) return tile;
      const started = performance.now();
      const ctx = tile.getContext('2d');
      ctx.scale(ratio, ratio);
      const nw = coords.scaleBy(size);
      const west = gw.map.unproject(nw, coords.z).lng;
      const east = gw.map.unproject(nw.add(size), coords.z).lng;
      const north = gw.map.unproject(nw, coords.z).lat;
      const south = gw.map.unproject(nw.add(size), coords.z).lat;
      const pad = (east - west) * 0.04;
      const r = Math.max(1.5, (coords.z >= 17 ? 4.2 : coords.z >= 16 ? 3.2 : 2.0) * gw.scale);
      let drawn = 0;
      for (let k = lowerBound(comp.lon, comp.order, west - pad); k < comp.n; k++) {
        const i = comp.order[k];
        if (comp.lon[i] > east + pad) break;
        if (comp.lat[i] < south - pad || comp.lat[i] > north + pad) continue;
        const p = gw.map.project([comp.lat[i], comp.lon[i]], coords.z).subtract(nw);
        ctx.beginPath();
        ctx.arc(p.x, p.y, r, 0, 2 * Math.PI);
        ctx.fillStyle = MAJOR[comp.subclass[i].slice(0, 2)] || '#94a3b8';
        ctx.globalAlpha = 0.9;
        ctx.fill();
        const ring = STATE[comp.state[i]];
        if (ring && coords.z >= 15) { ctx.lineWidth = 1.6 * gw.scale; ctx.strokeStyle = ring; ctx.globalAlpha = 1; ctx.stroke(); }
        drawn += 1;
      }
      comp.tilesDrawn += 1; comp.pointsDrawn += drawn; comp.drawMs += performance.now() - started;
      return tile;
    },
  });

  gw.setComponents = function (cols) {
    if (comp.layer) { gw.map.removeLayer(comp.layer); comp.layer = null; }
    const n = cols && cols.codes ? cols.codes.length : 0;
    comp.n = n; comp.codes = n ? cols.codes : []; comp.subclass = n ? cols.subclass : []; comp.state = n ? cols.state : [];
    comp.lon = new Float64Array(n); comp.lat = new Float64Array(n);
    for (let i = 0; i < n; i++) { comp.lon[i] = cols.lon[i]; comp.lat[i] = cols.lat[i]; }
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    comp.order = Array.prototype.slice.call(order).sort(function (a, b) { return comp.lon[a] - comp.lon[b]; });
    comp.generated = !!(cols && cols.generated);
    if (n) {
      comp.layer = new ComponentLayer({ pane: 'gw-components', minZoom: streetZoom(), updateWhenZooming: false,
        keepBuffer: 2 });
      comp.layer.addTo(gw.map);
    }
    if (gw.updateAttribution) gw.updateAttribution();
  };

  /* Show or hide the component layer (benchmarks compare the frame time with it off and on). */
  gw.showComponents = function (on) {
    if (!comp.layer) return false;
    if (on && !gw.map.hasLayer(comp.layer)) comp.layer.addTo(gw.map);
    if (!on && gw.map.hasLayer(comp.layer)) gw.map.removeLayer(comp.layer);
    return gw.map.hasLayer(comp.layer);
  };

  gw.componentsNote = function () { return comp.n && comp.generated ? t('generated') : ''; };

  function nearestComponent(latlng) {
    if (!comp.n || gw.map.getZoom() < streetZoom()) return null;
    const c = gw.map.latLngToContainerPoint(latlng);
    const tol = 8 * gw.scale;
    const west = gw.map.containerPointToLatLng([c.x - tol, c.y]).lng;
    const east = gw.map.containerPointToLatLng([c.x + tol, c.y]).lng;
    let best = -1; let bestD = tol * tol;
    for (let k = lowerBound(comp.lon, comp.order, west); k < comp.n; k++) {
      const i = comp.order[k];
      if (comp.lon[i] > east) break;
      const p = gw.map.latLngToContainerPoint([comp.lat[i], comp.lon[i]]);
      const d = (p.x - c.x) * (p.x - c.x) + (p.y - c.y) * (p.y - c.y);
      if (d <= bestD) { bestD = d; best = i; }
    }
    return best < 0 ? null : best;
  }

  function onMapClick(e) {
    const i = nearestComponent(e.latlng);
    if (i === null) return;
    gw.emit('componentClicked', comp.codes[i]);
    const box = gw.el('div', 'gw-tip-body');
    box.appendChild(gw.el('div', 'gw-tip-title', comp.codes[i]));
    box.appendChild(gw.el('div', 'gw-tip-sub', t(comp.state[i])));
    L.popup({ className: 'gw-tip', closeButton: false, autoPan: false })
      .setLatLng([comp.lat[i], comp.lon[i]]).setContent(box).openOn(gw.map);
  }

  /* Click the component with this code (tests; the same path as a user click). */
  gw.clickComponent = function (code) {
    const i = comp.codes.indexOf(String(code));
    if (i < 0) return false;
    onMapClick({ latlng: L.latLng(comp.lat[i], comp.lon[i]) });
    return true;
  };

  /* ---------- cameras ---------- */
  /* Shown from street zoom, like the components: at district zoom ~300 of them would bury the
     case bubbles and the names. A camera offered for the case at hand (active) shows at any zoom. */
  function cameraZoom() {
    gw.map.getPane('gw-camera').classList.toggle('gw-camera-far', gw.map.getZoom() < streetZoom());
  }
  /* The diamond is an inner element: Leaflet positions the marker's own element with a transform,
     which would replace a rotation given to it. */
  function cameraIcon(cls) { return L.divIcon({ className: cls, iconSize: null, html: '<i></i>' }); }
  function cameraName(c) { return (gw.lang === 'en' ? c.name_en || c.name_zh : c.name_zh || c.name_en) || c.id; }
  gw.setCameras = function (list) {
    const seen = new Set();
    for (const c of list) {
      const id = String(c.id);
      seen.add(id);
      let m = gw.cameras.get(id);
      const cls = 'gw-camera' + (c.url ? '' : ' gw-camera--nostream') + (c.active ? ' gw-camera--active' : '');
      if (!m) {
        m = L.marker([c.lat, c.lon], { icon: cameraIcon(cls), pane: 'gw-camera',
          keyboard: false });
        m.bindTooltip(function (layer) {
          const box = gw.el('div', 'gw-tip-body');
          box.appendChild(gw.el('div', 'gw-tip-title', cameraName(layer._gw)));
          box.appendChild(gw.el('div', 'gw-tip-sub', t('camera') + ' ' + layer._gw.id));
          return box;
        }, { className: 'gw-tip', direction: 'top' });
        m.on('click', function (ev) { if (ev.originalEvent) L.DomEvent.stopPropagation(ev); gw.emit('cameraClicked', id); });
        m.addTo(gw.map);
        gw.cameras.set(id, m);
      } else {
        m.setLatLng([c.lat, c.lon]);
        if (m.options.icon.options.className !== cls) m.setIcon(cameraIcon(cls));
      }
      m._gw = c;
    }
    for (const [id, m] of gw.cameras) if (!seen.has(id)) { gw.map.removeLayer(m); gw.cameras.delete(id); }
  };

  /* ---------- track playback ---------- */
  function clearTrack() {
    ['line', 'done', 'head'].forEach(function (k) { if (gw.track[k]) { gw.map.removeLayer(gw.track[k]); gw.track[k] = null; } });
    gw.track.data = null; gw.track.time = null;
  }

  gw.setTrack = function (tr) {
    clearTrack();
    if (!tr || !tr.at || !tr.at.length) return;
    gw.track.data = tr;
    const pts = tr.at.map(function (_, i) { return [tr.lat[i], tr.lon[i]]; });
    gw.track.line = L.polyline(pts, { pane: 'gw-track', color: '#64748b', weight: 2.5 * gw.scale, opacity: 0.8,
      dashArray: (4 * gw.scale) + ' ' + (4 * gw.scale), interactive: false }).addTo(gw.map);
    gw.track.done = L.polyline([], { pane: 'gw-track', color: '#fde047', weight: 4 * gw.scale, opacity: 0.95,
      interactive: false }).addTo(gw.map);
    gw.track.head = L.marker(pts[0], { pane: 'gw-track', icon: L.divIcon({ className: 'gw-track-head', iconSize: null }),
      interactive: false }).addTo(gw.map);
    if (tr.fit !== false) gw.map.fitBounds(gw.track.line.getBounds(), { padding: [60 * gw.scale, 60 * gw.scale], animate: false });
    gw.userMoved = true;
    gw.focusBounds = null;
    gw.setTrackTime(tr.at[0]);
  };

  gw.setTrackTime = function (time) {
    const tr = gw.track.data;
    if (!tr) return null;
    const at = tr.at;
    let k = 0;
    while (k + 1 < at.length && at[k + 1] <= time) k += 1;
    let lat = tr.lat[k]; let lon = tr.lon[k];
    if (k + 1 < at.length && at[k + 1] > at[k] && time > at[k]) {
      const f = Math.min(1, (time - at[k]) / (at[k + 1] - at[k]));
      lat += (tr.lat[k + 1] - lat) * f; lon += (tr.lon[k + 1] - lon) * f;
    }
    const done = [];
    for (let i = 0; i <= k; i++) done.push([tr.lat[i], tr.lon[i]]);
    done.push([lat, lon]);
    gw.track.done.setLatLngs(done);
    gw.track.head.setLatLng([lat, lon]);
    gw.track.time = time;
    return k;
  };

  /* ---------- a pin for a looked-up place ---------- */
  gw.setPin = function (pin) {
    if (gw.pin) { gw.map.removeLayer(gw.pin); gw.pin = null; }
    if (!pin) return;
    gw.pin = L.marker([pin.lat, pin.lon], { pane: 'gw-pin', icon: L.divIcon({ className: 'gw-pin', iconSize: null }),
      interactive: false }).addTo(gw.map);
    if (pin.label) gw.pin.bindTooltip(gw.el('span', null, pin.label), { permanent: true, direction: 'top', className: 'gw-pin-label' });
    gw.userMoved = true;
    gw.focusBounds = null;
    gw.map.flyTo([pin.lat, pin.lon], pin.zoom || 17, { duration: 0.8 });
  };

  gw.applySupervision = function (b) {
    if (b.components !== undefined) gw.setComponents(b.components);
    if (b.cameras) gw.setCameras(b.cameras);
    if (b.track !== undefined) gw.setTrack(b.track);
    if (b.trackTime !== undefined && b.trackTime !== null) gw.setTrackTime(b.trackTime);
    if (b.pin !== undefined) gw.setPin(b.pin);
  };

  gw.supervisionState = function () {
    return {
      components: comp.n, componentTiles: comp.tilesDrawn, componentPoints: comp.pointsDrawn,
      componentLayerOn: !!(comp.layer && gw.map.hasLayer(comp.layer)), componentDrawMs: comp.drawMs,
      cameras: gw.cameras.size, trackPoints: gw.track.data ? gw.track.data.at.length : 0, trackTime: gw.track.time,
      trackHead: gw.track.head ? [gw.track.head.getLatLng().lat, gw.track.head.getLatLng().lng] : null,
      pin: gw.pin ? [gw.pin.getLatLng().lat, gw.pin.getLatLng().lng] : null,
    };
  };
})();
