/** A guest's fatal exception (as Windows' bugcheck would report it), thrown out of KVM_RUN. */
export class GuestCrash extends Error {
  override name = 'GuestCrash';
  constructor(
    message: string,
    readonly cpu: number,
    /** The PMU register whose value killed it, if one did. */
    readonly register?: string,
  ) {
    super(message);
  }
}
