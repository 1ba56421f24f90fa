/**
 * V8 settings for the sidecar's own heap, applied when it starts.
 *
 * A watched series' objects (its detector, model and records) live for hours beside the garbage of
 * every step (each instant answer's samples, the detectors' temporaries), and much of that garbage is
 * promoted before it dies. After a full collection the old generation's pages hold the survivors with
 * holes between them, and V8's default compaction moves only a few megabytes of the emptiest pages per
 * collection, so at 100,000 series about half of the committed heap was free space (13.1 KB committed
 * against 6.5 KB used a series), all of it resident. Compacting on every full collection moves the
 * survivors together and gives the empty pages back: 6.9 KB committed a series, and the process'
 * anonymous memory 50.6 → 39.3 KB a series (docs/capacity.md, seventh pass). The price is a longer pause per full collection, not more CPU
 * over the memory bench's fill. V8 reads this flag at each full collection, so setting
 * it at run time works, for the main thread and the fit workers alike.
 */
import v8 from 'node:v8';

export const HEAP_FLAGS: readonly string[] = ['--compact-on-every-full-gc'];

let applied = false;

/** Applies HEAP_FLAGS once; `set` is V8's setter (a parameter so a test can see what is set). */
export function applyHeapFlags(set: (flags: string) => void = v8.setFlagsFromString): void {
  if (applied) return;
  applied = true;
  for (const flag of HEAP_FLAGS) set(flag);
}
