/** `bytes` of access-log-like text (compresses to ~11% with gzip -6), different for every `seed`. */
export function logText(bytes: number, seed: number): Buffer {
  const methods = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE']
  const paths = ['/api/items', '/api/items/42', '/login', '/static/app.js', '/api/orders', '/health']
  const lines: string[] = []
  let size = 0
  let x = (seed + 1) * 2654435761
  for (let i = 0; size < bytes; i++) {
    x = (x ^ (x << 13)) >>> 0
    x = (x ^ (x >>> 17)) >>> 0
    x = (x ^ (x << 5)) >>> 0
    const line = `10.0.${x % 256}.${(x >>> 8) % 256} - - [25/Nov/2026:04:${String(i % 60).padStart(2, '0')}:00 +0000] "${methods[x % methods.length]} ${paths[(x >>> 3) % paths.length]}?page=${x % 97} HTTP/1.1" ${x % 50 === 0 ? 500 : 200} ${x % 20_000} "-" "Mozilla/5.0 (X11; Linux x86_64)"\n`
    lines.push(line)
    size += line.length
  }
  return Buffer.from(lines.join('')).subarray(0, bytes)
}
