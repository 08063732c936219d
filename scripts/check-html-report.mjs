// Renders the HTML report of a real fixture run in headless Chromium and checks the
// screenshot: not blank, and the charts drawn (pixels in the threads colour). CI has no
// Chromium, so the test suite checks the HTML's structure; this is the look in a browser.
//   Usage: npm run check:html [-- --dark] [-- --out <dir>]
// Needs the package built (the npm script builds) and a Chromium: Debian/Ubuntu
// `apt-get install -y chromium`, or set CHROMIUM to the browser's path.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { inflateSync } from 'node:zlib'

const root = resolve(import.meta.dirname, '..')
const fixture = join(root, 'fixtures', 'reporting')
const args = process.argv.slice(2)
const dark = args.includes('--dark')
const outIndex = args.indexOf('--out')
const out = outIndex === -1 ? mkdtempSync(join(tmpdir(), 'parallel-bench-html-')) : resolve(args[outIndex + 1] ?? '.')
mkdirSync(out, { recursive: true })

function fail(message) {
  console.error(`check-html-report: ${message}`)
  process.exit(1)
}

function findChromium() {
  const candidates = [process.env.CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']
  for (const candidate of candidates) {
    if (!candidate) continue
    const found = spawnSync(candidate, ['--version'], { encoding: 'utf8' })
    if (found.status === 0) return { path: candidate, version: found.stdout.trim() }
  }
  return undefined
}

/** Decodes an 8-bit RGB or RGBA PNG (what Chromium writes) into its pixels. */
function decodePng(buffer) {
  if (buffer.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG')
  let offset = 8
  let header
  const data = []
  while (offset < buffer.length) {
    const length = buffer.readUInt32BE(offset)
    const type = buffer.toString('latin1', offset + 4, offset + 8)
    const body = buffer.subarray(offset + 8, offset + 8 + length)
    if (type === 'IHDR') {
      header = { width: body.readUInt32BE(0), height: body.readUInt32BE(4), depth: body[8], colour: body[9] }
    } else if (type === 'IDAT') data.push(body)
    offset += 12 + length
  }
  if (header === undefined || header.depth !== 8 || (header.colour !== 2 && header.colour !== 6)) {
    throw new Error(`unsupported PNG ${JSON.stringify(header)}`)
  }
  const channels = header.colour === 6 ? 4 : 3
  const stride = header.width * channels
  const raw = inflateSync(Buffer.concat(data))
  const pixels = Buffer.alloc(stride * header.height)
  for (let y = 0; y < header.height; y++) {
    const filter = raw[y * (stride + 1)]
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x]
      const left = x >= channels ? pixels[y * stride + x - channels] : 0
      const up = y > 0 ? pixels[(y - 1) * stride + x] : 0
      const upLeft = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0
      const paeth = () => {
        const p = left + up - upLeft
        const [a, b, c] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)]
        return a <= b && a <= c ? left : b <= c ? up : upLeft
      }
      const predictor = [0, left, up, (left + up) >> 1, paeth()][filter] ?? 0
      pixels[y * stride + x] = (value + predictor) & 0xff
    }
  }
  return { ...header, channels, pixels }
}

const chromium = findChromium()
if (chromium === undefined) {
  fail('no Chromium found. Install one (Debian/Ubuntu: `apt-get install -y chromium`) or set CHROMIUM=/path/to/chrome.')
}

// A real run of the reporting fixture writes its HTML report (htmlFile in its config).
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs')
const run = spawnSync(process.execPath, [vitest, 'run', '--root', fixture, 'alpha', 'beta', 'curve'], {
  cwd: fixture,
  encoding: 'utf8',
  env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' },
})
const report = join(fixture, 'parallel-bench.html')
if (run.status !== 0 || !existsSync(report)) fail(`the fixture run failed or wrote no HTML\n${run.stdout}${run.stderr}`)
const html = join(out, 'parallel-bench.html')
copyFileSync(report, html)

const screenshot = join(out, dark ? 'parallel-bench-dark.png' : 'parallel-bench.png')
// Chromium's profile for this one screenshot: removed as soon as it is taken.
const profile = mkdtempSync(join(tmpdir(), 'parallel-bench-chromium-'))
const shot = spawnSync(
  chromium.path,
  [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--hide-scrollbars',
    `--user-data-dir=${profile}`,
    // Blink's preferred colour scheme: 0 is dark, 1 light.
    `--blink-settings=preferredColorScheme=${dark ? 0 : 1}`,
    `--screenshot=${screenshot}`,
    '--window-size=1200,1600',
    pathToFileURL(html).href,
  ],
  { encoding: 'utf8', timeout: 120_000 },
)
rmSync(profile, { recursive: true, force: true })
if (!existsSync(screenshot)) fail(`${chromium.version} wrote no screenshot\n${shot.stdout}${shot.stderr}`)

const { width, height, channels, pixels } = decodePng(readFileSync(screenshot))
const colours = new Set()
let differing = 0
let chart = 0
const [r0, g0, b0] = pixels
for (let i = 0; i < width * height * channels; i += channels) {
  const [r, g, b] = [pixels[i], pixels[i + 1], pixels[i + 2]]
  colours.add((r << 16) | (g << 8) | b)
  if (Math.abs(r - r0) + Math.abs(g - g0) + Math.abs(b - b0) > 24) differing++
  // The threads colour of the chart: #0969da on light, #4493f8 on dark.
  const [tr, tg, tb] = dark ? [0x44, 0x93, 0xf8] : [0x09, 0x69, 0xda]
  if (Math.abs(r - tr) + Math.abs(g - tg) + Math.abs(b - tb) < 40) chart++
}
const share = differing / (width * height)
console.log(
  `${chromium.version}: ${screenshot} (${width}×${height}), ${colours.size} colours, ${(share * 100).toFixed(1)}% not background, ${chart} pixels of chart colour`,
)
if (colours.size < 16 || share < 0.02) fail('the screenshot is blank or nearly so')
if (chart < 200) fail('no chart drawn: too few pixels in the threads colour')
console.log(`check-html-report: ok — look at ${screenshot}`)
