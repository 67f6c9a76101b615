/** The Docker engine, behind a small interface: build, inspect, look inside, run, clean up. */
export { binaryPaths, DockerEngine } from './docker-engine.js'
export type { BuildRequest, BuildResult, Engine, ImageFacts, Running, RunRequest } from './engine.js'
export { Janitor } from './janitor.js'
