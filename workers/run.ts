/**
 * Worker entry of a whole run behind a handle (src/engine/run-handle.ts): workerData is
 * `{ port, scenario }`, the port transferred. It exits once the other side closes its port.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { exposeRun } from '../src/engine/run-handle.js';
import type { Scenario } from '../src/engine/scenario.js';

const { port, scenario } = workerData as { port: MessagePort; scenario: Scenario };
// A scenario that cannot be set up is report()'s answer, not this thread's crash.
exposeRun(port, scenario).catch(() => {});
