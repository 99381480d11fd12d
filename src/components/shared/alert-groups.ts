/** An element that shows failures (a LitElement): it re-renders when told to. */
export type AlertMember = Element & { requestUpdate(): void };

/** The elements whose read failed with the same words: their retries, and the one showing the error box. */
interface FailureGroup {
  retries: Map<AlertMember, () => void>;
  shower?: AlertMember;
}

/**
 * Whether `a` comes before `b` in the page, across shadow roots (a host comes before what its
 * shadow root holds): the two are compared in the lowest tree that holds both.
 */
function comesFirst(a: Element, b: Element): boolean {
  const hosts = (node: Element) => {
    const chain = [node];
    for (let root = node.getRootNode(); root instanceof ShadowRoot; root = root.host.getRootNode()) chain.push(root.host);
    return chain;
  };
  const others = hosts(b);
  for (const mine of hosts(a)) {
    const theirs = others.find((other) => other.getRootNode() === mine.getRootNode());
    if (!theirs) continue;
    if (mine === theirs) return mine === a;
    return Boolean(mine.compareDocumentPosition(theirs) & Node.DOCUMENT_POSITION_FOLLOWING);
  }
  return true;
}

const firstInPage = (members: Iterable<AlertMember>) => [...members].reduce<AlertMember | undefined>((first, member) => (!first || comesFirst(member, first) ? member : first), undefined);

/**
 * One provider's failures. Elements that fail for the same reason show the same error text;
 * only the first to show it is a `role="alert"`, so a screen reader hears it once, not once per
 * element. A failed read (`fail`) is shown once: by the first of those elements in the page, in
 * an error box whose Retry re-runs every one of their reads; the others show a short note.
 */
export class AlertGroups {
  private readonly owners = new Map<string, object>();
  private readonly failures = new Map<string, FailureGroup>();

  /** Whether `owner` is the one to alert `text`: the first that claimed it and still shows it. */
  claim(text: string, owner: object): boolean {
    const current = this.owners.get(text) ?? owner;
    this.owners.set(text, current);
    return current === owner;
  }

  /**
   * `member`'s read failed with `text` (its `retry` re-runs it). `shows`: it is the first of the
   * elements that failed so in the page, and shows the error box; `retry` re-runs all their reads.
   */
  fail(text: string, member: AlertMember, retry: () => void): { shows: boolean; retry: () => void } {
    let group = this.failures.get(text);
    if (!group) this.failures.set(text, (group = { retries: new Map() }));
    group.retries.set(member, retry);
    const first = firstInPage(group.retries.keys());
    if (first !== group.shower) {
      const before = group.shower;
      group.shower = first;
      // The box moves: so does its alert, and the element that showed it turns to the note.
      if (before && this.owners.get(text) === before) this.owners.delete(text);
      before?.requestUpdate();
      if (first !== member) first?.requestUpdate();
    }
    return { shows: first === member, retry: () => this.retry(text) };
  }

  /** Re-runs the read of every element that failed with `text`. */
  retry(text: string): void {
    for (const retry of [...(this.failures.get(text)?.retries.values() ?? [])]) retry();
  }

  /** `owner` shows none of its errors any more (it claims again, and fails again, when it renders one). */
  release(owner: object): void {
    for (const [text, current] of this.owners) if (current === owner) this.owners.delete(text);
    const member = owner as AlertMember;
    for (const [text, group] of this.failures) {
      if (!group.retries.delete(member)) continue;
      if (!group.retries.size) this.failures.delete(text);
      else if (group.shower === member) {
        // Unless it fails again in the same render, the next one in the page shows the box.
        queueMicrotask(() => {
          if (this.failures.get(text) !== group || group.shower !== member || group.retries.has(member)) return;
          group.shower = firstInPage(group.retries.keys());
          group.shower?.requestUpdate();
        });
      }
    }
  }
}
