/**
 * Walking a lesson as a reader would: its shell steps, in order, in a confined workstation,
 * with Docker commands served by lessonproof. `shell.ts` is pure; `workstation.ts` needs an engine.
 */

export {
  type Collected,
  type DockerCall,
  type DockerReply,
  findDockerCommands,
  LESSON_DIR,
  looksLongRunning,
  needsPerson,
  STATE_DIR,
  simpleCommands,
} from './shell.js'
export {
  type Cleanup,
  type DockerHandler,
  ensureWorkstationImage,
  leftBehind,
  pathInWorkstation,
  removeWorkstationImages,
  type StepRequest,
  StepResult,
  WORKSTATION_IMAGE_LABEL,
  Workstation,
  type WorkstationDockerCall,
  WorkstationSettings,
  workstationContextDir,
} from './workstation.js'
