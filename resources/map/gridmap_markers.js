/* GridWall live grid map, markers: cases (clustered, pulsing), supervisors, hot spots, sensors.
 *
 * Case descriptions are untrusted citizen text: tooltips and popups are built
 * with textContent only. Marker icons carry no text except cluster counts (integers).
 */
(function () {
  'use strict';
  const gw = window.gridwall;
  const SEVERITY = { closed: 0, new: 1, open: 1, due_soon: 2, overdue: 3 };
  const STATUS_TEXT = {
    zh: { new: '新上报', open: '处置中', due_soon: '即将超期', overdue: '超期', closed: '已结案' },
    en: { new: 'new', open: 'open', due_soon: 'due soon', overdue: 'overdue', closed: 'closed' },
  };
  const CROWD_TEXT = {
    zh: { normal: '正常', busy: '较多', crowded: '拥挤', critical: '严重拥挤' },
    en: { normal: 'normal', busy: 'busy', crowded: 'crowded', critical: 'critical' },
  };
  const SENSOR_TEXT = {
    zh: { rain_gauge: '雨量计', water_level: '积水监测', manhole: '井盖监测', rfid: 'RFID 设施' },
    en: { rain_gauge: 'rain gauge', water_level: 'water level', manhole: 'manhole cover', rfid: 'RFID facility' },
  };
  const PULSE_MS = 2600;
  /* New cases pulse; at most PULSE_PER_S of them a second (a token bucket, in the order they
   * come). At a command centre's pace every new case pulses; in a flood the rest
   * appear without a ring: a thousand rings a second say nothing more than ten, and every
   * ring is a frame to draw for the renderer, Chromium's compositor and the wall. */
  const PULSE_PER_S = 10;
  const pulses = { tokens: PULSE_PER_S, at: 0 };
  const icons = {};

  gw.PULSE_PER_S = PULSE_PER_S;
  gw.pulseTokens = function () {
    const now = performance.now();
    pulses.tokens = Math.min(PULSE_PER_S, pulses.tokens + (now - pulses.at) * PULSE_PER_S / 1000);
    pulses.at = now;
    return pulses.tokens;
  };
  function takePulse() {
    if (gw.pulseTokens() < 1) return false;
    pulses.tokens -= 1;
    return true;
  }

  function status(s) { return s in SEVERITY ? s : 'open'; }
  function caseIcon(st, fresh) {
    const key = st + (fresh ? '+' : '');
    if (!icons[key]) {
      icons[key] = L.divIcon({ className: 'gw-case gw-case--' + st + (fresh ? ' gw-fresh' : ''), iconSize: null,
        html: '' });
    }
    return icons[key];
  }
  function lookup(table, key) { return ((table[gw.lang] || table.en)[key]) || String(key); }
  function beijingTime(epoch) {
    if (typeof epoch !== 'number' || !isFinite(epoch)) return '';
    return new Date((epoch + 8 * 3600) * 1000).toISOString().slice(5, 16).replace('T', ' ');
  }
  function title(c) { return (gw.lang === 'en' ? c.title_en || c.title_zh : c.title_zh || c.title_en) || c.id; }

  /* ---------- cases ---------- */
  gw.cases = new Map();

  gw.initMarkers = function () {
    gw.clusters = L.markerClusterGroup({
      maxClusterRadius: function () { return 70 * gw.scale; },
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      disableClusteringAtZoom: 17,
      removeOutsideVisibleBounds: true,
      chunkedLoading: false,
      iconCreateFunction: clusterIcon,
    }).addTo(gw.map);
    gw.staff = new Map();
    gw.hotspots = new Map();
    gw.sensors = new Map();
  };

  const RING = [['overdue', '#ef4444'], ['due_soon', '#f5a524'], ['open', '#38d5f5'], ['closed', '#22c55e']];

  /* Cluster: a ring split by the share of each state (overdue, due soon, open, closed), count inside. */
  function clusterIcon(cluster) {
    const counts = { overdue: 0, due_soon: 0, open: 0, closed: 0 };
    let fresh = false;
    for (const m of cluster.getAllChildMarkers()) {
      const st = m._gw.status === 'new' ? 'open' : m._gw.status;
      counts[st] += 1;
      if (m._gwFresh) fresh = true;
    }
    const n = cluster.getChildCount();
    const stops = [];
    let at = 0;
    for (const [st, colour] of RING) {
      if (!counts[st]) continue;
      const next = at + 100 * counts[st] / n;
      stops.push(colour + ' ' + at.toFixed(1) + '% ' + next.toFixed(1) + '%');
      at = next;
    }
    const size = n < 10 ? 's' : n < 100 ? 'm' : 'l';
    const tone = counts.overdue * 3 >= n ? 'overdue' : (counts.overdue + counts.due_soon) * 2 >= n ? 'due_soon' : 'open';
    return L.divIcon({
      html: '<div class="gw-cl-ring" style="background:conic-gradient(' + stops.join(',') + ')"></div><span>' +
        String(n | 0) + '</span>',
      iconSize: null,
      className: 'gw-cluster gw-cluster--' + size + ' gw-cluster--' + tone + (fresh ? ' gw-fresh' : ''),
    });
  }

  function caseTooltip(marker) {
    const c = marker._gw;
    const box = gw.el('div', 'gw-tip-body');
    box.appendChild(gw.el('div', 'gw-tip-title', title(c)));
    box.appendChild(gw.el('div', 'gw-tip-sub gw-st-' + c.status, lookup(STATUS_TEXT, c.status)));
    if (c.address) box.appendChild(gw.el('div', 'gw-tip-sub', c.address));
    return box;
  }

  function casePopup(c) {
    const box = gw.el('div', 'gw-card');
    box.appendChild(gw.el('div', 'gw-card-title', title(c)));
    const meta = box.appendChild(gw.el('div', 'gw-card-meta'));
    meta.appendChild(gw.el('span', 'gw-pill gw-st-' + c.status, lookup(STATUS_TEXT, c.status)));
    meta.appendChild(gw.el('span', 'gw-card-time', beijingTime(c.reported_at)));
    meta.appendChild(gw.el('span', 'gw-card-id', c.id));
    if (c.address) box.appendChild(gw.el('div', 'gw-card-addr', c.address));
    if (c.description) box.appendChild(gw.el('div', 'gw-card-desc', c.description));
    return box;
  }

  function onCaseClick(e) {
    const c = e.target._gw;
    gw.emit('caseClicked', String(c.id));
    L.popup({ className: 'gw-popup', maxWidth: 360 * gw.scale, autoPan: false })
      .setLatLng([c.lat, c.lon]).setContent(casePopup(c)).openOn(gw.map);
  }

  gw.clickCase = function (id) {
    const m = gw.cases.get(String(id));
    if (!m) return false;
    m.fire('click', { latlng: m.getLatLng() });
    return true;
  };

  function upsertCases(list, fresh, toAdd, toRefresh, pulsing) {
    for (const c of list || []) {
      const id = String(c.id);
      c.status = status(c.status);
      let m = gw.cases.get(id);
      if (m) {
        const old = m._gw;
        m._gw = c;
        if (old.lat !== c.lat || old.lon !== c.lon) m.setLatLng([c.lat, c.lon]);
        if (old.status !== c.status) { m.setIcon(caseIcon(c.status, m._gwFresh)); toRefresh.push(m); }
        continue;
      }
      const pulse = fresh && takePulse();
      m = L.marker([c.lat, c.lon], { icon: caseIcon(c.status, pulse), keyboard: false, riseOnHover: true });
      m._gw = c;
      m._gwFresh = pulse;
      m.on('click', onCaseClick);
      m.bindTooltip(caseTooltip, { className: 'gw-tip', direction: 'top' });
      gw.cases.set(id, m);
      toAdd.push(m);
      if (pulse) pulsing.push(m);
    }
  }

  function settle(markers) {
    const still = markers.filter(function (m) { return m._gwFresh && gw.cases.get(String(m._gw.id)) === m; });
    still.forEach(function (m) { m._gwFresh = false; m.setIcon(caseIcon(m._gw.status, false)); });
    if (still.length) gw.clusters.refreshClusters(still);
  }

  gw.applyMarkers = function (b) {
    if (b.removed && b.removed.length) {
      const out = [];
      for (const id of b.removed) {
        const m = gw.cases.get(String(id));
        if (m) { out.push(m); gw.cases.delete(String(id)); }
      }
      if (out.length) gw.clusters.removeLayers(out);
    }
    const toAdd = [];
    const toRefresh = [];
    const pulsing = [];
    upsertCases(b.added, true, toAdd, toRefresh, pulsing);
    upsertCases(b.updated, false, toAdd, toRefresh, pulsing);
    if (toAdd.length) gw.clusters.addLayers(toAdd);
    if (toRefresh.length) gw.clusters.refreshClusters(toRefresh);
    if (pulsing.length) setTimeout(function () { gw.atNextFrame(function () { settle(pulsing); }); }, PULSE_MS);
    if (b.staff) gw.setStaff(b.staff);
    if (b.hotspots) gw.setHotspots(b.hotspots);
    if (b.sensors) gw.setSensors(b.sensors);
  };

  gw.resetMarkers = function () {
    gw.clusters.clearLayers();
    gw.cases.clear();
    gw.setStaff([]);
    gw.setHotspots([]);
    gw.setSensors([]);
  };

  /* ---------- keyed point layers: staff, hot spots, sensors ---------- */
  function syncPoints(store, list, pane, iconFor, tooltipFor, permanentLabel) {
    const seen = new Set();
    for (const p of list) {
      const id = String(p.id);
      seen.add(id);
      let m = store.get(id);
      const icon = iconFor(p);
      if (!m) {
        m = L.marker([p.lat, p.lon], { icon: icon, pane: pane, keyboard: false });
        m._gw = p;
        m.bindTooltip(function (layer) { return tooltipFor(layer._gw); },
          { className: 'gw-tip', direction: 'top' });
        m.addTo(gw.map);
        store.set(id, m);
      } else {
        const old = m._gw;
        m._gw = p;
        if (old.lat !== p.lat || old.lon !== p.lon) m.setLatLng([p.lat, p.lon]);
        if (m.options.icon.options.className !== icon.options.className) m.setIcon(icon);
      }
      if (permanentLabel) permanentLabel(m, p);
    }
    store.forEach(function (m, id) {
      if (!seen.has(id)) { gw.map.removeLayer(m); store.delete(id); }
    });
  }

  function staffIcon(p) {
    return L.divIcon({ className: 'gw-staff' + (p.on_duty === false ? ' gw-staff--off' : ''), iconSize: null });
  }
  function staffTip(p) {
    const box = gw.el('div', 'gw-tip-body');
    box.appendChild(gw.el('div', 'gw-tip-title', (gw.lang === 'en' ? 'Supervisor ' : '监督员 ') + p.id));
    if (p.grid) box.appendChild(gw.el('div', 'gw-tip-sub', p.grid));
    return box;
  }
  gw.setStaff = function (list) { syncPoints(gw.staff, list, 'gw-staff', staffIcon, staffTip, null); };

  function crowd(p) { return p.level in CROWD_TEXT.en ? p.level : 'normal'; }
  function hotspotName(p) { return (gw.lang === 'en' ? p.name_en || p.name_zh : p.name_zh || p.name_en) || p.id; }
  function hotspotIcon(p) { return L.divIcon({ className: 'gw-hot gw-hot--' + crowd(p), iconSize: null }); }
  function hotspotTip(p) {
    const box = gw.el('div', 'gw-tip-body');
    box.appendChild(gw.el('div', 'gw-tip-title', hotspotName(p)));
    let line = lookup(CROWD_TEXT, crowd(p));
    if (typeof p.count === 'number') line += ' · ' + p.count + (typeof p.capacity === 'number' ? ' / ' + p.capacity : '');
    box.appendChild(gw.el('div', 'gw-tip-sub gw-crowd-' + crowd(p), line));
    return box;
  }
  function hotspotLabel(m, p) {
    const loud = crowd(p) === 'crowded' || crowd(p) === 'critical';
    if (loud) {
      const text = gw.el('span', 'gw-hot-label gw-crowd-' + crowd(p), hotspotName(p) + ' · ' + lookup(CROWD_TEXT, crowd(p)));
      if (m._gwLabelled) m.setTooltipContent(text);
      else {
        m.unbindTooltip();
        m.bindTooltip(text, { permanent: true, direction: 'right', className: 'gw-hot-tip', offset: [14 * gw.scale, 0] });
        m._gwLabelled = true;
      }
    } else if (m._gwLabelled) {
      m.unbindTooltip();
      m.bindTooltip(function (layer) { return hotspotTip(layer._gw); }, { className: 'gw-tip', direction: 'top' });
      m._gwLabelled = false;
    }
  }
  gw.setHotspots = function (list) {
    syncPoints(gw.hotspots, list, 'gw-hotspot', hotspotIcon, hotspotTip, hotspotLabel);
  };

  function sensorIcon(p) {
    const kind = String(p.kind || 'sensor').replace(/[^a-z_]/g, '');
    return L.divIcon({ className: 'gw-sensor gw-sensor--' + kind + (p.alarm ? ' gw-sensor--alarm' : ''), iconSize: null });
  }
  function sensorTip(p) {
    const box = gw.el('div', 'gw-tip-body');
    box.appendChild(gw.el('div', 'gw-tip-title', gw.name(p) || p.id));
    let line = lookup(SENSOR_TEXT, p.kind);
    if (typeof p.value === 'number') line += ' · ' + p.value + ' ' + (p.unit || '');
    box.appendChild(gw.el('div', 'gw-tip-sub' + (p.alarm ? ' gw-st-overdue' : ''), line));
    return box;
  }
  gw.setSensors = function (list) { syncPoints(gw.sensors, list, 'gw-sensor', sensorIcon, sensorTip, null); };

  gw.relabelMarkers = function () {
    gw.hotspots.forEach(function (m) { hotspotLabel(m, m._gw); });
  };

  /* ---------- counts for tests and diagnostics ---------- */
  gw.markerState = function () {
    const byStatus = { new: 0, open: 0, due_soon: 0, overdue: 0, closed: 0 };
    let pulsing = 0;
    gw.cases.forEach(function (m) { byStatus[m._gw.status] += 1; if (m._gwFresh) pulsing += 1; });
    let alarms = 0;
    gw.sensors.forEach(function (m) { if (m._gw.alarm) alarms += 1; });
    const pane = gw.map.getPane('markerPane');
    return {
      cases: gw.cases.size,
      casesByStatus: byStatus,
      pulsing: pulsing,
      clusterLayers: gw.clusters.getLayers().length,
      visibleCaseIcons: pane.querySelectorAll('.gw-case').length,
      visibleClusters: pane.querySelectorAll('.gw-cluster').length,
      staff: gw.staff.size,
      hotspots: gw.hotspots.size,
      sensors: gw.sensors.size,
      sensorAlarms: alarms,
    };
  };
})();
