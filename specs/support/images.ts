/**
 * Base images the registry specs make with the docker CLI: built from a Dockerfile given as text,
 * labelled with the spec's run (`org.lessonproof.run=<run>`), pushed, and removed by that label,
 * so a spec touches only what it made on the shared engine.
 */
import { execa } from 'execa'
import { RUN_LABEL } from '../../harness/settings/index.js'

/**
 * Why the docker CLI these helpers use cannot reach an engine, or undefined when it can. The
 * specs ask testcontainers too, which falls back to the default socket when DOCKER_HOST does not
 * answer; the CLI does not, so a spec needs both to agree before it builds anything.
 */
export async function dockerCliUnavailable(): Promise<string | undefined> {
  const result = await execa('docker', ['version', '--format', '{{.Server.Version}}'], {
    reject: false,
    timeout: 15_000,
  })
  if (result.exitCode === 0 && result.stdout.trim() !== '') return undefined
  const why = `${result.stderr}`.split('\n').find((l) => l.trim() !== '') ?? `exit ${result.exitCode}`
  return `the docker CLI reaches no engine: ${why.trim()}`
}

export function imagesOf(run: string) {
  const label = `${RUN_LABEL}=${run}`
  return {
    label,
    /** Builds with the classic builder; `-` as the context: the Dockerfile from stdin, and no context at all. */
    async build(tag: string, dockerfile: string): Promise<void> {
      await execa('docker', ['build', '-q', '--label', label, '-t', tag, '-'], {
        input: dockerfile,
        env: { DOCKER_BUILDKIT: '0' },
      })
    },
    /** Pushes and returns the digest `docker push` printed. */
    async push(tag: string): Promise<string> {
      const { stdout } = await execa('docker', ['push', tag])
      const digest = /digest: (sha256:[0-9a-f]{64})/.exec(stdout)?.[1]
      if (!digest) throw new Error(`docker push printed no digest:\n${stdout}`)
      return digest
    },
    async tag(from: string, to: string): Promise<void> {
      await execa('docker', ['tag', from, to])
    },
    /** `.Size` in bytes, as `docker images` reports it. */
    async size(ref: string): Promise<number> {
      const { stdout } = await execa('docker', ['image', 'inspect', '--format', '{{.Size}}', ref])
      return Number(stdout.trim())
    },
    async id(ref: string): Promise<string> {
      const { stdout } = await execa('docker', ['image', 'inspect', '--format', '{{.Id}}', ref])
      return stdout.trim()
    },
    /** Removes every image carrying the run's label (and so every tag on them). */
    async removeAll(): Promise<void> {
      const { stdout } = await execa('docker', ['images', '-qa', '--filter', `label=${label}`], {
        reject: false,
      })
      const ids = [...new Set(stdout.split('\n').filter(Boolean))]
      if (ids.length > 0) await execa('docker', ['rmi', '-f', ...ids], { reject: false })
    },
  }
}
