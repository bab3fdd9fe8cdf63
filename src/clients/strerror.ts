/** glibc `strerror` texts, for the clients' own error messages (perror, error_report). */
import { errno, errnoName } from '../arch/errno.js';

const text: Readonly<Record<number, string>> = Object.freeze({
  [errno.EPERM]: 'Operation not permitted',
  [errno.ENOENT]: 'No such file or directory',
  [errno.EINTR]: 'Interrupted system call',
  [errno.ENXIO]: 'No such device or address',
  [errno.ENOEXEC]: 'Exec format error',
  [errno.EAGAIN]: 'Resource temporarily unavailable',
  [errno.ENOMEM]: 'Cannot allocate memory',
  [errno.EFAULT]: 'Bad address',
  [errno.EBUSY]: 'Device or resource busy',
  [errno.EEXIST]: 'File exists',
  [errno.ENODEV]: 'No such device',
  [errno.EINVAL]: 'Invalid argument',
});

/** `strerror(-ret)` for a negative errno return (either sign accepted). */
export function strerror(ret: number): string {
  return text[Math.abs(ret)] ?? `Unknown error ${Math.abs(ret)} (${errnoName(ret)})`;
}
