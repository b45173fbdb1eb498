// Drives the live map in Debian's Chromium, headless, and prints what it saw as one JSON line:
//   node tools/web/map-check.js <map url> <bearer token> <screenshot.png> <vehicle to click>
// (ApiIT runs it against the local API with the pipeline's data and checks the figures.)
'use strict';
const { chromium } = require('playwright-core');

(async () => {
  const [url, token, screenshot, vehicle] = process.argv.slice(2);
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
    const response = await page.goto(url + '#token=' + encodeURIComponent(token));
    const csp = response.headers()['content-security-policy'] || null;
    await page.waitForSelector('.vehicle-marker span', { timeout: 30000 });
    await page.waitForSelector('#alerts li', { timeout: 30000 });
    const markers = await page.$$eval('.vehicle-marker span', (els) => els.map((e) => e.dataset.vehicle).sort());
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
    // a token that is no longer good sends the page back to sign-in
    await page.evaluate(() => sessionStorage.setItem('token', 'not-a-token'));
    await page.reload();
    await page.waitForSelector('#signin:not([hidden])', { timeout: 30000 });
    const signInShown = true;
    console.log(JSON.stringify({ markers, geofences, land, tooltip, selected, positions, track, alerts, signInShown,
      csp, dialogs, errors }));
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
