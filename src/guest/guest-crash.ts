/** A guest's fatal exception (as Windows' bugcheck would report it), thrown out of KVM_RUN. */
export class GuestCrash extends Error {
  override name = 'GuestCrash';
  constructor(
    message: string,
    readonly cpu: number,
  ) {
    super(message);
  }
}
