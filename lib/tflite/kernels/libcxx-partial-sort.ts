/**
 * std::partial_sort as libc++ (LLVM 15 and later, what Emscripten builds TFLite with) orders elements: a heap of the
 * first k, the rest sifted through it, then the heap sorted with Floyd's pop. It is not stable, so where keys tie,
 * the order TFLite's kernels give is this algorithm's; reproducing it keeps tied scores in TFLite's order.
 */

/** Sorts `a[0, k)` to hold the k first elements of `a` by `before`, in place, as libc++ does. */
export function libcxxPartialSort(a: number[], k: number, before: (x: number, y: number) => boolean): void {
  const len = k;
  if (len === 0) return;
  // make_heap over [0, k)
  if (len > 1) for (let start = Math.floor((len - 2) / 2); start >= 0; start--) siftDown(a, before, len, start);
  for (let i = k; i < a.length; i++) {
    if (before(a[i], a[0])) {
      [a[i], a[0]] = [a[0], a[i]];
      siftDown(a, before, len, 0);
    }
  }
  // sort_heap with Floyd's pop_heap
  for (let n = len; n > 1; n--) popHeap(a, before, n);
}

function siftDown(a: number[], before: (x: number, y: number) => boolean, len: number, start: number): void {
  let child = start;
  if (len < 2 || Math.floor((len - 2) / 2) < child) return;
  child = 2 * child + 1;
  if (child + 1 < len && before(a[child], a[child + 1])) child++;
  if (before(a[child], a[start])) return;
  const top = a[start];
  let hole = start;
  do {
    a[hole] = a[child];
    hole = child;
    if (Math.floor((len - 2) / 2) < child) break;
    child = 2 * child + 1;
    if (child + 1 < len && before(a[child], a[child + 1])) child++;
  } while (!before(a[child], top));
  a[hole] = top;
}

function popHeap(a: number[], before: (x: number, y: number) => boolean, len: number): void {
  const top = a[0];
  // Floyd: move the hole down to a leaf, always to the larger child
  let hole = 0;
  let child = 0;
  for (;;) {
    child = 2 * child + 1;
    if (child + 1 < len && before(a[child], a[child + 1])) child++;
    a[hole] = a[child];
    hole = child;
    if (child > Math.floor((len - 2) / 2)) break;
  }
  const last = len - 1;
  if (hole === last) {
    a[hole] = top;
    return;
  }
  a[hole] = a[last];
  a[last] = top;
  siftUp(a, before, hole + 1);
}

function siftUp(a: number[], before: (x: number, y: number) => boolean, end: number): void {
  let len = end;
  if (len <= 1) return;
  len = Math.floor((len - 2) / 2);
  let last = end - 1;
  if (before(a[len], a[last])) {
    const t = a[last];
    do {
      a[last] = a[len];
      last = len;
      if (len === 0) break;
      len = Math.floor((len - 1) / 2);
    } while (before(a[len], t));
    a[last] = t;
  }
}
