/** The Docker engine, behind a small interface: build, inspect, look inside, run, clean up. */
export {
  type BuildClient,
  BuildkitBuilder,
  type BuildkitRequest,
  type BuildkitResult,
  findBuildClient,
} from './buildkit.js'
export {
  currentContext,
  dockerodeOptions,
  type EngineAddress,
  type EngineEnv,
  engineAddress,
} from './connection.js'
export {
  buildFacts,
  connectDocker,
  DockerEngine,
  type DockerEngineOptions,
  openDockerEngine,
} from './docker-engine.js'
export type { BuildRequest, BuildResult, Engine, Running, RunRequest } from './engine.js'
export { FakeEngine, type RecordedImage } from './fake-engine.js'
export { Janitor } from './janitor.js'
export {
  describe as describeLeftovers,
  findLeftovers,
  type Leftovers,
  ownerFile,
  removalCommands,
  removeLeftovers,
  sweepDeadRuns,
  sweepRun,
  writeOwnerFile,
} from './leftovers.js'
export { currentOwner, type Liveness, liveness, OWNER_LABEL } from './owner.js'
export { pruneRecords, readRecords, recordsMadeDuring, rememberRecords } from './records.js'
export { configureTestcontainers } from './settings.js'
