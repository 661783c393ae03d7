// Writes lib/tflite/wasm/data-movement.wat to stdout: the copy loops of the operators that only move elements and the
// resize kernels, written out once per element width / arithmetic (one loop each keeps the dispatch out of the inner
// loop). Run: node scripts/data-movement-wat.cjs > lib/tflite/wasm/data-movement.wat
"use strict";

let label = 0;
/**
 * Copies n bytes from s to d (expressions; locals $cs $cd $cn are used): sixteen at a time, then the 8/4/2/1-byte
 * tail, writing nothing past the end (the neighbouring bytes may be another tensor's); long runs by memory.copy.
 */
const copyBytes = (d, s, n) => {
  const id = label++;
  return `(local.set $cd ${d}) (local.set $cs ${s}) (local.set $cn ${n})
        (if (i32.ge_u (local.get $cn) (i32.const 512))
          (then (memory.copy (local.get $cd) (local.get $cs) (local.get $cn)))
          (else
            (block $cb${id} (loop $cl${id}
              (br_if $cb${id} (i32.lt_u (local.get $cn) (i32.const 16)))
              (v128.store (local.get $cd) (v128.load (local.get $cs)))
              (local.set $cd (i32.add (local.get $cd) (i32.const 16)))
              (local.set $cs (i32.add (local.get $cs) (i32.const 16)))
              (local.set $cn (i32.sub (local.get $cn) (i32.const 16)))
              (br $cl${id})))
            (if (i32.and (local.get $cn) (i32.const 8)) (then
              (i64.store (local.get $cd) (i64.load (local.get $cs)))
              (local.set $cd (i32.add (local.get $cd) (i32.const 8)))
              (local.set $cs (i32.add (local.get $cs) (i32.const 8)))))
            (if (i32.and (local.get $cn) (i32.const 4)) (then
              (i32.store (local.get $cd) (i32.load (local.get $cs)))
              (local.set $cd (i32.add (local.get $cd) (i32.const 4)))
              (local.set $cs (i32.add (local.get $cs) (i32.const 4)))))
            (if (i32.and (local.get $cn) (i32.const 2)) (then
              (i32.store16 (local.get $cd) (i32.load16_u (local.get $cs)))
              (local.set $cd (i32.add (local.get $cd) (i32.const 2)))
              (local.set $cs (i32.add (local.get $cs) (i32.const 2)))))
            (if (i32.and (local.get $cn) (i32.const 1)) (then
              (i32.store8 (local.get $cd) (i32.load8_u (local.get $cs)))))))`;
};
const copyLocals = "(local $cs i32) (local $cd i32) (local $cn i32)";

// the strided element loops of move, by element width (index: log2 of the width)
const widths = [
  ["i32.load8_u", "i32.store8"],
  ["i32.load16_u", "i32.store16"],
  ["i32.load", "i32.store"],
  ["i64.load", "i64.store"],
];
const stridedLoops = widths
  .map(
    ([load, store], i) => `
        ;; ${1 << i}-byte elements
        (loop $el${i}
          (${store} (local.get $cd) (${load} (local.get $cs)))
          (local.set $cs (i32.add (local.get $cs) (local.get $ss)))
          (local.set $cd (i32.add (local.get $cd) (local.get $ds)))
          (br_if $el${i} (local.tee $cn (i32.sub (local.get $cn) (i32.const 1)))))
        (br $run)`,
  )
  .reduce((inner, loop, i) => `(block $w${i}\n${inner}\n      )${loop}`, `(br_table $w0 $w1 $w2 $w3 (i32.ctz (local.get $e)))`);

/**
 * One bilinear kernel: the loops over images, output rows, output columns and the pixel's bytes; `row`, `pixel` and
 * `element` are the statements at each level (element stores one output at $o and reads the four taps at
 * $tl $tr $bl $br + $c), `width` the element's bytes.
 */
const bilinear = (name, comment, { locals, row, pixel, element, width }) => `
  ;; ${comment}
  (func (export "${name}") (param $x i32) (param $y i32) (param $p i32)
    (local $b i32) (local $i i32) (local $j i32) (local $c i32) (local $o i32)
    (local $outH i32) (local $outW i32) (local $depth i32) (local $image i32)
    (local $rlo i32) (local $rhi i32) (local $rw i32) (local $clo i32) (local $chi i32) (local $cw i32)
    (local $top i32) (local $bot i32) (local $lo i32) (local $hi i32) (local $tl i32) (local $tr i32) (local $bl i32) (local $br i32)
    ${locals}
    (local.set $b (i32.load (local.get $p)))
    (local.set $outH (i32.load offset=4 (local.get $p)))
    (local.set $outW (i32.load offset=8 (local.get $p)))
    (local.set $depth (i32.load offset=12 (local.get $p)))
    (local.set $image (i32.load offset=16 (local.get $p)))
    (local.set $rlo (i32.load offset=20 (local.get $p)))
    (local.set $rhi (i32.load offset=24 (local.get $p)))
    (local.set $rw (i32.load offset=28 (local.get $p)))
    (local.set $clo (i32.load offset=32 (local.get $p)))
    (local.set $chi (i32.load offset=36 (local.get $p)))
    (local.set $cw (i32.load offset=40 (local.get $p)))
    (local.set $o (local.get $y))
    (loop $images
      (local.set $i (i32.const 0))
      (loop $rows
        (local.set $top (i32.add (local.get $x) (i32.load (i32.add (local.get $rlo) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $bot (i32.add (local.get $x) (i32.load (i32.add (local.get $rhi) (i32.shl (local.get $i) (i32.const 2))))))
        ${row}
        (local.set $j (i32.const 0))
        (loop $cols
          (local.set $lo (i32.load (i32.add (local.get $clo) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $hi (i32.load (i32.add (local.get $chi) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $tl (i32.add (local.get $top) (local.get $lo)))
          (local.set $tr (i32.add (local.get $top) (local.get $hi)))
          (local.set $bl (i32.add (local.get $bot) (local.get $lo)))
          (local.set $br (i32.add (local.get $bot) (local.get $hi)))
          ${pixel}
          (local.set $c (i32.const 0))
          (loop $channels
            ${element}
            (local.set $o (i32.add (local.get $o) (i32.const ${width})))
            (br_if $channels (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const ${width}))) (local.get $depth))))
          (br_if $cols (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $outW))))
        (br_if $rows (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $outH))))
      (local.set $x (i32.add (local.get $x) (local.get $image)))
      (br_if $images (local.tee $b (i32.sub (local.get $b) (i32.const 1))))))`;

const tap = (load, t) => `(${load} (i32.add (local.get $${t}) (local.get $c)))`;
const rowWeight = (type) => `(${type}.load (i32.add (local.get $rw) (i32.shl (local.get $i) (i32.const 2))))`;
const colWeight = (type) => `(${type}.load (i32.add (local.get $cw) (i32.shl (local.get $j) (i32.const 2))))`;
const mul = (t, a, b) => `(${t}.mul ${a} ${b})`;
const add = (t, a, b) => `(${t}.add ${a} ${b})`;
const get = (n) => `(local.get $${n})`;

// the integer weights of TFLite's ResizeBilinearInteger: (1024 - d) and d per axis, their products per pixel
const integerWeights = (t, widen) => `
          (local.set $ex (i32.sub (i32.const 1024) (local.get $dx)))
          (local.set $w00 ${widen(`(i32.mul (local.get $ey) (local.get $ex))`)})
          (local.set $w10 ${widen(`(i32.mul (local.get $dy) (local.get $ex))`)})
          (local.set $w01 ${widen(`(i32.mul (local.get $ey) (local.get $dx))`)})
          (local.set $w11 ${widen(`(i32.mul (local.get $dy) (local.get $dx))`)})`;
const integerLocals = (t) => `(local $dy i32) (local $ey i32) (local $dx i32) (local $ex i32) (local $w00 ${t}) (local $w10 ${t}) (local $w01 ${t}) (local $w11 ${t}) (local $v ${t})`;
const integerRow = `(local.set $dy ${rowWeight("i32")}) (local.set $ey (i32.sub (i32.const 1024) (local.get $dy)))`;
const integerPixel = (t, widen) => `(local.set $dx ${colWeight("i32")})${integerWeights(t, widen)}`;
// the weighted sum in 1/2^20 steps, rounded half away from zero: (v ± 2^19) / 2^20 truncated
const integerElement = (t, load, store, widen) => `
            (local.set $v ${add(t, add(t, add(t, mul(t, widen(tap(load, "tl")), get("w00")), mul(t, widen(tap(load, "bl")), get("w10"))), mul(t, widen(tap(load, "tr")), get("w01"))), mul(t, widen(tap(load, "br")), get("w11")))})
            (${store} (local.get $o) (${t}.div_s (${t}.add (local.get $v) (select (${t}.const 524288) (${t}.const -524288) (${t}.gt_s (local.get $v) (${t}.const 0)))) (${t}.const 1048576)))`;

/**
 * int8 as two passes, exact in integers: each source row interpolated along the columns once (h = x_lo (1024 - dx) +
 * x_hi dx, int32, kept for the next output rows that use it), then each output row from its two such rows,
 * (h_top (1024 - dy) + h_bottom dy ± 2^19) / 2^20 truncated, four at a time. Σ x wy wx is the same sum regrouped
 * (at most 2^27 in magnitude, no rounding before the last step), so the results are the one-pass kernel's.
 */
const separableBilinear = ({ name, hrow, comment, columnWeight, columnMix, rowWeights, quad, tail }) => `
  ;; ${comment}
  (func $${hrow} (param $src i32) (param $h i32) (param $outW i32) (param $depth i32) (param $clo i32) (param $chi i32) (param $cw i32)
    (local $j i32) (local $c i32) (local $lo i32) (local $hi i32) (local $dx i32) (local $ex i32)
    (local.set $j (i32.const 0))
    (loop $cols
      (local.set $lo (i32.add (local.get $src) (i32.load (i32.add (local.get $clo) (i32.shl (local.get $j) (i32.const 2))))))
      (local.set $hi (i32.add (local.get $src) (i32.load (i32.add (local.get $chi) (i32.shl (local.get $j) (i32.const 2))))))
      (local.set $dx (i32.load (i32.add (local.get $cw) (i32.shl (local.get $j) (i32.const 2)))))
      ${columnWeight}
      (local.set $c (i32.const 0))
      (loop $channels
        (i32.store (local.get $h) ${columnMix})
        (local.set $h (i32.add (local.get $h) (i32.const 4)))
        (br_if $channels (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $depth))))
      (br_if $cols (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $outW)))))

  (func (export "${name}") (param $x i32) (param $y i32) (param $p i32)
    (local $b i32) (local $i i32) (local $k i32) (local $n i32) (local $outH i32) (local $outW i32) (local $depth i32) (local $image i32)
    (local $rlo i32) (local $rhi i32) (local $rw i32) (local $clo i32) (local $chi i32) (local $cw i32)
    (local $bufA i32) (local $bufB i32) (local $tagA i32) (local $tagB i32) (local $lo i32) (local $hi i32) (local $top i32) (local $bot i32)
    (local $dy i32) (local $ey i32) (local $v i32) (local $vy v128) (local $vey v128) (local $vv v128) (local $r v128)
    (local.set $b (i32.load (local.get $p)))
    (local.set $outH (i32.load offset=4 (local.get $p)))
    (local.set $outW (i32.load offset=8 (local.get $p)))
    (local.set $depth (i32.load offset=12 (local.get $p)))
    (local.set $image (i32.load offset=16 (local.get $p)))
    (local.set $rlo (i32.load offset=20 (local.get $p)))
    (local.set $rhi (i32.load offset=24 (local.get $p)))
    (local.set $rw (i32.load offset=28 (local.get $p)))
    (local.set $clo (i32.load offset=32 (local.get $p)))
    (local.set $chi (i32.load offset=36 (local.get $p)))
    (local.set $cw (i32.load offset=40 (local.get $p)))
    (local.set $bufA (i32.load offset=44 (local.get $p)))
    (local.set $bufB (i32.load offset=48 (local.get $p)))
    (local.set $n (i32.mul (local.get $outW) (local.get $depth)))
    (loop $images
      (local.set $tagA (i32.const -1))
      (local.set $tagB (i32.const -1))
      (local.set $i (i32.const 0))
      (loop $rows
        (local.set $lo (i32.load (i32.add (local.get $rlo) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $hi (i32.load (i32.add (local.get $rhi) (i32.shl (local.get $i) (i32.const 2)))))
        ;; the upper source row's column pass: one of the buffers already, or into the one the lower row does not hold
        (if (i32.eq (local.get $lo) (local.get $tagA)) (then (local.set $top (local.get $bufA)))
          (else (if (i32.eq (local.get $lo) (local.get $tagB)) (then (local.set $top (local.get $bufB)))
            (else
              (if (i32.eq (local.get $hi) (local.get $tagA))
                (then (local.set $top (local.get $bufB)) (local.set $tagB (local.get $lo)))
                (else (local.set $top (local.get $bufA)) (local.set $tagA (local.get $lo))))
              (call $${hrow} (i32.add (local.get $x) (local.get $lo)) (local.get $top) (local.get $outW) (local.get $depth) (local.get $clo) (local.get $chi) (local.get $cw))))))
        (if (i32.eq (local.get $hi) (local.get $tagA)) (then (local.set $bot (local.get $bufA)))
          (else (if (i32.eq (local.get $hi) (local.get $tagB)) (then (local.set $bot (local.get $bufB)))
            (else
              (if (i32.eq (local.get $top) (local.get $bufA))
                (then (local.set $bot (local.get $bufB)) (local.set $tagB (local.get $hi)))
                (else (local.set $bot (local.get $bufA)) (local.set $tagA (local.get $hi))))
              (call $${hrow} (i32.add (local.get $x) (local.get $hi)) (local.get $bot) (local.get $outW) (local.get $depth) (local.get $clo) (local.get $chi) (local.get $cw))))))
        (local.set $dy (i32.load (i32.add (local.get $rw) (i32.shl (local.get $i) (i32.const 2)))))
        ${rowWeights}
        (local.set $k (i32.const 0))
        (block $quads_done (loop $quads
          (br_if $quads_done (i32.gt_s (i32.add (local.get $k) (i32.const 4)) (local.get $n)))
          ${quad}
          (local.set $k (i32.add (local.get $k) (i32.const 4)))
          (br $quads)))
        (block $tail_done (loop $tail
          (br_if $tail_done (i32.ge_s (local.get $k) (local.get $n)))
          ${tail}
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $tail)))
        (local.set $y (i32.add (local.get $y) (local.get $n)))
        (br_if $rows (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $outH))))
      (local.set $x (i32.add (local.get $x) (local.get $image)))
      (br_if $images (local.tee $b (i32.sub (local.get $b) (i32.const 1))))))`;

const bilinearSeparableI8 = separableBilinear({
  name: "bilinear_i8",
  hrow: "hrow",
  comment: "int8 RESIZE_BILINEAR (TFLite's ResizeBilinearInteger) in two passes: p as for the bilinear kernels, then words\n  ;; 11 and 12 two row buffers of outW × depth int32 (and 16 bytes) each",
  columnWeight: "(local.set $ex (i32.sub (i32.const 1024) (local.get $dx)))",
  columnMix: `(i32.add
          (i32.mul (i32.load8_s (i32.add (local.get $lo) (local.get $c))) (local.get $ex))
          (i32.mul (i32.load8_s (i32.add (local.get $hi) (local.get $c))) (local.get $dx)))`,
  rowWeights: `(local.set $ey (i32.sub (i32.const 1024) (local.get $dy)))
        (local.set $vy (i32x4.splat (local.get $dy)))
        (local.set $vey (i32x4.splat (local.get $ey)))`,
  quad: `(local.set $vv (i32x4.add
            (i32x4.mul (v128.load (i32.add (local.get $top) (i32.shl (local.get $k) (i32.const 2)))) (local.get $vey))
            (i32x4.mul (v128.load (i32.add (local.get $bot) (i32.shl (local.get $k) (i32.const 2)))) (local.get $vy))))
          (local.set $vv (i32x4.add (local.get $vv)
            (v128.bitselect (v128.const i32x4 524288 524288 524288 524288) (v128.const i32x4 -524288 -524288 -524288 -524288) (i32x4.gt_s (local.get $vv) (v128.const i32x4 0 0 0 0)))))
          ;; truncation toward zero: negative sums take 2^20 - 1 before the arithmetic shift
          (local.set $r (i32x4.shr_s (i32x4.add (local.get $vv) (v128.and (i32x4.shr_s (local.get $vv) (i32.const 31)) (v128.const i32x4 0xfffff 0xfffff 0xfffff 0xfffff))) (i32.const 20)))
          (local.set $r (i16x8.narrow_i32x4_s (local.get $r) (local.get $r)))
          (v128.store32_lane 0 (i32.add (local.get $y) (local.get $k)) (i8x16.narrow_i16x8_s (local.get $r) (local.get $r)))`,
  tail: `(local.set $v (i32.add
            (i32.mul (i32.load (i32.add (local.get $top) (i32.shl (local.get $k) (i32.const 2)))) (local.get $ey))
            (i32.mul (i32.load (i32.add (local.get $bot) (i32.shl (local.get $k) (i32.const 2)))) (local.get $dy))))
          (i32.store8 (i32.add (local.get $y) (local.get $k))
            (i32.div_s (i32.add (local.get $v) (select (i32.const 524288) (i32.const -524288) (i32.gt_s (local.get $v) (i32.const 0)))) (i32.const 1048576)))`,
});

/** 8-bit RESIZE_BILINEAR as XNNPACK's ibilinear, signed or unsigned: the same two passes in its 11-bit steps. */
const bilinearQ11 = (signedness) =>
  separableBilinear({
    name: `bilinear_q11_${signedness}8`,
    hrow: `hrow_q11_${signedness}8`,
    comment: `${signedness === "s" ? "int8" : "uint8"} RESIZE_BILINEAR as XNNPACK's ibilinear (the xnnpack arithmetic; weights in 1/2048 steps): p as for
  ;; bilinear_i8; per column t = l 2^11 + (r - l) a, per row y = (t 2^11 + (u - t) a + 2^21) >> 22 (int32, wrapping
  ;; where XNNPACK's does), the low byte kept`,
    columnWeight: "",
    columnMix: `(i32.add (i32.shl (local.tee $ex (i32.load8_${signedness} (i32.add (local.get $lo) (local.get $c)))) (i32.const 11))
          (i32.mul (i32.sub (i32.load8_${signedness} (i32.add (local.get $hi) (local.get $c))) (local.get $ex)) (local.get $dx)))`,
    rowWeights: "(local.set $vy (i32x4.splat (local.get $dy)))",
    quad: `(local.set $vv (v128.load (i32.add (local.get $top) (i32.shl (local.get $k) (i32.const 2)))))
          (local.set $r (i32x4.shr_s (i32x4.add (i32x4.add (i32x4.shl (local.get $vv) (i32.const 11))
              (i32x4.mul (i32x4.sub (v128.load (i32.add (local.get $bot) (i32.shl (local.get $k) (i32.const 2)))) (local.get $vv)) (local.get $vy)))
            (v128.const i32x4 0x200000 0x200000 0x200000 0x200000)) (i32.const 22)))
          (v128.store32_lane 0 (i32.add (local.get $y) (local.get $k)) (i8x16.shuffle 0 4 8 12 0 4 8 12 0 4 8 12 0 4 8 12 (local.get $r) (local.get $r)))`,
    tail: `(local.set $v (i32.load (i32.add (local.get $top) (i32.shl (local.get $k) (i32.const 2)))))
          (i32.store8 (i32.add (local.get $y) (local.get $k))
            (i32.shr_s (i32.add (i32.add (i32.shl (local.get $v) (i32.const 11))
              (i32.mul (i32.sub (i32.load (i32.add (local.get $bot) (i32.shl (local.get $k) (i32.const 2)))) (local.get $v)) (local.get $dy)))
              (i32.const 0x200000)) (i32.const 22)))`,
  }).replace(/\n +\n/, "\n");

/**
 * A bilinear kernel four output elements at a time: per element of an output row (column, channel) its two taps'
 * byte offsets and its column weights 1 - dx, dx, laid out at preparation, the taps gathered into lanes. `vector`
 * and `scalar` store the four elements at $y + 4 $k · width and one at $y + $k · width from the taps (tl tr bl br)
 * and the weights ($ey / $dy and the column's ex / dx), in the same single-precision steps.
 */
const rowBilinear = (name, comment, width, vector, scalar) => `
  ;; ${comment}: p: i32 words 0 batches, 1 outH, 2 n (outW × depth), 3 image bytes, 4 / 5 each output row's upper /
  ;; lower source row (byte offsets), 6 its weight dy (f32), 7 / 8 each row element's left / right tap (byte offsets),
  ;; 9 / 10 its weights 1 - dx and dx (f32)
  (func (export "${name}") (param $x i32) (param $y i32) (param $p i32)
    (local $b i32) (local $i i32) (local $k i32) (local $kk i32) (local $outH i32) (local $n i32) (local $image i32)
    (local $rlo i32) (local $rhi i32) (local $rw i32) (local $lo i32) (local $hi i32) (local $ex i32) (local $dx i32) (local $top i32) (local $bot i32)
    (local $dy f32) (local $ey f32) (local $vdy v128) (local $vey v128) (local $lo4 v128) (local $hi4 v128) (local $wex v128) (local $wdx v128) (local $r v128)
    (local.set $b (i32.load (local.get $p)))
    (local.set $outH (i32.load offset=4 (local.get $p)))
    (local.set $n (i32.load offset=8 (local.get $p)))
    (local.set $image (i32.load offset=12 (local.get $p)))
    (local.set $rlo (i32.load offset=16 (local.get $p)))
    (local.set $rhi (i32.load offset=20 (local.get $p)))
    (local.set $rw (i32.load offset=24 (local.get $p)))
    (local.set $lo (i32.load offset=28 (local.get $p)))
    (local.set $hi (i32.load offset=32 (local.get $p)))
    (local.set $ex (i32.load offset=36 (local.get $p)))
    (local.set $dx (i32.load offset=40 (local.get $p)))
    (loop $images
      (local.set $i (i32.const 0))
      (loop $rows
        (local.set $top (i32.add (local.get $x) (i32.load (i32.add (local.get $rlo) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $bot (i32.add (local.get $x) (i32.load (i32.add (local.get $rhi) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $dy (f32.load (i32.add (local.get $rw) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $ey (f32.sub (f32.const 1) (local.get $dy)))
        (local.set $vdy (f32x4.splat (local.get $dy)))
        (local.set $vey (f32x4.splat (local.get $ey)))
        (local.set $k (i32.const 0))
        (block $quads_done (loop $quads
          (br_if $quads_done (i32.gt_s (i32.add (local.get $k) (i32.const 4)) (local.get $n)))
          (local.set $kk (i32.shl (local.get $k) (i32.const 2)))
          (local.set $lo4 (v128.load (i32.add (local.get $lo) (local.get $kk))))
          (local.set $hi4 (v128.load (i32.add (local.get $hi) (local.get $kk))))
          (local.set $wex (v128.load (i32.add (local.get $ex) (local.get $kk))))
          (local.set $wdx (v128.load (i32.add (local.get $dx) (local.get $kk))))
          ${vector}
          (local.set $k (i32.add (local.get $k) (i32.const 4)))
          (br $quads)))
        (block $tail_done (loop $tail
          (br_if $tail_done (i32.ge_s (local.get $k) (local.get $n)))
          (local.set $kk (i32.shl (local.get $k) (i32.const 2)))
          ${scalar}
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $tail)))
        (local.set $y (i32.add (local.get $y) (i32.mul (local.get $n) (i32.const ${width}))))
        (br_if $rows (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $outH))))
      (local.set $x (i32.add (local.get $x) (local.get $image)))
      (br_if $images (local.tee $b (i32.sub (local.get $b) (i32.const 1))))))`;

// the taps as lanes: the elements at base + each lane of the offsets vector
const gather4 = (base, offsets, load, replace, zero) =>
  [0, 1, 2, 3].reduce((v, lane) => `(${replace} ${lane} ${v} (${load} (i32.add (local.get $${base}) (i32x4.extract_lane ${lane} (local.get $${offsets})))))`, zero);
const u8lanes = (base, offsets) => `(f32x4.convert_i32x4_u ${gather4(base, offsets, "i32.load8_u", "i32x4.replace_lane", "(v128.const i32x4 0 0 0 0)")})`;
const f32lanes = (base, offsets) => gather4(base, offsets, "f32.load", "f32x4.replace_lane", "(v128.const f32x4 0 0 0 0)");
const tapOf = (load, base, table) => `(${load} (i32.add (local.get $${base}) (i32.load (i32.add (local.get $${table}) (local.get $kk)))))`;
const u8one = (base, table) => `(f32.convert_i32_u ${tapOf("i32.load8_u", base, table)})`;
const f32one = (base, table) => tapOf("f32.load", base, table);
const colWeightOne = (table) => `(f32.load (i32.add (local.get $${table}) (local.get $kk)))`;
const vmul = (a, b) => `(f32x4.mul ${a} ${b})`;
const vadd = (a, b) => `(f32x4.add ${a} ${b})`;
const smul = (a, b) => `(f32.mul ${a} ${b})`;
const sadd = (a, b) => `(f32.add ${a} ${b})`;
const vy = { ey: "(local.get $vey)", dy: "(local.get $vdy)", ex: "(local.get $wex)", dx: "(local.get $wdx)" };
const sy = { ey: "(local.get $ey)", dy: "(local.get $dy)", ex: colWeightOne("ex"), dx: colWeightOne("dx") };

// uint8 (TFLite's own uint8 kernel): w = wy · wx, tl w00 + tr w01 + bl w10 + br w11 + 0.5, truncated
const u8sum = (mul, add, w, tap, half) => add(add(add(add(mul(tap("top", "lo"), mul(w.ey, w.ex)), mul(tap("top", "hi"), mul(w.ey, w.dx))), mul(tap("bot", "lo"), mul(w.dy, w.ex))), mul(tap("bot", "hi"), mul(w.dy, w.dx))), half);
// float32: ((tl ey) ex + (bl dy) ex) + (tr ey) dx, + (br dy) dx
const f32sum = (mul, add, w, tap) => add(add(add(mul(mul(tap("top", "lo"), w.ey), w.ex), mul(mul(tap("bot", "lo"), w.dy), w.ex)), mul(mul(tap("top", "hi"), w.ey), w.dx)), mul(mul(tap("bot", "hi"), w.dy), w.dx));

const bilinearU8 = rowBilinear(
  "bilinear_u8",
  "uint8 RESIZE_BILINEAR (reference arithmetic, TFLite's own uint8 kernel: single-precision weights, + 0.5, truncated)",
  1,
  `(local.set $r (i32x4.trunc_sat_f32x4_u ${u8sum(vmul, vadd, vy, (b, t) => u8lanes(b, t + "4"), "(v128.const f32x4 0.5 0.5 0.5 0.5)")}))
          (local.set $r (i16x8.narrow_i32x4_u (local.get $r) (local.get $r)))
          (v128.store32_lane 0 (i32.add (local.get $y) (local.get $k)) (i8x16.narrow_i16x8_u (local.get $r) (local.get $r)))`,
  `(i32.store8 (i32.add (local.get $y) (local.get $k)) (i32.trunc_f32_u ${u8sum(smul, sadd, sy, u8one, "(f32.const 0.5)")}))`,
);
const bilinearF32 = rowBilinear(
  "bilinear_f32",
  "float32 RESIZE_BILINEAR in single precision, the taps in the JavaScript loop's order",
  4,
  `(v128.store (i32.add (local.get $y) (local.get $kk)) ${f32sum(vmul, vadd, vy, (b, t) => f32lanes(b, t + "4"))})`,
  `(f32.store (i32.add (local.get $y) (local.get $kk)) ${f32sum(smul, sadd, sy, f32one)})`,
);

const kernels = [
  bilinearF32,
  bilinearSeparableI8,
  bilinear("bilinear_i16", "int16: the same in int64 (the sum reaches 2^35)", {
    locals: integerLocals("i64"),
    row: integerRow,
    pixel: integerPixel("i64", (e) => `(i64.extend_i32_s ${e})`),
    element: integerElement("i64", "i32.load16_s", "i64.store16", (e) => `(i64.extend_i32_s ${e})`),
    width: 2,
  }),
  bilinearU8,
  bilinearQ11("s"),
  bilinearQ11("u"),
];

process.stdout.write(`;; Data movement (TRANSPOSE, PACK, UNPACK, SPLIT, SPLIT_V, CONCATENATION, PAD, PADV2, SLICE, STRIDED_SLICE, TILE,
;; DEPTH_TO_SPACE, SPACE_TO_DEPTH, GATHER), CAST float32 → int32 and RESIZE_NEAREST_NEIGHBOR / RESIZE_BILINEAR: a module of its own beside
;; int8.wat, importing the same memory (one per interpreter, see WasmHeap in ../wasm-kernels.ts). Written by
;; scripts/data-movement-wat.cjs (edit that, not this). The JavaScript kernels (../kernels/data-movement.ts,
;; shape-ops.ts, resize.ts) compute the same; ../kernels/data-movement-simd.ts prepares the parameter blocks.
(module
  (import "env" "memory" (memory 1))

  ;; move: one strided copy. p: i32 words 0 R (outer loops), 1 n, 2 e, 3 ss, 4 ds, 5 m, 6 rs, 7 rd, then per outer
  ;; loop (outermost first) its count and the bytes src and dst advance when it steps (the inner loops' travel
  ;; already taken off), then R words for the loop counters. The run: n bytes contiguous on both sides when e is 0,
  ;; else n elements of e bytes (1, 2, 4, 8), src advancing ss and dst ds bytes per element; m runs in a row, src
  ;; advancing rs and dst rd bytes from one to the next (a loop in locals, inside the counted outer loops). Every
  ;; count is at least 1.
  (func $move (param $src i32) (param $dst i32) (param $p i32)
    (local $r i32) (local $n i32) (local $e i32) (local $ss i32) (local $ds i32) (local $k i32) (local $c i32) (local $at i32) (local $cnt i32)
    (local $m i32) (local $rs i32) (local $rd i32) (local $s i32) (local $d i32) (local $left i32)
    ${copyLocals}
    (local.set $r (i32.load (local.get $p)))
    (local.set $n (i32.load offset=4 (local.get $p)))
    (local.set $e (i32.load offset=8 (local.get $p)))
    (local.set $ss (i32.load offset=12 (local.get $p)))
    (local.set $ds (i32.load offset=16 (local.get $p)))
    (local.set $m (i32.load offset=20 (local.get $p)))
    (local.set $rs (i32.load offset=24 (local.get $p)))
    (local.set $rd (i32.load offset=28 (local.get $p)))
    (local.set $cnt (i32.add (i32.add (local.get $p) (i32.const 32)) (i32.mul (local.get $r) (i32.const 12))))
    (local.set $k (i32.const 0))
    (block $zeroed (loop $zero
      (br_if $zeroed (i32.ge_u (local.get $k) (local.get $r)))
      (i32.store (i32.add (local.get $cnt) (i32.shl (local.get $k) (i32.const 2))) (i32.const 0))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $zero)))
    (block $done (loop $runs
      (local.set $s (local.get $src)) (local.set $d (local.get $dst)) (local.set $left (local.get $m))
      (loop $row
        (block $run
          (if (i32.eqz (local.get $e)) (then
            ${copyBytes("(local.get $d)", "(local.get $s)", "(local.get $n)")}
            (br $run)))
          (local.set $cs (local.get $s)) (local.set $cd (local.get $d)) (local.set $cn (local.get $n))
        ${stridedLoops})
        (local.set $s (i32.add (local.get $s) (local.get $rs)))
        (local.set $d (i32.add (local.get $d) (local.get $rd)))
        (br_if $row (local.tee $left (i32.sub (local.get $left) (i32.const 1)))))
      ;; the next run: the innermost outer loop that has not reached its count steps, those inside it start again
      (local.set $k (local.get $r))
      (loop $carry
        (br_if $done (i32.eqz (local.get $k)))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (local.set $at (i32.add (i32.add (local.get $p) (i32.const 32)) (i32.mul (local.get $k) (i32.const 12))))
        (local.set $c (i32.add (i32.load (i32.add (local.get $cnt) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 1)))
        (if (i32.lt_u (local.get $c) (i32.load (local.get $at))) (then
          (i32.store (i32.add (local.get $cnt) (i32.shl (local.get $k) (i32.const 2))) (local.get $c))
          (local.set $src (i32.add (local.get $src) (i32.load offset=4 (local.get $at))))
          (local.set $dst (i32.add (local.get $dst) (i32.load offset=8 (local.get $at))))
          (br $runs)))
        (i32.store (i32.add (local.get $cnt) (i32.shl (local.get $k) (i32.const 2))) (i32.const 0))
        (br $carry)))))

  ;; moves: count copies listed at list, three words each: src, dst, the move's parameter block
  (func (export "moves") (param $list i32) (param $count i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $count)))
      (call $move (i32.load (local.get $list)) (i32.load offset=4 (local.get $list)) (i32.load offset=8 (local.get $list)))
      (local.set $list (i32.add (local.get $list) (i32.const 12)))
      (local.set $count (i32.sub (local.get $count) (i32.const 1)))
      (br $next))))

  ;; GATHER along one axis: p: i32 words 0 outer, 1 count (indices), 2 dim (the axis' size), 3 inner bytes, 4 1 for
  ;; int64 indices (else int32). Returns 1, having written nothing, if an index is outside [0, dim); else 0.
  (func (export "gather") (param $x i32) (param $y i32) (param $idx i32) (param $p i32) (result i32)
    (local $outer i32) (local $count i32) (local $dim i32) (local $inner i32) (local $wide i32) (local $j i32) (local $at i64) (local $row i32)
    ${copyLocals}
    (local.set $outer (i32.load (local.get $p)))
    (local.set $count (i32.load offset=4 (local.get $p)))
    (local.set $dim (i32.load offset=8 (local.get $p)))
    (local.set $inner (i32.load offset=12 (local.get $p)))
    (local.set $wide (i32.load offset=16 (local.get $p)))
    (local.set $j (i32.const 0))
    (block $checked (loop $check
      (br_if $checked (i32.ge_u (local.get $j) (local.get $count)))
      (local.set $at (if (result i64) (local.get $wide)
        (then (i64.load (i32.add (local.get $idx) (i32.shl (local.get $j) (i32.const 3)))))
        (else (i64.extend_i32_s (i32.load (i32.add (local.get $idx) (i32.shl (local.get $j) (i32.const 2))))))))
      (if (i64.ge_u (local.get $at) (i64.extend_i32_u (local.get $dim))) (then (return (i32.const 1))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $check)))
    (block $done (loop $rows
      (br_if $done (i32.eqz (local.get $outer)))
      (local.set $j (i32.const 0))
      (block $row_done (loop $indices
        (br_if $row_done (i32.ge_u (local.get $j) (local.get $count)))
        (local.set $row (if (result i32) (local.get $wide)
          (then (i32.wrap_i64 (i64.load (i32.add (local.get $idx) (i32.shl (local.get $j) (i32.const 3))))))
          (else (i32.load (i32.add (local.get $idx) (i32.shl (local.get $j) (i32.const 2)))))))
        ${copyBytes("(local.get $y)", "(i32.add (local.get $x) (i32.mul (local.get $row) (local.get $inner)))", "(local.get $inner)")}
        (local.set $y (i32.add (local.get $y) (local.get $inner)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $indices)))
      (local.set $x (i32.add (local.get $x) (i32.mul (local.get $dim) (local.get $inner))))
      (local.set $outer (i32.sub (local.get $outer) (i32.const 1)))
      (br $rows)))
    (i32.const 0))

  ;; RESIZE_NEAREST_NEIGHBOR: p: i32 words 0 batches, 1 outH, 2 outW, 3 pixel bytes, 4 image bytes, 5 the byte offset
  ;; of each output row's source row, 6 of each output column's source column (all at least 1)
  (func (export "nearest") (param $x i32) (param $y i32) (param $p i32)
    (local $b i32) (local $i i32) (local $j i32) (local $outH i32) (local $outW i32) (local $run i32) (local $image i32) (local $rows i32) (local $cols i32) (local $top i32)
    ${copyLocals}
    (local.set $b (i32.load (local.get $p)))
    (local.set $outH (i32.load offset=4 (local.get $p)))
    (local.set $outW (i32.load offset=8 (local.get $p)))
    (local.set $run (i32.load offset=12 (local.get $p)))
    (local.set $image (i32.load offset=16 (local.get $p)))
    (local.set $rows (i32.load offset=20 (local.get $p)))
    (local.set $cols (i32.load offset=24 (local.get $p)))
    (loop $images
      (local.set $i (i32.const 0))
      (loop $outRows
        (local.set $top (i32.add (local.get $x) (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $j (i32.const 0))
        (loop $outCols
          ${copyBytes("(local.get $y)", "(i32.add (local.get $top) (i32.load (i32.add (local.get $cols) (i32.shl (local.get $j) (i32.const 2)))))", "(local.get $run)")}
          (local.set $y (i32.add (local.get $y) (local.get $run)))
          (br_if $outCols (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $outW))))
        (br_if $outRows (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $outH))))
      (local.set $x (i32.add (local.get $x) (local.get $image)))
      (br_if $images (local.tee $b (i32.sub (local.get $b) (i32.const 1))))))

  ;; CAST float32 → int32 as JavaScript's ToInt32 (Int32Array stores): truncated toward zero, NaN and ±Infinity to
  ;; 0, values outside the int32 range modulo 2^32. Four at a time where all four are below 2^31 in magnitude
  ;; (there the saturating truncation is exact), one at a time otherwise.
  (func $toInt32 (param $v f32) (result i32)
    (if (f32.lt (f32.abs (local.get $v)) (f32.const 2147483648)) (then (return (i32.trunc_f32_s (local.get $v)))))
    ;; from 2^63 on, a float32 is a multiple of 2^40: 0 modulo 2^32 (as are NaN and the infinities)
    (if (f32.lt (f32.abs (local.get $v)) (f32.const 9223372036854775808)) (then (return (i32.wrap_i64 (i64.trunc_f32_s (local.get $v))))))
    (i32.const 0))

  (func (export "cast_f32_i32") (param $x i32) (param $y i32) (param $n i32)
    (local $v v128) (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $quads_done (loop $quads
      (br_if $quads_done (i32.gt_u (i32.add (local.get $x) (i32.const 16)) (local.get $end)))
      (local.set $v (v128.load (local.get $x)))
      (if (i32x4.all_true (f32x4.lt (f32x4.abs (local.get $v)) (v128.const f32x4 2147483648 2147483648 2147483648 2147483648)))
        (then (v128.store (local.get $y) (i32x4.trunc_sat_f32x4_s (local.get $v))))
        (else
          (i32.store (local.get $y) (call $toInt32 (f32.load (local.get $x))))
          (i32.store offset=4 (local.get $y) (call $toInt32 (f32.load offset=4 (local.get $x))))
          (i32.store offset=8 (local.get $y) (call $toInt32 (f32.load offset=8 (local.get $x))))
          (i32.store offset=12 (local.get $y) (call $toInt32 (f32.load offset=12 (local.get $x))))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (br $quads)))
    (block $done (loop $tail
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (i32.store (local.get $y) (call $toInt32 (f32.load (local.get $x))))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (local.set $y (i32.add (local.get $y) (i32.const 4)))
      (br $tail))))

  ;; RESIZE_BILINEAR: p: i32 words 0 batches, 1 outH, 2 outW, 3 pixel bytes, 4 image bytes, 5 / 6 the byte offsets of
  ;; each output row's upper / lower source row, 7 its weights, 8 / 9 the byte offsets of each output column's left /
  ;; right source column, 10 its weights (all counts at least 1)
${kernels.join("\n")}
)
`);
