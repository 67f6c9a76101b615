/**
 * Pulls a moved base image by the digest drift resolved, so the rebuild uses exactly the image the
 * report names (not whatever the tag points at a moment later), then tags it as the reference the
 * Dockerfiles build FROM. Takes a dockerode-like client, as the engine resolver does.
 */
import { RegistryError } from './errors.js'
import { familiarReference, parseReference } from './reference.js'
import type { Credentials } from './resolver.js'
import type { PulledImage } from './run.js'

/** The part of a dockerode client pulling needs. */
export interface PullClient {
  pull(
    name: string,
    options?: { authconfig?: { username: string; password: string; serveraddress: string } },
  ): Promise<NodeJS.ReadableStream>
  modem: {
    followProgress(
      stream: NodeJS.ReadableStream,
      onFinished: (error: Error | null) => void,
      onProgress?: (event: { error?: string; errorDetail?: { message?: string } }) => void,
    ): void
  }
  getImage(name: string): {
    inspect(): Promise<{ Id: string; Size: number; RepoDigests?: string[] }>
    history(): Promise<unknown[]>
    tag(options: { repo: string; tag: string }): Promise<unknown>
  }
}

export async function pullImage(
  client: PullClient,
  reference: string,
  digest: string,
  credentials?: (registry: string) => Credentials | undefined,
): Promise<PulledImage> {
  const ref = parseReference(reference)
  const { tag: _tag, digest: _digest, ...repository } = ref
  const pinned = familiarReference({ ...repository, digest })
  const login = credentials?.(ref.registry)
  let failure: string | undefined
  try {
    const stream = await client.pull(
      pinned,
      login ? { authconfig: { ...login, serveraddress: ref.registry } } : undefined,
    )
    await new Promise<void>((resolve) => {
      client.modem.followProgress(
        stream,
        (error) => {
          if (error) failure ??= error.message
          resolve()
        },
        (event) => {
          if (event.error) failure ??= event.errorDetail?.message ?? event.error
        },
      )
    })
  } catch (error) {
    failure = (error as Error).message
  }
  if (failure !== undefined)
    throw new RegistryError(reference, 'the engine', `pulling ${pinned} failed: ${failure.trim()}`)
  const image = client.getImage(pinned)
  if (ref.tag !== undefined) await image.tag({ repo: familiarReference(repository), tag: ref.tag })
  const [info, history] = await Promise.all([image.inspect(), image.history()])
  return { id: info.Id, size: info.Size, layers: history.length, repoDigests: info.RepoDigests ?? [] }
}
