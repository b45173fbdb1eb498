// Drives the live map in Debian's Chromium, headless, and prints what it saw as one JSON line:
//   node tools/web/map-check.js <map url> <user> <screenshot.png> <vehicle to click> <vehicle to pick from the list>
// It signs in as the user through the map's own sign-in (authorization code with PKCE, at the local
// stand-in of the hosted UI). ApiIT runs it against the local API with the pipeline's data and checks
// the figures.
'use strict';
const { chromium } = require('playwright-core');

(async () => {
  const [url, user, screenshot, vehicle, listed] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    // this machine's network is closed: without these, Chromium's own background connections fail by the dozen
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') { errors.push(m.text()); } });
    // a script a geofence's name smuggled in would open one
    const dialogs = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
    // every address the page is at, to check that no token ever shows in one
    const addresses = [];
    page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) { addresses.push(frame.url()); } });
    const response = await page.goto(url);
    const csp = response.headers()['content-security-policy'] || null;
    await page.click('#signin', { timeout: 30000 });
    await page.waitForSelector('#username', { timeout: 30000 });
    const authorize = Object.fromEntries(new URL(page.url()).searchParams);
    delete authorize.code_challenge; // random: its shape is checked below
    const challengeShape = /^[A-Za-z0-9_-]{43}$/.test(new URL(page.url()).searchParams.get('code_challenge'));
    await page.fill('#username', user);
    await page.click('#sign-in');
    await page.waitForSelector('.vehicle-marker span', { timeout: 30000 });
    const pendingLeft = await page.evaluate(() => sessionStorage.length);
    await page.waitForSelector('#alerts li[data-kind]', { timeout: 30000 });
    // the alerts' filters: what each kind, and a vehicle's id, leave shown
    const alertsShown = () => page.$$eval('#alerts li[data-kind]:not([hidden])',
      (items) => items.map((i) => i.dataset.entity + '/' + i.dataset.rule + '/' + i.dataset.kind));
    const alertFilters = { all: await alertsShown() };
    for (const kind of await page.$$eval('#alert-kind option', (os) => os.map((o) => o.value).filter(Boolean))) {
      await page.selectOption('#alert-kind', kind);
      alertFilters['kind:' + kind] = await alertsShown();
    }
    await page.selectOption('#alert-kind', '');
    await page.fill('#alert-entity', 'truck-b');
    alertFilters['entity:truck-b'] = await alertsShown();
    await page.fill('#alert-entity', '');
    const markers = await page.$$eval('.vehicle-marker span', (els) => els.map((e) => e.dataset.vehicle).sort());
    const markerStatus = Object.fromEntries(await page.$$eval('.vehicle-marker span',
      (els) => els.map((e) => [e.dataset.vehicle, e.dataset.status])));
    // the fleet list: its rows, then what search and each status filter leave shown
    await page.waitForSelector('#fleet tbody tr', { timeout: 30000 });
    const fleet = await page.$$eval('#fleet tbody tr', (rows) => rows.map((r) => [r.dataset.vehicle,
      r.cells[1].textContent, r.cells[2].textContent]));
    const shown = () => page.$$eval('#fleet tbody tr:not([hidden])', (rows) => rows.map((r) => r.dataset.vehicle));
    await page.fill('#fleet-search', 'TRUCK');
    const searched = await shown();
    await page.fill('#fleet-search', '');
    const filtered = {};
    for (const only of ['moving', 'idle', 'parked', 'offline']) {
      await page.selectOption('#fleet-filter', only);
      filtered[only] = await shown();
    }
    await page.selectOption('#fleet-filter', '');
    const geofences = await page.locator('path.geofence').count();
    const land = await page.locator('.leaflet-overlay-pane path:not(.geofence):not(.vehicle-track)').count();
    // the first geofence's tooltip, as hovering opens it (a marker may cover the circle, so the event goes to it)
    await page.dispatchEvent('path.geofence', 'mouseover');
    await page.waitForSelector('.leaflet-tooltip', { timeout: 30000 });
    const tooltip = await page.$eval('.leaflet-tooltip', (e) => ({ text: e.textContent, elements: e.querySelectorAll('img, script').length }));
    await page.click(`.vehicle-marker span[data-vehicle="${vehicle}"]`);
    await page.waitForSelector('#track-info[data-positions]', { timeout: 30000 });
    const positions = Number(await page.getAttribute('#track-info', 'data-positions'));
    const track = await page.locator('path.vehicle-track').count();
    const selected = await page.textContent('#vehicle-id');
    const alerts = await page.$$eval('#alerts li', (els) => els.map((e) => e.textContent));
    await page.screenshot({ path: screenshot });
    // picked from the keyboard: the list's button, then Enter
    await page.focus(`#fleet tbody tr[data-vehicle="${listed}"] button`);
    await page.keyboard.press('Enter');
    await page.waitForFunction((v) => document.getElementById('vehicle-id').textContent === v, listed,
      { timeout: 30000 });
    const listSelected = await page.$eval('#fleet tbody tr.selected', (r) => r.dataset.vehicle);
    const addressAfterSignIn = page.url();
    // the token is in the page's memory only: a reload asks to sign in again
    await page.reload();
    await page.waitForSelector('#signin:not([hidden])', { timeout: 30000 });
    const signInShown = true;
    // an answer that is not for this page (a forged redirect, no sign-in pending) gives no token
    await page.goto(url + '?code=forged&state=forged');
    await page.waitForSelector('#signin:not([hidden])', { timeout: 30000 });
    const forged = await page.textContent('#status');
    console.log(JSON.stringify({ markers, markerStatus, fleet, searched, filtered, listSelected, alertFilters, geofences, land, tooltip, selected, positions, track, alerts, signInShown,
      csp, dialogs, errors, authorize, challengeShape, pendingLeft, addressAfterSignIn, addresses, forged }));
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
