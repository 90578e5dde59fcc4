/* GridWall live grid map, controls: zoom-dependent layers and picking, legend, attribution. */
(function () {
  'use strict';
  const gw = window.gridwall;
  const LEVELS = ['subdistrict', 'community', 'grid'];

  /* ---------- zoom-dependent visibility and picking ---------- */
  gw.updateZoomClasses = function () {
    if (!gw.map) return;
    const zoom = gw.map.getZoom();
    const lat = gw.map.getCenter().lat;
    const mpp = 40075016.686 * Math.cos(lat * Math.PI / 180) / Math.pow(2, zoom + 8);
    const px = function (level) { return (gw.typical[level] || 0) / mpp; };
    const s = gw.scale;
    const showGrid = px('grid') >= 26 * s;
    const showCommunity = px('community') >= 34 * s;
    let pick = 'subdistrict';
    if (gw.units.community.size && px('community') >= 40 * s) pick = 'community';
    if (gw.units.grid.size && px('grid') >= 22 * s) pick = 'grid';
    gw.pick = pick;
    const c = gw.map.getContainer().classList;
    c.toggle('gw-show-grid', showGrid);
    c.toggle('gw-show-community', showCommunity);
    LEVELS.forEach(function (level) { c.toggle('gw-pick-' + level, pick === level); });
  };

  /* ---------- legend and attribution ---------- */
  gw.makeLegend = function () {
    const control = L.control({ position: 'bottomleft' });
    control.onAdd = function () {
      const box = gw.el('div', 'gw-legend');
      gw.legendTitle = box.appendChild(gw.el('div', 'gw-legend-title'));
      const bar = box.appendChild(gw.el('div', 'gw-legend-bar'));
      gw.PALETTE.forEach(function (colour) { bar.appendChild(gw.el('span')).style.background = colour; });
      const ticks = box.appendChild(gw.el('div', 'gw-legend-ticks'));
      gw.legendTicks = [ticks.appendChild(gw.el('span')), ticks.appendChild(gw.el('span')),
        ticks.appendChild(gw.el('span'))];
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    return control;
  };

  gw.updateLegend = function () {
    if (!gw.legendTitle) return;
    gw.legendTitle.textContent = gw.t(gw.grid.mode);
    const m = gw.grid.max;
    const mid = Math.round(m / 4);
    const ticks = [1, mid > 1 && mid < m ? mid : '', m];  // no repeated label on a small range
    gw.legendTicks.forEach(function (span, i) { span.textContent = String(ticks[i]); });
  };

  gw.updateAttribution = function () {
    const a = gw.opts.attribution || {};
    const comps = gw.componentsNote ? gw.componentsNote() : '';
    const text = [a.osm, (a.generated || {})[gw.lang], comps].filter(Boolean).join(' · ');
    if (gw.attributionText) gw.attribution.removeAttribution(gw.attributionText);
    gw.attributionText = gw.esc(text);
    gw.attribution.addAttribution(gw.attributionText);
  };

})();
