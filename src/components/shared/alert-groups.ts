/**
 * Elements that fail for the same reason show the same error text; only the first to show it is
 * a `role="alert"`, so a screen reader hears it once, not once per element.
 */
export class AlertGroups {
  private readonly owners = new Map<string, object>();

  /** Whether `owner` is the one to alert `text`: the first that claimed it and still shows it. */
  claim(text: string, owner: object): boolean {
    const current = this.owners.get(text) ?? owner;
    this.owners.set(text, current);
    return current === owner;
  }

  /** `owner` shows none of its errors any more (it claims again when it renders one). */
  release(owner: object): void {
    for (const [text, current] of this.owners) if (current === owner) this.owners.delete(text);
  }
}
