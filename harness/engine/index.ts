/** The Docker engine, behind a small interface: build, inspect, look inside, run, clean up. */
export { DockerEngine } from './docker-engine.js'
export type { BuildRequest, BuildResult, Engine, Running, RunRequest } from './engine.js'
export { FakeEngine, type RecordedImage } from './fake-engine.js'
export { Janitor } from './janitor.js'
export { configureTestcontainers } from './settings.js'
