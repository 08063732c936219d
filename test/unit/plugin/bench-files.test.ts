import { describe, expect, it } from 'vitest'
import { ownedFiles } from '../../../src/plugin/bench-files.js'

describe('ownedFiles: a bench file belongs to the nearest folder that declares the plugin', () => {
  const files = ['/repo/top.bench.ts', '/repo/packages/b/work.bench.ts', '/repo/packages/bb/x.bench.ts']

  it('the root keeps what no nested declaring package holds', () => {
    expect(ownedFiles(files, '/repo', ['/repo', '/repo/packages/b'])).toEqual([
      '/repo/top.bench.ts',
      '/repo/packages/bb/x.bench.ts',
    ])
  })

  it('a package keeps its own files, though the root declares the plugin too', () => {
    const inB = files.filter((file) => file.startsWith('/repo/packages/b/'))
    expect(ownedFiles(inB, '/repo/packages/b', ['/repo', '/repo/packages/b'])).toEqual(inB)
  })

  it('with one declaring config, every file is its own', () => {
    expect(ownedFiles(files, '/repo', ['/repo'])).toEqual(files)
  })
})
