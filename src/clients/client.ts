/** What every built-in client replay provides. */
import type { ClientContext } from './context.js';

export interface Client {
  readonly name: string;
  /** One line for `vpmu-lab clients`. */
  readonly description: string;
  /** Takes kvmtool's `--vcpu-affinity` (the other clients have no such option). */
  readonly takesAffinity?: boolean;
  /** Replays the client's ioctl sequence; dies through `ctx.die`. */
  run(ctx: ClientContext): void;
}
