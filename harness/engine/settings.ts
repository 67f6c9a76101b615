/**
 * testcontainers reads its settings from the environment: set them once, at the entry point.
 * - No reaper: its image cannot be pulled everywhere; lessonproof's Janitor cleans up instead.
 * - Loopback host for a local engine: in a container-like machine (a /.dockerenv file)
 *   testcontainers would otherwise talk to the bridge gateway, not 127.0.0.1.
 */
export function configureTestcontainers(env: NodeJS.ProcessEnv): void {
  env.TESTCONTAINERS_RYUK_DISABLED ??= 'true'
  const host = env.DOCKER_HOST ?? ''
  const local = host === '' || host.startsWith('unix://') || host.startsWith('npipe://')
  if (local) env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1'
}
