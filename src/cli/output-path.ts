/** An output file named on the command line (`--html FILE`): checked before the work that fills it. */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { VpmuLabError } from '../host/errors.js';

/** A file that cannot be written is bad input, found before minutes of runs (exit 2). */
export function checkWritable(option: string, file: string): void {
  try {
    const existing = statSync(file, { throwIfNoEntry: false });
    if (existing?.isDirectory()) throw Object.assign(new Error('a directory'), { code: 'EISDIR' });
    accessSync(existing ? file : dirname(resolve(file)), constants.W_OK);
  } catch (e) {
    throw new VpmuLabError(`--${option} ${file}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
