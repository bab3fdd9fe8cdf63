/**
 * Thrown inside a guest program for an access the architecture makes UNDEFINED: KVM
 * injects an UNDEF exception and the access has no side effect (spec §4.0).
 */
export class GuestUndefined extends Error {
  override name = 'GuestUndefined';

  constructor(
    readonly register: string,
    readonly el: 0 | 1,
    readonly write: boolean,
    readonly reason: string,
  ) {
    super(`UNDEF: ${write ? 'write to' : 'read of'} ${register} at EL${el}: ${reason}`);
  }
}
