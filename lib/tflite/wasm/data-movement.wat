;; Data movement (TRANSPOSE, PACK, UNPACK, SPLIT, SPLIT_V, CONCATENATION, PAD, PADV2, SLICE, STRIDED_SLICE, TILE,
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
    (local $cs i32) (local $cd i32) (local $cn i32)
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
            (local.set $cd (local.get $d)) (local.set $cs (local.get $s)) (local.set $cn (local.get $n))
        (if (i32.ge_u (local.get $cn) (i32.const 512))
          (then (memory.copy (local.get $cd) (local.get $cs) (local.get $cn)))
          (else
            (block $cb0 (loop $cl0
              (br_if $cb0 (i32.lt_u (local.get $cn) (i32.const 16)))
              (v128.store (local.get $cd) (v128.load (local.get $cs)))
              (local.set $cd (i32.add (local.get $cd) (i32.const 16)))
              (local.set $cs (i32.add (local.get $cs) (i32.const 16)))
              (local.set $cn (i32.sub (local.get $cn) (i32.const 16)))
              (br $cl0)))
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
              (i32.store8 (local.get $cd) (i32.load8_u (local.get $cs)))))))
            (br $run)))
          (local.set $cs (local.get $s)) (local.set $cd (local.get $d)) (local.set $cn (local.get $n))
        (block $w3
(block $w2
(block $w1
(block $w0
(br_table $w0 $w1 $w2 $w3 (i32.ctz (local.get $e)))
      )
        ;; 1-byte elements
        (loop $el0
          (i32.store8 (local.get $cd) (i32.load8_u (local.get $cs)))
          (local.set $cs (i32.add (local.get $cs) (local.get $ss)))
          (local.set $cd (i32.add (local.get $cd) (local.get $ds)))
          (br_if $el0 (local.tee $cn (i32.sub (local.get $cn) (i32.const 1)))))
        (br $run)
      )
        ;; 2-byte elements
        (loop $el1
          (i32.store16 (local.get $cd) (i32.load16_u (local.get $cs)))
          (local.set $cs (i32.add (local.get $cs) (local.get $ss)))
          (local.set $cd (i32.add (local.get $cd) (local.get $ds)))
          (br_if $el1 (local.tee $cn (i32.sub (local.get $cn) (i32.const 1)))))
        (br $run)
      )
        ;; 4-byte elements
        (loop $el2
          (i32.store (local.get $cd) (i32.load (local.get $cs)))
          (local.set $cs (i32.add (local.get $cs) (local.get $ss)))
          (local.set $cd (i32.add (local.get $cd) (local.get $ds)))
          (br_if $el2 (local.tee $cn (i32.sub (local.get $cn) (i32.const 1)))))
        (br $run)
      )
        ;; 8-byte elements
        (loop $el3
          (i64.store (local.get $cd) (i64.load (local.get $cs)))
          (local.set $cs (i32.add (local.get $cs) (local.get $ss)))
          (local.set $cd (i32.add (local.get $cd) (local.get $ds)))
          (br_if $el3 (local.tee $cn (i32.sub (local.get $cn) (i32.const 1)))))
        (br $run))
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
    (local $cs i32) (local $cd i32) (local $cn i32)
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
        (local.set $cd (local.get $y)) (local.set $cs (i32.add (local.get $x) (i32.mul (local.get $row) (local.get $inner)))) (local.set $cn (local.get $inner))
        (if (i32.ge_u (local.get $cn) (i32.const 512))
          (then (memory.copy (local.get $cd) (local.get $cs) (local.get $cn)))
          (else
            (block $cb1 (loop $cl1
              (br_if $cb1 (i32.lt_u (local.get $cn) (i32.const 16)))
              (v128.store (local.get $cd) (v128.load (local.get $cs)))
              (local.set $cd (i32.add (local.get $cd) (i32.const 16)))
              (local.set $cs (i32.add (local.get $cs) (i32.const 16)))
              (local.set $cn (i32.sub (local.get $cn) (i32.const 16)))
              (br $cl1)))
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
              (i32.store8 (local.get $cd) (i32.load8_u (local.get $cs)))))))
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
    (local $cs i32) (local $cd i32) (local $cn i32)
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
          (local.set $cd (local.get $y)) (local.set $cs (i32.add (local.get $top) (i32.load (i32.add (local.get $cols) (i32.shl (local.get $j) (i32.const 2)))))) (local.set $cn (local.get $run))
        (if (i32.ge_u (local.get $cn) (i32.const 512))
          (then (memory.copy (local.get $cd) (local.get $cs) (local.get $cn)))
          (else
            (block $cb2 (loop $cl2
              (br_if $cb2 (i32.lt_u (local.get $cn) (i32.const 16)))
              (v128.store (local.get $cd) (v128.load (local.get $cs)))
              (local.set $cd (i32.add (local.get $cd) (i32.const 16)))
              (local.set $cs (i32.add (local.get $cs) (i32.const 16)))
              (local.set $cn (i32.sub (local.get $cn) (i32.const 16)))
              (br $cl2)))
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
              (i32.store8 (local.get $cd) (i32.load8_u (local.get $cs)))))))
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

  ;; float32 RESIZE_BILINEAR in single precision, the taps in the JavaScript loop's order: p: i32 words 0 batches, 1 outH, 2 n (outW × depth), 3 image bytes, 4 / 5 each output row's upper /
  ;; lower source row (byte offsets), 6 its weight dy (f32), 7 / 8 each row element's left / right tap (byte offsets),
  ;; 9 / 10 its weights 1 - dx and dx (f32)
  (func (export "bilinear_f32") (param $x i32) (param $y i32) (param $p i32)
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
          (v128.store (i32.add (local.get $y) (local.get $kk)) (f32x4.add (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.replace_lane 0 (v128.const f32x4 0 0 0 0) (f32.load (i32.add (local.get $top) (i32x4.extract_lane 0 (local.get $lo4))))) (f32.load (i32.add (local.get $top) (i32x4.extract_lane 1 (local.get $lo4))))) (f32.load (i32.add (local.get $top) (i32x4.extract_lane 2 (local.get $lo4))))) (f32.load (i32.add (local.get $top) (i32x4.extract_lane 3 (local.get $lo4))))) (local.get $vey)) (local.get $wex)) (f32x4.mul (f32x4.mul (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.replace_lane 0 (v128.const f32x4 0 0 0 0) (f32.load (i32.add (local.get $bot) (i32x4.extract_lane 0 (local.get $lo4))))) (f32.load (i32.add (local.get $bot) (i32x4.extract_lane 1 (local.get $lo4))))) (f32.load (i32.add (local.get $bot) (i32x4.extract_lane 2 (local.get $lo4))))) (f32.load (i32.add (local.get $bot) (i32x4.extract_lane 3 (local.get $lo4))))) (local.get $vdy)) (local.get $wex))) (f32x4.mul (f32x4.mul (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.replace_lane 0 (v128.const f32x4 0 0 0 0) (f32.load (i32.add (local.get $top) (i32x4.extract_lane 0 (local.get $hi4))))) (f32.load (i32.add (local.get $top) (i32x4.extract_lane 1 (local.get $hi4))))) (f32.load (i32.add (local.get $top) (i32x4.extract_lane 2 (local.get $hi4))))) (f32.load (i32.add (local.get $top) (i32x4.extract_lane 3 (local.get $hi4))))) (local.get $vey)) (local.get $wdx))) (f32x4.mul (f32x4.mul (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.replace_lane 0 (v128.const f32x4 0 0 0 0) (f32.load (i32.add (local.get $bot) (i32x4.extract_lane 0 (local.get $hi4))))) (f32.load (i32.add (local.get $bot) (i32x4.extract_lane 1 (local.get $hi4))))) (f32.load (i32.add (local.get $bot) (i32x4.extract_lane 2 (local.get $hi4))))) (f32.load (i32.add (local.get $bot) (i32x4.extract_lane 3 (local.get $hi4))))) (local.get $vdy)) (local.get $wdx))))
          (local.set $k (i32.add (local.get $k) (i32.const 4)))
          (br $quads)))
        (block $tail_done (loop $tail
          (br_if $tail_done (i32.ge_s (local.get $k) (local.get $n)))
          (local.set $kk (i32.shl (local.get $k) (i32.const 2)))
          (f32.store (i32.add (local.get $y) (local.get $kk)) (f32.add (f32.add (f32.add (f32.mul (f32.mul (f32.load (i32.add (local.get $top) (i32.load (i32.add (local.get $lo) (local.get $kk))))) (local.get $ey)) (f32.load (i32.add (local.get $ex) (local.get $kk)))) (f32.mul (f32.mul (f32.load (i32.add (local.get $bot) (i32.load (i32.add (local.get $lo) (local.get $kk))))) (local.get $dy)) (f32.load (i32.add (local.get $ex) (local.get $kk))))) (f32.mul (f32.mul (f32.load (i32.add (local.get $top) (i32.load (i32.add (local.get $hi) (local.get $kk))))) (local.get $ey)) (f32.load (i32.add (local.get $dx) (local.get $kk))))) (f32.mul (f32.mul (f32.load (i32.add (local.get $bot) (i32.load (i32.add (local.get $hi) (local.get $kk))))) (local.get $dy)) (f32.load (i32.add (local.get $dx) (local.get $kk))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $tail)))
        (local.set $y (i32.add (local.get $y) (i32.mul (local.get $n) (i32.const 4))))
        (br_if $rows (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $outH))))
      (local.set $x (i32.add (local.get $x) (local.get $image)))
      (br_if $images (local.tee $b (i32.sub (local.get $b) (i32.const 1))))))

  ;; int8 RESIZE_BILINEAR (TFLite's ResizeBilinearInteger) in two passes: p as for the bilinear kernels, then words
  ;; 11 and 12 two row buffers of outW × depth int32 (and 16 bytes) each
  (func $hrow (param $src i32) (param $h i32) (param $outW i32) (param $depth i32) (param $clo i32) (param $chi i32) (param $cw i32)
    (local $j i32) (local $c i32) (local $lo i32) (local $hi i32) (local $dx i32) (local $ex i32)
    (local.set $j (i32.const 0))
    (loop $cols
      (local.set $lo (i32.add (local.get $src) (i32.load (i32.add (local.get $clo) (i32.shl (local.get $j) (i32.const 2))))))
      (local.set $hi (i32.add (local.get $src) (i32.load (i32.add (local.get $chi) (i32.shl (local.get $j) (i32.const 2))))))
      (local.set $dx (i32.load (i32.add (local.get $cw) (i32.shl (local.get $j) (i32.const 2)))))
      (local.set $ex (i32.sub (i32.const 1024) (local.get $dx)))
      (local.set $c (i32.const 0))
      (loop $channels
        (i32.store (local.get $h) (i32.add
          (i32.mul (i32.load8_s (i32.add (local.get $lo) (local.get $c))) (local.get $ex))
          (i32.mul (i32.load8_s (i32.add (local.get $hi) (local.get $c))) (local.get $dx))))
        (local.set $h (i32.add (local.get $h) (i32.const 4)))
        (br_if $channels (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $depth))))
      (br_if $cols (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $outW)))))

  (func (export "bilinear_i8") (param $x i32) (param $y i32) (param $p i32)
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
              (call $hrow (i32.add (local.get $x) (local.get $lo)) (local.get $top) (local.get $outW) (local.get $depth) (local.get $clo) (local.get $chi) (local.get $cw))))))
        (if (i32.eq (local.get $hi) (local.get $tagA)) (then (local.set $bot (local.get $bufA)))
          (else (if (i32.eq (local.get $hi) (local.get $tagB)) (then (local.set $bot (local.get $bufB)))
            (else
              (if (i32.eq (local.get $top) (local.get $bufA))
                (then (local.set $bot (local.get $bufB)) (local.set $tagB (local.get $hi)))
                (else (local.set $bot (local.get $bufA)) (local.set $tagA (local.get $hi))))
              (call $hrow (i32.add (local.get $x) (local.get $hi)) (local.get $bot) (local.get $outW) (local.get $depth) (local.get $clo) (local.get $chi) (local.get $cw))))))
        (local.set $dy (i32.load (i32.add (local.get $rw) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $ey (i32.sub (i32.const 1024) (local.get $dy)))
        (local.set $vy (i32x4.splat (local.get $dy)))
        (local.set $vey (i32x4.splat (local.get $ey)))
        (local.set $k (i32.const 0))
        (block $quads_done (loop $quads
          (br_if $quads_done (i32.gt_s (i32.add (local.get $k) (i32.const 4)) (local.get $n)))
          (local.set $vv (i32x4.add
            (i32x4.mul (v128.load (i32.add (local.get $top) (i32.shl (local.get $k) (i32.const 2)))) (local.get $vey))
            (i32x4.mul (v128.load (i32.add (local.get $bot) (i32.shl (local.get $k) (i32.const 2)))) (local.get $vy))))
          (local.set $vv (i32x4.add (local.get $vv)
            (v128.bitselect (v128.const i32x4 524288 524288 524288 524288) (v128.const i32x4 -524288 -524288 -524288 -524288) (i32x4.gt_s (local.get $vv) (v128.const i32x4 0 0 0 0)))))
          ;; truncation toward zero: negative sums take 2^20 - 1 before the arithmetic shift
          (local.set $r (i32x4.shr_s (i32x4.add (local.get $vv) (v128.and (i32x4.shr_s (local.get $vv) (i32.const 31)) (v128.const i32x4 0xfffff 0xfffff 0xfffff 0xfffff))) (i32.const 20)))
          (local.set $r (i16x8.narrow_i32x4_s (local.get $r) (local.get $r)))
          (v128.store32_lane 0 (i32.add (local.get $y) (local.get $k)) (i8x16.narrow_i16x8_s (local.get $r) (local.get $r)))
          (local.set $k (i32.add (local.get $k) (i32.const 4)))
          (br $quads)))
        (block $tail_done (loop $tail
          (br_if $tail_done (i32.ge_s (local.get $k) (local.get $n)))
          (local.set $v (i32.add
            (i32.mul (i32.load (i32.add (local.get $top) (i32.shl (local.get $k) (i32.const 2)))) (local.get $ey))
            (i32.mul (i32.load (i32.add (local.get $bot) (i32.shl (local.get $k) (i32.const 2)))) (local.get $dy))))
          (i32.store8 (i32.add (local.get $y) (local.get $k))
            (i32.div_s (i32.add (local.get $v) (select (i32.const 524288) (i32.const -524288) (i32.gt_s (local.get $v) (i32.const 0)))) (i32.const 1048576)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $tail)))
        (local.set $y (i32.add (local.get $y) (local.get $n)))
        (br_if $rows (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $outH))))
      (local.set $x (i32.add (local.get $x) (local.get $image)))
      (br_if $images (local.tee $b (i32.sub (local.get $b) (i32.const 1))))))

  ;; int16: the same in int64 (the sum reaches 2^35)
  (func (export "bilinear_i16") (param $x i32) (param $y i32) (param $p i32)
    (local $b i32) (local $i i32) (local $j i32) (local $c i32) (local $o i32)
    (local $outH i32) (local $outW i32) (local $depth i32) (local $image i32)
    (local $rlo i32) (local $rhi i32) (local $rw i32) (local $clo i32) (local $chi i32) (local $cw i32)
    (local $top i32) (local $bot i32) (local $lo i32) (local $hi i32) (local $tl i32) (local $tr i32) (local $bl i32) (local $br i32)
    (local $dy i32) (local $ey i32) (local $dx i32) (local $ex i32) (local $w00 i64) (local $w10 i64) (local $w01 i64) (local $w11 i64) (local $v i64)
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
        (local.set $dy (i32.load (i32.add (local.get $rw) (i32.shl (local.get $i) (i32.const 2))))) (local.set $ey (i32.sub (i32.const 1024) (local.get $dy)))
        (local.set $j (i32.const 0))
        (loop $cols
          (local.set $lo (i32.load (i32.add (local.get $clo) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $hi (i32.load (i32.add (local.get $chi) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $tl (i32.add (local.get $top) (local.get $lo)))
          (local.set $tr (i32.add (local.get $top) (local.get $hi)))
          (local.set $bl (i32.add (local.get $bot) (local.get $lo)))
          (local.set $br (i32.add (local.get $bot) (local.get $hi)))
          (local.set $dx (i32.load (i32.add (local.get $cw) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $ex (i32.sub (i32.const 1024) (local.get $dx)))
          (local.set $w00 (i64.extend_i32_s (i32.mul (local.get $ey) (local.get $ex))))
          (local.set $w10 (i64.extend_i32_s (i32.mul (local.get $dy) (local.get $ex))))
          (local.set $w01 (i64.extend_i32_s (i32.mul (local.get $ey) (local.get $dx))))
          (local.set $w11 (i64.extend_i32_s (i32.mul (local.get $dy) (local.get $dx))))
          (local.set $c (i32.const 0))
          (loop $channels
            
            (local.set $v (i64.add (i64.add (i64.add (i64.mul (i64.extend_i32_s (i32.load16_s (i32.add (local.get $tl) (local.get $c)))) (local.get $w00)) (i64.mul (i64.extend_i32_s (i32.load16_s (i32.add (local.get $bl) (local.get $c)))) (local.get $w10))) (i64.mul (i64.extend_i32_s (i32.load16_s (i32.add (local.get $tr) (local.get $c)))) (local.get $w01))) (i64.mul (i64.extend_i32_s (i32.load16_s (i32.add (local.get $br) (local.get $c)))) (local.get $w11))))
            (i64.store16 (local.get $o) (i64.div_s (i64.add (local.get $v) (select (i64.const 524288) (i64.const -524288) (i64.gt_s (local.get $v) (i64.const 0)))) (i64.const 1048576)))
            (local.set $o (i32.add (local.get $o) (i32.const 2)))
            (br_if $channels (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 2))) (local.get $depth))))
          (br_if $cols (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $outW))))
        (br_if $rows (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $outH))))
      (local.set $x (i32.add (local.get $x) (local.get $image)))
      (br_if $images (local.tee $b (i32.sub (local.get $b) (i32.const 1))))))

  ;; uint8 RESIZE_BILINEAR (reference arithmetic, TFLite's own uint8 kernel: single-precision weights, + 0.5, truncated): p: i32 words 0 batches, 1 outH, 2 n (outW × depth), 3 image bytes, 4 / 5 each output row's upper /
  ;; lower source row (byte offsets), 6 its weight dy (f32), 7 / 8 each row element's left / right tap (byte offsets),
  ;; 9 / 10 its weights 1 - dx and dx (f32)
  (func (export "bilinear_u8") (param $x i32) (param $y i32) (param $p i32)
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
          (local.set $r (i32x4.trunc_sat_f32x4_u (f32x4.add (f32x4.add (f32x4.add (f32x4.add (f32x4.mul (f32x4.convert_i32x4_u (i32x4.replace_lane 3 (i32x4.replace_lane 2 (i32x4.replace_lane 1 (i32x4.replace_lane 0 (v128.const i32x4 0 0 0 0) (i32.load8_u (i32.add (local.get $top) (i32x4.extract_lane 0 (local.get $lo4))))) (i32.load8_u (i32.add (local.get $top) (i32x4.extract_lane 1 (local.get $lo4))))) (i32.load8_u (i32.add (local.get $top) (i32x4.extract_lane 2 (local.get $lo4))))) (i32.load8_u (i32.add (local.get $top) (i32x4.extract_lane 3 (local.get $lo4)))))) (f32x4.mul (local.get $vey) (local.get $wex))) (f32x4.mul (f32x4.convert_i32x4_u (i32x4.replace_lane 3 (i32x4.replace_lane 2 (i32x4.replace_lane 1 (i32x4.replace_lane 0 (v128.const i32x4 0 0 0 0) (i32.load8_u (i32.add (local.get $top) (i32x4.extract_lane 0 (local.get $hi4))))) (i32.load8_u (i32.add (local.get $top) (i32x4.extract_lane 1 (local.get $hi4))))) (i32.load8_u (i32.add (local.get $top) (i32x4.extract_lane 2 (local.get $hi4))))) (i32.load8_u (i32.add (local.get $top) (i32x4.extract_lane 3 (local.get $hi4)))))) (f32x4.mul (local.get $vey) (local.get $wdx)))) (f32x4.mul (f32x4.convert_i32x4_u (i32x4.replace_lane 3 (i32x4.replace_lane 2 (i32x4.replace_lane 1 (i32x4.replace_lane 0 (v128.const i32x4 0 0 0 0) (i32.load8_u (i32.add (local.get $bot) (i32x4.extract_lane 0 (local.get $lo4))))) (i32.load8_u (i32.add (local.get $bot) (i32x4.extract_lane 1 (local.get $lo4))))) (i32.load8_u (i32.add (local.get $bot) (i32x4.extract_lane 2 (local.get $lo4))))) (i32.load8_u (i32.add (local.get $bot) (i32x4.extract_lane 3 (local.get $lo4)))))) (f32x4.mul (local.get $vdy) (local.get $wex)))) (f32x4.mul (f32x4.convert_i32x4_u (i32x4.replace_lane 3 (i32x4.replace_lane 2 (i32x4.replace_lane 1 (i32x4.replace_lane 0 (v128.const i32x4 0 0 0 0) (i32.load8_u (i32.add (local.get $bot) (i32x4.extract_lane 0 (local.get $hi4))))) (i32.load8_u (i32.add (local.get $bot) (i32x4.extract_lane 1 (local.get $hi4))))) (i32.load8_u (i32.add (local.get $bot) (i32x4.extract_lane 2 (local.get $hi4))))) (i32.load8_u (i32.add (local.get $bot) (i32x4.extract_lane 3 (local.get $hi4)))))) (f32x4.mul (local.get $vdy) (local.get $wdx)))) (v128.const f32x4 0.5 0.5 0.5 0.5))))
          (local.set $r (i16x8.narrow_i32x4_u (local.get $r) (local.get $r)))
          (v128.store32_lane 0 (i32.add (local.get $y) (local.get $k)) (i8x16.narrow_i16x8_u (local.get $r) (local.get $r)))
          (local.set $k (i32.add (local.get $k) (i32.const 4)))
          (br $quads)))
        (block $tail_done (loop $tail
          (br_if $tail_done (i32.ge_s (local.get $k) (local.get $n)))
          (local.set $kk (i32.shl (local.get $k) (i32.const 2)))
          (i32.store8 (i32.add (local.get $y) (local.get $k)) (i32.trunc_f32_u (f32.add (f32.add (f32.add (f32.add (f32.mul (f32.convert_i32_u (i32.load8_u (i32.add (local.get $top) (i32.load (i32.add (local.get $lo) (local.get $kk)))))) (f32.mul (local.get $ey) (f32.load (i32.add (local.get $ex) (local.get $kk))))) (f32.mul (f32.convert_i32_u (i32.load8_u (i32.add (local.get $top) (i32.load (i32.add (local.get $hi) (local.get $kk)))))) (f32.mul (local.get $ey) (f32.load (i32.add (local.get $dx) (local.get $kk)))))) (f32.mul (f32.convert_i32_u (i32.load8_u (i32.add (local.get $bot) (i32.load (i32.add (local.get $lo) (local.get $kk)))))) (f32.mul (local.get $dy) (f32.load (i32.add (local.get $ex) (local.get $kk)))))) (f32.mul (f32.convert_i32_u (i32.load8_u (i32.add (local.get $bot) (i32.load (i32.add (local.get $hi) (local.get $kk)))))) (f32.mul (local.get $dy) (f32.load (i32.add (local.get $dx) (local.get $kk)))))) (f32.const 0.5))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $tail)))
        (local.set $y (i32.add (local.get $y) (i32.mul (local.get $n) (i32.const 1))))
        (br_if $rows (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $outH))))
      (local.set $x (i32.add (local.get $x) (local.get $image)))
      (br_if $images (local.tee $b (i32.sub (local.get $b) (i32.const 1))))))

  ;; int8 RESIZE_BILINEAR as XNNPACK's ibilinear (the xnnpack arithmetic; weights in 1/2048 steps): p as for
  ;; bilinear_i8; per column t = l 2^11 + (r - l) a, per row y = (t 2^11 + (u - t) a + 2^21) >> 22 (int32, wrapping
  ;; where XNNPACK's does), the low byte kept
  (func $hrow_q11_s8 (param $src i32) (param $h i32) (param $outW i32) (param $depth i32) (param $clo i32) (param $chi i32) (param $cw i32)
    (local $j i32) (local $c i32) (local $lo i32) (local $hi i32) (local $dx i32) (local $ex i32)
    (local.set $j (i32.const 0))
    (loop $cols
      (local.set $lo (i32.add (local.get $src) (i32.load (i32.add (local.get $clo) (i32.shl (local.get $j) (i32.const 2))))))
      (local.set $hi (i32.add (local.get $src) (i32.load (i32.add (local.get $chi) (i32.shl (local.get $j) (i32.const 2))))))
      (local.set $dx (i32.load (i32.add (local.get $cw) (i32.shl (local.get $j) (i32.const 2)))))
      (local.set $c (i32.const 0))
      (loop $channels
        (i32.store (local.get $h) (i32.add (i32.shl (local.tee $ex (i32.load8_s (i32.add (local.get $lo) (local.get $c)))) (i32.const 11))
          (i32.mul (i32.sub (i32.load8_s (i32.add (local.get $hi) (local.get $c))) (local.get $ex)) (local.get $dx))))
        (local.set $h (i32.add (local.get $h) (i32.const 4)))
        (br_if $channels (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $depth))))
      (br_if $cols (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $outW)))))

  (func (export "bilinear_q11_s8") (param $x i32) (param $y i32) (param $p i32)
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
              (call $hrow_q11_s8 (i32.add (local.get $x) (local.get $lo)) (local.get $top) (local.get $outW) (local.get $depth) (local.get $clo) (local.get $chi) (local.get $cw))))))
        (if (i32.eq (local.get $hi) (local.get $tagA)) (then (local.set $bot (local.get $bufA)))
          (else (if (i32.eq (local.get $hi) (local.get $tagB)) (then (local.set $bot (local.get $bufB)))
            (else
              (if (i32.eq (local.get $top) (local.get $bufA))
                (then (local.set $bot (local.get $bufB)) (local.set $tagB (local.get $hi)))
                (else (local.set $bot (local.get $bufA)) (local.set $tagA (local.get $hi))))
              (call $hrow_q11_s8 (i32.add (local.get $x) (local.get $hi)) (local.get $bot) (local.get $outW) (local.get $depth) (local.get $clo) (local.get $chi) (local.get $cw))))))
        (local.set $dy (i32.load (i32.add (local.get $rw) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $vy (i32x4.splat (local.get $dy)))
        (local.set $k (i32.const 0))
        (block $quads_done (loop $quads
          (br_if $quads_done (i32.gt_s (i32.add (local.get $k) (i32.const 4)) (local.get $n)))
          (local.set $vv (v128.load (i32.add (local.get $top) (i32.shl (local.get $k) (i32.const 2)))))
          (local.set $r (i32x4.shr_s (i32x4.add (i32x4.add (i32x4.shl (local.get $vv) (i32.const 11))
              (i32x4.mul (i32x4.sub (v128.load (i32.add (local.get $bot) (i32.shl (local.get $k) (i32.const 2)))) (local.get $vv)) (local.get $vy)))
            (v128.const i32x4 0x200000 0x200000 0x200000 0x200000)) (i32.const 22)))
          (v128.store32_lane 0 (i32.add (local.get $y) (local.get $k)) (i8x16.shuffle 0 4 8 12 0 4 8 12 0 4 8 12 0 4 8 12 (local.get $r) (local.get $r)))
          (local.set $k (i32.add (local.get $k) (i32.const 4)))
          (br $quads)))
        (block $tail_done (loop $tail
          (br_if $tail_done (i32.ge_s (local.get $k) (local.get $n)))
          (local.set $v (i32.load (i32.add (local.get $top) (i32.shl (local.get $k) (i32.const 2)))))
          (i32.store8 (i32.add (local.get $y) (local.get $k))
            (i32.shr_s (i32.add (i32.add (i32.shl (local.get $v) (i32.const 11))
              (i32.mul (i32.sub (i32.load (i32.add (local.get $bot) (i32.shl (local.get $k) (i32.const 2)))) (local.get $v)) (local.get $dy)))
              (i32.const 0x200000)) (i32.const 22)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $tail)))
        (local.set $y (i32.add (local.get $y) (local.get $n)))
        (br_if $rows (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $outH))))
      (local.set $x (i32.add (local.get $x) (local.get $image)))
      (br_if $images (local.tee $b (i32.sub (local.get $b) (i32.const 1))))))

  ;; uint8 RESIZE_BILINEAR as XNNPACK's ibilinear (the xnnpack arithmetic; weights in 1/2048 steps): p as for
  ;; bilinear_i8; per column t = l 2^11 + (r - l) a, per row y = (t 2^11 + (u - t) a + 2^21) >> 22 (int32, wrapping
  ;; where XNNPACK's does), the low byte kept
  (func $hrow_q11_u8 (param $src i32) (param $h i32) (param $outW i32) (param $depth i32) (param $clo i32) (param $chi i32) (param $cw i32)
    (local $j i32) (local $c i32) (local $lo i32) (local $hi i32) (local $dx i32) (local $ex i32)
    (local.set $j (i32.const 0))
    (loop $cols
      (local.set $lo (i32.add (local.get $src) (i32.load (i32.add (local.get $clo) (i32.shl (local.get $j) (i32.const 2))))))
      (local.set $hi (i32.add (local.get $src) (i32.load (i32.add (local.get $chi) (i32.shl (local.get $j) (i32.const 2))))))
      (local.set $dx (i32.load (i32.add (local.get $cw) (i32.shl (local.get $j) (i32.const 2)))))
      (local.set $c (i32.const 0))
      (loop $channels
        (i32.store (local.get $h) (i32.add (i32.shl (local.tee $ex (i32.load8_u (i32.add (local.get $lo) (local.get $c)))) (i32.const 11))
          (i32.mul (i32.sub (i32.load8_u (i32.add (local.get $hi) (local.get $c))) (local.get $ex)) (local.get $dx))))
        (local.set $h (i32.add (local.get $h) (i32.const 4)))
        (br_if $channels (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $depth))))
      (br_if $cols (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $outW)))))

  (func (export "bilinear_q11_u8") (param $x i32) (param $y i32) (param $p i32)
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
              (call $hrow_q11_u8 (i32.add (local.get $x) (local.get $lo)) (local.get $top) (local.get $outW) (local.get $depth) (local.get $clo) (local.get $chi) (local.get $cw))))))
        (if (i32.eq (local.get $hi) (local.get $tagA)) (then (local.set $bot (local.get $bufA)))
          (else (if (i32.eq (local.get $hi) (local.get $tagB)) (then (local.set $bot (local.get $bufB)))
            (else
              (if (i32.eq (local.get $top) (local.get $bufA))
                (then (local.set $bot (local.get $bufB)) (local.set $tagB (local.get $hi)))
                (else (local.set $bot (local.get $bufA)) (local.set $tagA (local.get $hi))))
              (call $hrow_q11_u8 (i32.add (local.get $x) (local.get $hi)) (local.get $bot) (local.get $outW) (local.get $depth) (local.get $clo) (local.get $chi) (local.get $cw))))))
        (local.set $dy (i32.load (i32.add (local.get $rw) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $vy (i32x4.splat (local.get $dy)))
        (local.set $k (i32.const 0))
        (block $quads_done (loop $quads
          (br_if $quads_done (i32.gt_s (i32.add (local.get $k) (i32.const 4)) (local.get $n)))
          (local.set $vv (v128.load (i32.add (local.get $top) (i32.shl (local.get $k) (i32.const 2)))))
          (local.set $r (i32x4.shr_s (i32x4.add (i32x4.add (i32x4.shl (local.get $vv) (i32.const 11))
              (i32x4.mul (i32x4.sub (v128.load (i32.add (local.get $bot) (i32.shl (local.get $k) (i32.const 2)))) (local.get $vv)) (local.get $vy)))
            (v128.const i32x4 0x200000 0x200000 0x200000 0x200000)) (i32.const 22)))
          (v128.store32_lane 0 (i32.add (local.get $y) (local.get $k)) (i8x16.shuffle 0 4 8 12 0 4 8 12 0 4 8 12 0 4 8 12 (local.get $r) (local.get $r)))
          (local.set $k (i32.add (local.get $k) (i32.const 4)))
          (br $quads)))
        (block $tail_done (loop $tail
          (br_if $tail_done (i32.ge_s (local.get $k) (local.get $n)))
          (local.set $v (i32.load (i32.add (local.get $top) (i32.shl (local.get $k) (i32.const 2)))))
          (i32.store8 (i32.add (local.get $y) (local.get $k))
            (i32.shr_s (i32.add (i32.add (i32.shl (local.get $v) (i32.const 11))
              (i32.mul (i32.sub (i32.load (i32.add (local.get $bot) (i32.shl (local.get $k) (i32.const 2)))) (local.get $v)) (local.get $dy)))
              (i32.const 0x200000)) (i32.const 22)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $tail)))
        (local.set $y (i32.add (local.get $y) (local.get $n)))
        (br_if $rows (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $outH))))
      (local.set $x (i32.add (local.get $x) (local.get $image)))
      (br_if $images (local.tee $b (i32.sub (local.get $b) (i32.const 1))))))
)
