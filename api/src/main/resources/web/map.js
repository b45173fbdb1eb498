// The live map: markers from GET /vehicles every few seconds, with each vehicle's status and heading,
// the fleet as a list to search, filter and pick from, geofences, a vehicle's track for a time range,
// the latest alerts. The base layer is land outlines from the world-atlas package,
// served with the page: no tile server is needed.
(function () {
  'use strict';
  const REFRESH_MS = 3000;
  const TRACK_PAGES = 20;
  const FLEET_PAGES = 20;
  // A vehicle is offline when its newest fix is this much older than the fleet's newest: the page
  // goes by the data's clock, so a fleet replayed from the past reads as it did then.
  const OFFLINE_AFTER_MS = 15 * 60 * 1000;
  // below this a vehicle stands (the jobs' IDLE_SPEED_KMH)
  const MOVING_KMH = 1;
  const map = L.map('map', { worldCopyJump: true }).setView([51, 10], 5);
  const markers = new Map();
  let selected = null;
  let track = null;
  let fitted = false;
  let newest = null;
  let following = false;

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

  // moving, idle (standing, engine on), parked (engine off) or offline (see OFFLINE_AFTER_MS)
  function vehicleStatus(p, asOf) {
    if (asOf - Date.parse(p.event_time) > OFFLINE_AFTER_MS) { return 'offline'; }
    if (p.speed_kmh != null && p.speed_kmh >= MOVING_KMH) { return 'moving'; }
    return p.engine_status === 'off' ? 'parked' : 'idle';
  }

  // the element, not HTML: the CSP admits no inline style, and the heading is set through the CSSOM
  function icon(id, status, heading) {
    const span = document.createElement('span');
    span.dataset.vehicle = id;
    span.dataset.status = status;
    if (status === 'moving' && heading != null) {
      const wedge = document.createElement('i');
      wedge.className = 'heading';
      wedge.style.transform = 'rotate(' + heading + 'deg)';
      span.appendChild(wedge);
    }
    return L.divIcon({ className: 'vehicle-marker ' + status + (id === selected ? ' selected' : ''), html: span,
      iconSize: [18, 18] });
  }

  function lookOf(id, status, heading) {
    return (id === selected) + '/' + status + '/' + (status === 'moving' ? Math.round(heading || 0) : '');
  }

  // a marker's element is replaced only when its look changes, so a click on it is never lost
  function restyle(m, id, status, heading) {
    const look = lookOf(id, status, heading);
    if (m.look !== look) {
      m.setIcon(icon(id, status, heading));
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
      if (!newest || f.properties.event_time > newest) { newest = f.properties.event_time; }
    }
    const asOf = Date.parse(newest);
    for (const f of fleet.features) {
      const [lon, lat] = f.geometry.coordinates;
      const p = f.properties;
      f.status = vehicleStatus(p, asOf);
      let m = markers.get(f.id);
      if (!m) {
        m = L.marker([lat, lon], { icon: icon(f.id, f.status, p.heading), title: f.id, riseOnHover: true }).addTo(map);
        m.on('click', () => select(f.id, false));
        m.look = lookOf(f.id, f.status, p.heading);
        markers.set(f.id, m);
      } else {
        m.setLatLng([lat, lon]);
        restyle(m, f.id, f.status, p.heading);
      }
      m.feature = f;
    }
    if (!fitted && markers.size) {
      map.fitBounds(L.latLngBounds([...markers.values()].map((m) => m.getLatLng())).pad(0.2));
      fitted = true;
    }
    status(markers.size + ' vehicles, newest fix ' + (newest || 'none'));
    fleetList(fleet.features);
    if (selected) {
      showLatest();
      if (following) { map.panTo(markers.get(selected).getLatLng(), { animate: false }); }
    }
  }

  // One row per vehicle, by id: its status, speed, heading and newest fix; the id is a button, so
  // the list works from the keyboard. Rows are updated in place, so a refresh takes no focus away;
  // search and filter hide rows, they do not ask the API again.
  const rows = new Map();

  function fleetList(features) {
    const body = document.querySelector('#fleet tbody');
    const ids = new Set(features.map((f) => f.id));
    rows.forEach((row, id) => { if (!ids.has(id)) { row.remove(); rows.delete(id); } });
    let previous = null;
    for (const f of [...features].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
      let row = rows.get(f.id);
      if (!row) {
        row = newRow(f.id);
        rows.set(f.id, row);
      }
      if (row.parentNode !== body || row.previousElementSibling !== previous) {
        body.insertBefore(row, previous ? previous.nextElementSibling : body.firstElementChild);
      }
      previous = row;
      const p = f.properties;
      row.dataset.status = f.status;
      row.className = f.id === selected ? 'selected' : '';
      const when = short(p.event_time);
      row.cells[1].textContent = f.status === 'offline' ? 'offline since ' + when : f.status;
      row.cells[2].textContent = p.speed_kmh == null ? '' : p.speed_kmh.toFixed(1);
      row.cells[3].textContent = p.heading == null ? '' : Math.round(p.heading) + '°';
      row.cells[4].textContent = when;
    }
    filterList();
  }

  // a fix's time, UTC: the time alone on the fleet's newest day, else the day and minute
  function short(iso) {
    return iso.slice(0, 10) === newest.slice(0, 10) ? iso.slice(11, 19) : iso.slice(0, 16).replace('T', ' ');
  }

  function newRow(id) {
    const row = document.createElement('tr');
    row.dataset.vehicle = id;
    const pick = document.createElement('button');
    pick.type = 'button';
    pick.textContent = id;
    pick.addEventListener('click', () => select(id, true));
    for (let i = 0; i < 5; i++) { row.appendChild(document.createElement('td')); }
    row.cells[0].appendChild(pick);
    return row;
  }

  function filterList() {
    const search = document.getElementById('fleet-search').value.trim().toLowerCase();
    const only = document.getElementById('fleet-filter').value;
    document.querySelectorAll('#fleet tbody tr').forEach((row) => {
      row.hidden = !row.dataset.vehicle.toLowerCase().includes(search) || (only !== '' && row.dataset.status !== only);
    });
  }

  document.getElementById('fleet-search').addEventListener('input', filterList);
  document.getElementById('fleet-filter').addEventListener('change', filterList);
  // a user who moves the map has stopped following the selected vehicle
  map.on('dragstart', () => { following = false; });

  function local(iso) { return iso.slice(0, 19); }

  // picked on the map or in the list; from the list the map follows the vehicle as it moves
  function select(id, follow) {
    selected = id;
    following = follow;
    const p = markers.get(id).feature.properties;
    markers.forEach((m, k) => restyle(m, k, m.feature.status, m.feature.properties.heading));
    document.querySelectorAll('#fleet tbody tr').forEach((row) => {
      row.className = row.dataset.vehicle === id ? 'selected' : '';
    });
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
      li.dataset.kind = a.kind;
      li.dataset.rule = a.rule;
      li.dataset.entity = a.entity_id;
      return li;
    }));
    if (!body.alerts.length) { list.innerHTML = '<li>none</li>'; }
    options('alert-kind', body.alerts.map((a) => a.kind));
    options('alert-rule', body.alerts.map((a) => a.rule));
    filterAlerts();
  }

  // a filter's choices are the values the alerts shown have, and the one chosen stays chosen
  function options(id, values) {
    const select = document.getElementById(id);
    const chosen = select.value;
    const all = [...new Set(values.concat(chosen ? [chosen] : []))].sort();
    select.replaceChildren(select.options[0], ...all.map((v) => {
      const option = document.createElement('option');
      option.value = v;
      option.textContent = v;
      return option;
    }));
    select.value = chosen;
  }

  function filterAlerts() {
    const kind = document.getElementById('alert-kind').value;
    const rule = document.getElementById('alert-rule').value;
    const entity = document.getElementById('alert-entity').value.trim().toLowerCase();
    document.querySelectorAll('#alerts li[data-kind]').forEach((li) => {
      li.hidden = (kind !== '' && li.dataset.kind !== kind) || (rule !== '' && li.dataset.rule !== rule)
        || !li.dataset.entity.toLowerCase().includes(entity);
    });
  }

  document.getElementById('alert-kind').addEventListener('change', filterAlerts);
  document.getElementById('alert-rule').addEventListener('change', filterAlerts);
  document.getElementById('alert-entity').addEventListener('input', filterAlerts);

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
