/** "Who holds what, who waits on what": the dump a watchdog or a crash report prints. */
import { Control, STATUS, WAITING_GRACE_PERIOD } from './control.js';
import type { World } from './world.js';

export function lockTable(world: World, control: Control, names: readonly string[]): string[] {
  const byTask = (id: number) => (id > 0 && id <= names.length ? names[id - 1]! : `task ${id}`);
  const lines: string[] = [];
  for (const lock of world.locks) {
    if (lock.isHeld()) lines.push(`${lock.name} is held by ${byTask(lock.owner())} (contended ${lock.contended()} times)`);
  }
  names.forEach((name, slot) => {
    const s = control.status(slot);
    if (s.status !== STATUS.WAITING) return;
    if (s.waitingOn >= 0) lines.push(`${name} waits for ${world.locks[s.waitingOn]?.name}`);
    if (s.waitingOn === WAITING_GRACE_PERIOD) {
      const online = names.filter((_, t) => t !== slot && world.rcu.isOnline(t));
      lines.push(`${name} waits for an RCU grace period (threads still online: ${online.join(', ') || 'none'})`);
    }
  });
  if (lines.length === 0) lines.push('no lock is held and no thread waits on one');
  return lines;
}
