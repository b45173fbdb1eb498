// The live map: markers from GET /vehicles every few seconds, geofences, a vehicle's track for a
// time range, the latest alerts. The base layer is land outlines from the world-atlas package,
// served with the page: no tile server is needed.
(function () {
  'use strict';
  const REFRESH_MS = 3000;
  const TRACK_PAGES = 20;
  const FLEET_PAGES = 20;
  const map = L.map('map', { worldCopyJump: true }).setView([51, 10], 5);
  const markers = new Map();
  let selected = null;
  let track = null;
  let fitted = false;
  let newest = null;

  // The access token lives in this page's memory only: a reload signs in again (the hosted UI
  // remembers its user). Sign-in is an authorization code with PKCE and a state: the verifier and
  // the state wait in sessionStorage across the redirect, and are removed when it comes back.
  let accessToken = null;
  const PENDING = 'fleetstream-sign-in';

  function status(text) { document.getElementById('status').textContent = text; }

  async function api(path) {
    const response = await fetch(path, { headers: { Authorization: 'Bearer ' + accessToken } });
    if (response.status === 401) {
      accessToken = null;
      offerSignIn();
      throw new Error('signed out');
    }
    const body = await response.json();
    if (!response.ok) { throw new Error(body.message || response.statusText); }
    return body;
  }

  function base64url(bytes) {
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function redirectUri() { return location.origin + location.pathname; }

  async function clientConfig() { return (await fetch('config.json')).json(); }

  async function offerSignIn(why) {
    const config = await clientConfig();
    if (!config.authorize_url) {
      status('Sign-in is not set up for this API (no OAUTH_URL).');
      return;
    }
    status(why || 'Signed out.');
    document.getElementById('signin').hidden = false;
  }

  async function signIn() {
    const config = await clientConfig();
    const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
    const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256',
      new TextEncoder().encode(verifier))));
    const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
    sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state }));
    const query = new URLSearchParams({ response_type: 'code', client_id: config.client_id,
      redirect_uri: redirectUri(), scope: config.scope, state, code_challenge: challenge,
      code_challenge_method: 'S256' });
    location.assign(config.authorize_url + '?' + query);
  }

  // Back from the authorization server: ?code=&state= (or ?error=), exchanged once for a token.
  // Returns why it failed, if it did.
  async function finishSignIn() {
    const query = new URLSearchParams(location.search);
    if (!query.has('code') && !query.has('error')) { return null; }
    const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
    sessionStorage.removeItem(PENDING);
    history.replaceState(null, '', location.pathname);
    if (!pending || query.get('state') !== pending.state) {
      return 'Sign-in failed: the answer was not for this page.';
    }
    if (query.has('error')) {
      return 'Sign-in failed: ' + query.get('error');
    }
    const config = await clientConfig();
    const response = await fetch(config.token_url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: config.client_id,
        code: query.get('code'), redirect_uri: redirectUri(), code_verifier: pending.verifier }),
    });
    if (!response.ok) {
      return 'Sign-in failed: ' + ((await response.json()).error || response.statusText);
    }
    accessToken = (await response.json()).access_token;
    return null;
  }

  document.getElementById('signin').addEventListener('click', () => { signIn(); });

  async function baseLayer() {
    const topology = await (await fetch('web/vendor/world-atlas/land-50m.json')).json();
    L.geoJSON(topojson.feature(topology, topology.objects.land), {
      style: { color: '#8a8f7a', weight: 1, fillColor: '#f2efe6', fillOpacity: 1 },
      interactive: false,
    }).addTo(map);
  }

  async function geofences() {
    const fences = await api('geofences');
    L.geoJSON(fences, {
      pointToLayer: (f, latlng) => L.circle(latlng, { radius: f.properties.radius_meters }),
      style: { color: '#bf8700', weight: 2, fillOpacity: 0.15, className: 'geofence' },
      // a name is text: Leaflet would render a string as HTML
      onEachFeature: (f, layer) => layer.bindTooltip(text(f.properties.name)),
    }).addTo(map);
  }

  function text(value) {
    const span = document.createElement('span');
    span.textContent = value == null ? '' : String(value);
    return span;
  }

  function icon(id, stopped) {
    const span = document.createElement('span');
    span.dataset.vehicle = id;
    return L.divIcon({ className: 'vehicle-marker' + (id === selected ? ' selected' : '') + (stopped ? ' stopped' : ''),
      html: span.outerHTML, iconSize: [18, 18] });
  }

  // a marker's element is replaced only when its look changes, so a click on it is never lost
  function restyle(m, id, stopped) {
    const look = (id === selected) + '/' + stopped;
    if (m.look !== look) {
      m.setIcon(icon(id, stopped));
      m.look = look;
    }
  }

  async function refresh() {
    // every page of the caller's vehicles (the API answers them DEFAULT_LIMIT at a time)
    const fleet = { features: [] };
    let cursor = null;
    for (let page = 0; page < FLEET_PAGES; page++) {
      const body = await api('vehicles' + (cursor ? '?cursor=' + encodeURIComponent(cursor) : ''));
      fleet.features.push(...body.features);
      cursor = body.next_cursor;
      if (!cursor) { break; }
    }
    // a vehicle the user may no longer see (a rental that ended) leaves the map
    const seen = new Set(fleet.features.map((f) => f.id));
    markers.forEach((m, id) => { if (!seen.has(id)) { m.remove(); markers.delete(id); } });
    if (selected && !seen.has(selected)) { selected = null; document.getElementById('vehicle').hidden = true; }
    for (const f of fleet.features) {
      const [lon, lat] = f.geometry.coordinates;
      const p = f.properties;
      const stopped = !p.speed_kmh;
      let m = markers.get(f.id);
      if (!m) {
        m = L.marker([lat, lon], { icon: icon(f.id, stopped), title: f.id, riseOnHover: true }).addTo(map);
        m.on('click', () => select(f.id));
        m.look = (f.id === selected) + '/' + stopped;
        markers.set(f.id, m);
      } else {
        m.setLatLng([lat, lon]);
        restyle(m, f.id, stopped);
      }
      m.feature = f;
      if (!newest || p.event_time > newest) { newest = p.event_time; }
    }
    if (!fitted && markers.size) {
      map.fitBounds(L.latLngBounds([...markers.values()].map((m) => m.getLatLng())).pad(0.2));
      fitted = true;
    }
    status(markers.size + ' vehicles, newest fix ' + (newest || 'none'));
    if (selected) { showLatest(); }
  }

  function local(iso) { return iso.slice(0, 19); }

  function select(id) {
    selected = id;
    const p = markers.get(id).feature.properties;
    markers.forEach((m, k) => restyle(m, k, !m.feature.properties.speed_kmh));
    document.getElementById('vehicle').hidden = false;
    document.getElementById('vehicle-id').textContent = id;
    const end = new Date(Date.parse(p.event_time) + 1000);
    const start = new Date(end.getTime() - 3600 * 1000);
    document.getElementById('range-start').value = local(start.toISOString());
    document.getElementById('range-end').value = local(end.toISOString());
    showLatest();
    showTrack();
  }

  function showLatest() {
    const p = markers.get(selected).feature.properties;
    document.getElementById('vehicle-latest').textContent = p.event_time + ', '
      + (p.speed_kmh == null ? '?' : p.speed_kmh.toFixed(1)) + ' km/h, engine ' + (p.engine_status || '?');
  }

  async function showTrack() {
    const id = selected;
    const start = document.getElementById('range-start').value + 'Z';
    const end = document.getElementById('range-end').value + 'Z';
    const points = [];
    let cursor = null;
    for (let page = 0; page < TRACK_PAGES; page++) {
      const query = new URLSearchParams({ start: new Date(start).toISOString(), end: new Date(end).toISOString() });
      if (cursor) { query.set('cursor', cursor); }
      const body = await api('vehicles/' + encodeURIComponent(id) + '/positions?' + query);
      body.positions.forEach((p) => points.push([p.latitude, p.longitude]));
      cursor = body.next_cursor;
      if (!cursor) { break; }
    }
    if (id !== selected) { return; }
    if (track) { track.remove(); }
    track = L.polyline(points, { color: '#d1242f', weight: 3, className: 'vehicle-track' }).addTo(map);
    const info = document.getElementById('track-info');
    info.textContent = points.length + ' positions';
    info.dataset.positions = String(points.length);
    if (points.length) { map.fitBounds(track.getBounds().pad(0.3), { animate: false, maxZoom: 11 }); }
  }

  document.getElementById('range').addEventListener('submit', (e) => { e.preventDefault(); showTrack(); });

  async function alerts() {
    const since = new Date(Date.parse(newest || new Date().toISOString()) - 24 * 3600 * 1000).toISOString();
    const body = await api('alerts?limit=20&since=' + encodeURIComponent(since));
    const list = document.getElementById('alerts');
    list.replaceChildren(...body.alerts.map((a) => {
      const li = document.createElement('li');
      li.textContent = a.event_time.slice(0, 19).replace('T', ' ') + ' ' + a.entity_id + ': ' + a.detail;
      return li;
    }));
    if (!body.alerts.length) { list.innerHTML = '<li>none</li>'; }
  }

  async function tick() {
    try {
      await refresh();
      await alerts();
    } catch (e) {
      if (e.message !== 'signed out') { status('Error: ' + e.message); }
      return;
    }
    setTimeout(tick, REFRESH_MS);
  }

  async function start() {
    const failure = await finishSignIn();
    if (!accessToken) { offerSignIn(failure); return; }
    document.getElementById('signin').hidden = true;
    try {
      await geofences();
    } catch (e) {
      if (e.message !== 'signed out') { status('Error: ' + e.message); }
      return;
    }
    tick();
  }

  baseLayer().then(start);
}());
