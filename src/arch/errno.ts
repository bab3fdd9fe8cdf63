/** Linux errno numbers used by the vPMU paths (positive; ioctls return them negated). */
export const errno = Object.freeze({
  EPERM: 1,
  ENOENT: 2,
  EINTR: 4,
  ENXIO: 6,
  ENOEXEC: 8,
  EAGAIN: 11,
  ENOMEM: 12,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
});

export type ErrnoName = keyof typeof errno;

const byNumber = new Map<number, ErrnoName>(
  (Object.keys(errno) as ErrnoName[]).map((name) => [errno[name], name]),
);

/** `errnoName(-16) === 'EBUSY'`; accepts either sign; 0 is 'OK'. */
export function errnoName(ret: number): string {
  if (ret === 0) return 'OK';
  return byNumber.get(Math.abs(ret)) ?? `errno ${Math.abs(ret)}`;
}
