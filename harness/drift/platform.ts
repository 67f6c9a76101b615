/** Image platforms (`linux/amd64`, `linux/arm64/v8`) as an index lists them and an engine runs them. */
import { z } from 'zod'

/** One platform, in the OCI image index's field names. */
export const Platform = z.object({
  /** @example "linux" */
  os: z.string().min(1),
  /** GOARCH names, as Docker uses them. @example "amd64" */
  architecture: z.string().min(1),
  /** @example "v8" */
  variant: z.string().optional(),
})
export type Platform = z.infer<typeof Platform>

/** Node's names for what Docker calls architectures, where they differ. */
const NODE_ARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64' }
/** Docker's aliases: the engine reports `x86_64` and `aarch64` in `docker info`. */
const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64', armhf: 'arm', i386: '386' }

/** Reads `os/arch[/variant]`; `docker info`'s `x86_64` and `aarch64` become `amd64` and `arm64`. */
export function parsePlatform(text: string): Platform {
  const parts = text.trim().toLowerCase().split('/')
  const [os, arch, variant, ...rest] = parts
  if (!os || !arch || rest.length > 0 || variant === '') {
    throw new Error(`'${text}' is not a platform\n  expected: os/architecture[/variant], e.g. linux/arm64/v8`)
  }
  return normalisePlatform({ os, architecture: arch, ...(variant ? { variant } : {}) })
}

/** Aliases to Docker's names; arm64's default variant `v8` dropped, so `linux/arm64` equals `linux/arm64/v8`. */
export function normalisePlatform(platform: Platform): Platform {
  const architecture = ARCH_ALIASES[platform.architecture] ?? platform.architecture
  const variant = architecture === 'arm64' && platform.variant === 'v8' ? undefined : platform.variant
  return { os: platform.os, architecture, ...(variant ? { variant } : {}) }
}

/** The platform this process runs on, in Docker's names (the engine's may differ: ask it when it is remote). */
export function hostPlatform(
  nodePlatform: string = process.platform,
  nodeArch: string = process.arch,
): Platform {
  return { os: nodePlatform, architecture: NODE_ARCH[nodeArch] ?? nodeArch }
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/')
}

/**
 * Whether an index entry serves the wanted platform: same OS and architecture, and the same
 * variant when one is wanted (a wanted `linux/arm` takes any variant, as a pull does).
 */
export function platformMatches(wanted: Platform, candidate: Platform): boolean {
  const a = normalisePlatform(wanted)
  const b = normalisePlatform(candidate)
  return a.os === b.os && a.architecture === b.architecture && (!a.variant || a.variant === b.variant)
}
