import { describe, expect, it } from 'vitest'
import { binaryPaths, contentsTarget } from './contents.js'

describe('what "has no X" looks for', () => {
  it('looks a tool up in every PATH directory', () => {
    expect(binaryPaths('uv')).toContain('/usr/local/bin/uv')
    expect(binaryPaths('uv')).toContain('/usr/bin/uv')
  })

  it.each([
    ['UV', { kind: 'binary', name: 'uv' }],
    ['pip cache', { kind: 'path', name: '/root/.cache/pip' }],
    ['build tools', { kind: 'binary', name: 'gcc' }],
    ['build artifacts', undefined],
  ])('%s', (item, target) => {
    expect(contentsTarget(item)).toEqual(target)
  })
})
