/** The small readers the reviewer's kinds share: each a pure function of text. */
import { describe, expect, it } from 'vitest'
import { commandKey } from './command.js'
import { healthcheckCommand } from './image-tools.js'
import { plausibleSizes } from './listing.js'
import { copyPaths } from './path-glob.js'
import { layerLines } from './pulled-layers.js'

describe('the readers the reviewer kinds share', () => {
  it('says what a command runs', () => {
    expect(commandKey(['docker', 'build', '-t', 'x', '.'])).toBe('docker build')
    expect(commandKey(['docker', 'compose', '-f', 'c.yaml', 'up'])).toBe('docker compose up')
    expect(commandKey(['./build.sh'])).toBe('./build.sh')
    expect(commandKey(['cat', 'builder.sh'])).toBe('cat')
  })

  it('reads a HEALTHCHECK command in either form', () => {
    expect(healthcheckCommand('CMD curl -f http://localhost/ || exit 1')).toEqual({
      argv: ['/bin/sh', '-c', 'curl -f http://localhost/ || exit 1'],
      shell: true,
    })
    expect(healthcheckCommand('CMD ["wget", "-qO-", "http://localhost/"]')).toEqual({
      argv: ['wget', '-qO-', 'http://localhost/'],
      shell: false,
    })
    expect(healthcheckCommand('NONE')).toBeUndefined()
  })

  it('allows what an editor writes: a final newline, CRLF', () => {
    expect(plausibleSizes('a\nb')).toEqual([3, 4, 5])
  })

  it('reads COPY paths without options, in either form', () => {
    expect(copyPaths('--chown=1:1 a b /dest/')).toEqual(['a', 'b', '/dest/'])
    expect(copyPaths('["a b", "/dest/*.txt"]')).toEqual(['a b', '/dest/*.txt'])
  })

  it('counts the layers a pull prints, once each, and none of an output cut short', () => {
    const pull =
      'alpine: Pulling from library/nginx\na803e7c4b030: Pull complete\n8c2be06b0893: Already exists\na803e7c4b030: Verifying Checksum\nDigest: sha256:abc'
    expect(layerLines(pull)).toEqual(['a803e7c4b030', '8c2be06b0893'])
    expect(layerLines(`${pull}\n...`)).toBeUndefined()
  })
})
