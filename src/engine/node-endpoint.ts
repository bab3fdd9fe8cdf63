/**
 * comlink over Node's message ports (a Worker, `parentPort`, a MessageChannel's port): the
 * control plane of a run — requests that want an answer — never its hot path (DESIGN
 * principle 3).
 *
 * comlink's node adapter ships as UMD, whose `module.exports` is the function itself, and an
 * ESM default import gets exactly that; its typings declare an ES default export, which
 * TypeScript (NodeNext, a CommonJS file) places on `.default`. The cast says what Node does.
 */
import nodeAdapter from 'comlink/dist/umd/node-adapter.js';

export const nodeEndpoint = nodeAdapter as unknown as typeof nodeAdapter.default;
