import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { RegistryError } from './errors.js'
import { type PullClient, pullImage } from './pull.js'

const DIGEST = `sha256:${'3'.repeat(64)}`

function client(events: { error?: string }[]): PullClient & { calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    async pull(name) {
      calls.push(`pull ${name}`)
      const stream = new PassThrough()
      stream.end()
      return stream
    },
    modem: {
      followProgress(_stream, onFinished, onProgress) {
        for (const event of events) onProgress?.(event)
        onFinished(null)
      },
    },
    getImage(name) {
      return {
        async inspect() {
          return { Id: 'sha256:new', Size: 114822242, RepoDigests: [`127.0.0.1:5000/lab/base@${DIGEST}`] }
        },
        async history() {
          return [{}, {}, {}]
        },
        async tag(options) {
          calls.push(`tag ${name} ${options.repo}:${options.tag}`)
        },
      }
    },
  }
}

describe('pullImage', () => {
  it('pulls the digest resolved, tags it as the reference, and says what the engine has', async () => {
    const c = client([])
    expect(await pullImage(c, '127.0.0.1:5000/lab/base:stable', DIGEST)).toEqual({
      id: 'sha256:new',
      size: 114822242,
      layers: 3,
      repoDigests: [`127.0.0.1:5000/lab/base@${DIGEST}`],
    })
    expect(c.calls).toEqual([
      `pull 127.0.0.1:5000/lab/base@${DIGEST}`,
      `tag 127.0.0.1:5000/lab/base@${DIGEST} 127.0.0.1:5000/lab/base:stable`,
    ])
  })

  it("keeps Docker Hub's short names", async () => {
    const c = client([])
    await pullImage(c, 'python:3.12-slim', DIGEST)
    expect(c.calls[0]).toBe(`pull python@${DIGEST}`)
  })

  it("fails with the engine's words when the pull stream carries an error", async () => {
    const c = client([{ error: 'manifest unknown' }])
    await expect(pullImage(c, '127.0.0.1:5000/lab/base:stable', DIGEST)).rejects.toThrow(RegistryError)
    await expect(pullImage(c, '127.0.0.1:5000/lab/base:stable', DIGEST)).rejects.toThrow(/manifest unknown/)
  })
})
