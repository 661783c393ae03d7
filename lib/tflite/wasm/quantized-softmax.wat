;; Quantized SOFTMAX (8-bit, and int16 at the end) and 8-bit LOG_SOFTMAX as TFLite's kernels compute them
;; (../kernels/quantized-softmax-simd.ts). 8-bit, per row
;; of `depth` values: the row's maximum, then a 256-entry float32 table of exp(-scale beta d) indexed by
;; 255 - max + q (d = max - q), summed one by one in single precision (TFLite's order, so no vector sum).
;; Inputs are read as bytes and flipped by `flip` (128 for int8, 0 for uint8) to unsigned order: the differences to
;; the maximum, and so the table index, are unchanged.
;; A module of its own beside int8.wat, importing the same memory (see WasmHeap in ../wasm-kernels.ts).
(module
  (import "env" "memory" (memory 1))

  ;; the row's maximum in unsigned order (each byte xor flip), 16 bytes at a time while they last
  (func $rowmax (param $x i32) (param $depth i32) (param $flip i32) (result i32)
    (local $end i32) (local $m v128) (local $f v128) (local $max i32) (local $v i32)
    (local.set $end (i32.add (local.get $x) (local.get $depth)))
    (if (i32.ge_u (local.get $depth) (i32.const 16))
      (then
        (local.set $f (i8x16.splat (local.get $flip)))
        (local.set $m (v128.const i32x4 0 0 0 0))
        (loop $vec
          (local.set $m (i8x16.max_u (local.get $m) (v128.xor (v128.load (local.get $x)) (local.get $f))))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (br_if $vec (i32.le_u (i32.add (local.get $x) (i32.const 16)) (local.get $end))))
        ;; fold the 16 lanes
        (local.set $m (i8x16.max_u (local.get $m) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $m) (local.get $m))))
        (local.set $m (i8x16.max_u (local.get $m) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $m) (local.get $m))))
        (local.set $m (i8x16.max_u (local.get $m) (i8x16.shuffle 2 3 0 1 2 3 0 1 2 3 0 1 2 3 0 1 (local.get $m) (local.get $m))))
        (local.set $m (i8x16.max_u (local.get $m) (i8x16.shuffle 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 (local.get $m) (local.get $m))))
        (local.set $max (i8x16.extract_lane_u 0 (local.get $m)))))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $v (i32.xor (i32.load8_u (local.get $x)) (local.get $flip)))
        (if (i32.gt_u (local.get $v) (local.get $max)) (then (local.set $max (local.get $v))))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $tail)))
    (local.get $max))

  ;; the sum of the row's exponentials in TFLite's order; $base is the table address minus 4 max plus 4 255
  (func $rowsum (param $x i32) (param $depth i32) (param $flip i32) (param $base i32) (result f32)
    (local $end i32) (local $sum f32)
    (local.set $end (i32.add (local.get $x) (local.get $depth)))
    (loop $each
      (local.set $sum (f32.add (local.get $sum)
        (f32.load (i32.add (local.get $base) (i32.shl (i32.xor (i32.load8_u (local.get $x)) (local.get $flip)) (i32.const 2))))))
      (local.set $x (i32.add (local.get $x) (i32.const 1)))
      (br_if $each (i32.lt_u (local.get $x) (local.get $end))))
    (local.get $sum))

  ;; SOFTMAX: y = clamp(round(e inv) + zero), inv = 1 / (sum yScale). out 0: uint8, trunc(p + 0.5) in single
  ;; precision, no zero point (TFLite's uint8 path); 1: int8 and 2: int16, p rounded half away from zero (in double,
  ;; exact for p >= 0) plus the zero point.
  (func (export "qsoftmax") (param $x i32) (param $y i32) (param $rows i32) (param $depth i32) (param $table i32)
    (param $flip i32) (param $out i32) (param $yScale f32) (param $zero i32) (param $lo i32) (param $hi i32)
    (local $base i32) (local $inv f32) (local $p f32) (local $q i32) (local $j i32)
    (loop $row
      (local.set $base (i32.add (local.get $table)
        (i32.shl (i32.sub (i32.const 255) (call $rowmax (local.get $x) (local.get $depth) (local.get $flip))) (i32.const 2))))
      (local.set $inv (f32.div (f32.const 1)
        (f32.mul (call $rowsum (local.get $x) (local.get $depth) (local.get $flip) (local.get $base)) (local.get $yScale))))
      (local.set $j (i32.const 0))
      (loop $each
        (local.set $p (f32.mul (local.get $inv)
          (f32.load (i32.add (local.get $base) (i32.shl (i32.xor (i32.load8_u (i32.add (local.get $x) (local.get $j))) (local.get $flip)) (i32.const 2))))))
        (local.set $q
          (if (result i32) (local.get $out)
            (then (i32.add (i32.trunc_sat_f64_s (f64.floor (f64.add (f64.promote_f32 (local.get $p)) (f64.const 0.5)))) (local.get $zero)))
            (else (i32.trunc_sat_f32_s (f32.add (local.get $p) (f32.const 0.5))))))
        (if (i32.lt_s (local.get $q) (local.get $lo)) (then (local.set $q (local.get $lo))))
        (if (i32.gt_s (local.get $q) (local.get $hi)) (then (local.set $q (local.get $hi))))
        (if (i32.eq (local.get $out) (i32.const 2))
          (then (i32.store16 (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 1))) (local.get $q)))
          (else (i32.store8 (i32.add (local.get $y) (local.get $j)) (local.get $q))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $each (i32.lt_u (local.get $j) (local.get $depth))))
      (local.set $x (i32.add (local.get $x) (local.get $depth)))
      (local.set $y (i32.add (local.get $y) (i32.shl (local.get $depth) (i32.eq (local.get $out) (i32.const 2)))))
      (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
      (br_if $row (i32.gt_s (local.get $rows) (i32.const 0)))))

  ;; LOG_SOFTMAX, first pass: per row its maximum in the input's own values (i32) and its sum (f32), 8 bytes a row
  ;; at $stats (the caller takes the logarithm)
  (func (export "qrowstats") (param $x i32) (param $rows i32) (param $depth i32) (param $table i32) (param $flip i32) (param $stats i32)
    (local $max i32)
    (loop $row
      (local.set $max (call $rowmax (local.get $x) (local.get $depth) (local.get $flip)))
      (i32.store (local.get $stats) (i32.sub (local.get $max) (local.get $flip)))
      (f32.store offset=4 (local.get $stats)
        (call $rowsum (local.get $x) (local.get $depth) (local.get $flip)
          (i32.add (local.get $table) (i32.shl (i32.sub (i32.const 255) (local.get $max)) (i32.const 2)))))
      (local.set $x (i32.add (local.get $x) (local.get $depth)))
      (local.set $stats (i32.add (local.get $stats) (i32.const 8)))
      (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
      (br_if $row (i32.gt_s (local.get $rows) (i32.const 0)))))

  ;; LOG_SOFTMAX, second pass: y = clamp(roundHalfEven(ratio q - c) + zero), c the f32 per row at $stats + 4 (8
  ;; bytes a row), q the input value (byte xor flip, minus flip)
  (func (export "qlogsoftmax") (param $x i32) (param $y i32) (param $rows i32) (param $depth i32) (param $flip i32)
    (param $stats i32) (param $ratio f32) (param $zero i32) (param $lo i32) (param $hi i32)
    (local $c f32) (local $q i32) (local $j i32)
    (loop $row
      (local.set $c (f32.load offset=4 (local.get $stats)))
      (local.set $j (i32.const 0))
      (loop $each
        (local.set $q (i32.add (local.get $zero) (i32.trunc_sat_f32_s (f32.nearest (f32.sub
          (f32.mul (local.get $ratio) (f32.convert_i32_s
            (i32.sub (i32.xor (i32.load8_u (i32.add (local.get $x) (local.get $j))) (local.get $flip)) (local.get $flip))))
          (local.get $c))))))
        (if (i32.lt_s (local.get $q) (local.get $lo)) (then (local.set $q (local.get $lo))))
        (if (i32.gt_s (local.get $q) (local.get $hi)) (then (local.set $q (local.get $hi))))
        (i32.store8 (i32.add (local.get $y) (local.get $j)) (local.get $q))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $each (i32.lt_u (local.get $j) (local.get $depth))))
      (local.set $x (i32.add (local.get $x) (local.get $depth)))
      (local.set $y (i32.add (local.get $y) (local.get $depth)))
      (local.set $stats (i32.add (local.get $stats) (i32.const 8)))
      (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
      (br_if $row (i32.gt_s (local.get $rows) (i32.const 0)))))

  ;; int16 SOFTMAX (reference_ops::SoftmaxInt16): e = $exp[max - x] (int16, the interpolated exponential of each
  ;; difference, 65536 entries), summed in int32 (depth below 65536 keeps it below 2^31); the sum's reciprocal from
  ;; the 513-entry interpolated table 1/(1+x) ($recip), each output (e r + 2^(s-1)) >> s, s = 31 - clz(sum).
  (func (export "qsoftmax16") (param $x i32) (param $y i32) (param $rows i32) (param $depth i32) (param $exp i32) (param $recip i32)
    (local $end i32) (local $p i32) (local $max i32) (local $v i32) (local $sum i32) (local $h i32) (local $sym i32)
    (local $idx i32) (local $base i32) (local $r i64) (local $shift i64) (local $round i64) (local $m v128) (local $q i32)
    (loop $row
      (local.set $end (i32.add (local.get $x) (i32.shl (local.get $depth) (i32.const 1))))
      (local.set $p (local.get $x))
      (local.set $max (i32.const -32768))
      (if (i32.ge_u (local.get $depth) (i32.const 8))
        (then
          (local.set $m (i16x8.splat (i32.const -32768)))
          (loop $vec
            (local.set $m (i16x8.max_s (local.get $m) (v128.load (local.get $p))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br_if $vec (i32.le_u (i32.add (local.get $p) (i32.const 16)) (local.get $end))))
          (local.set $m (i16x8.max_s (local.get $m) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $m) (local.get $m))))
          (local.set $m (i16x8.max_s (local.get $m) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $m) (local.get $m))))
          (local.set $m (i16x8.max_s (local.get $m) (i8x16.shuffle 2 3 0 1 2 3 0 1 2 3 0 1 2 3 0 1 (local.get $m) (local.get $m))))
          (local.set $max (i16x8.extract_lane_s 0 (local.get $m)))))
      (block $done
        (loop $tail
          (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $v (i32.load16_s (local.get $p)))
          (if (i32.gt_s (local.get $v) (local.get $max)) (then (local.set $max (local.get $v))))
          (local.set $p (i32.add (local.get $p) (i32.const 2)))
          (br $tail)))
      ;; the exponentials into y, and their sum
      (local.set $sum (i32.const 0))
      (local.set $p (i32.const 0))
      (loop $each
        (local.set $v (i32.load16_s (i32.add (local.get $exp)
          (i32.shl (i32.sub (local.get $max) (i32.load16_s (i32.add (local.get $x) (local.get $p)))) (i32.const 1)))))
        (i32.store16 (i32.add (local.get $y) (local.get $p)) (local.get $v))
        (local.set $sum (i32.add (local.get $sum) (local.get $v)))
        (local.set $p (i32.add (local.get $p) (i32.const 2)))
        (br_if $each (i32.lt_u (local.get $p) (i32.shl (local.get $depth) (i32.const 1)))))
      ;; the reciprocal: floor((sum 2^h + 2^14) / 2^15) - 3 2^15, clamped to int16, looked up and interpolated
      (local.set $h (i32.clz (local.get $sum)))
      (local.set $sym (i32.sub
        (i32.wrap_i64 (i64.shr_s (i64.add (i64.shl (i64.extend_i32_u (local.get $sum)) (i64.extend_i32_u (local.get $h))) (i64.const 16384)) (i64.const 15)))
        (i32.const 98304)))
      (if (i32.lt_s (local.get $sym) (i32.const -32768)) (then (local.set $sym (i32.const -32768))))
      (if (i32.gt_s (local.get $sym) (i32.const 32767)) (then (local.set $sym (i32.const 32767))))
      (local.set $idx (i32.add (local.get $recip) (i32.shl (i32.add (i32.const 256) (i32.shr_s (local.get $sym) (i32.const 7))) (i32.const 1))))
      (local.set $base (i32.load16_s (local.get $idx)))
      (local.set $r (i64.extend_i32_s (i32.extend16_s (i32.add (local.get $base)
        (i32.shr_s (i32.add (i32.mul (i32.sub (i32.load16_s offset=2 (local.get $idx)) (local.get $base)) (i32.and (local.get $sym) (i32.const 127))) (i32.const 64)) (i32.const 7))))))
      (local.set $shift (i64.extend_i32_u (i32.sub (i32.const 31) (local.get $h))))
      (local.set $round (i64.shl (i64.const 1) (i64.sub (local.get $shift) (i64.const 1))))
      (local.set $p (i32.const 0))
      (loop $out
        (local.set $q (i32.wrap_i64 (i64.shr_s
          (i64.add (i64.mul (i64.extend_i32_s (i32.load16_s (i32.add (local.get $y) (local.get $p)))) (local.get $r)) (local.get $round))
          (local.get $shift))))
        (if (i32.lt_s (local.get $q) (i32.const 0)) (then (local.set $q (i32.const 0))))
        (if (i32.gt_s (local.get $q) (i32.const 32767)) (then (local.set $q (i32.const 32767))))
        (i32.store16 (i32.add (local.get $y) (local.get $p)) (local.get $q))
        (local.set $p (i32.add (local.get $p) (i32.const 2)))
        (br_if $out (i32.lt_u (local.get $p) (i32.shl (local.get $depth) (i32.const 1)))))
      (local.set $x (i32.add (local.get $x) (i32.shl (local.get $depth) (i32.const 1))))
      (local.set $y (i32.add (local.get $y) (i32.shl (local.get $depth) (i32.const 1))))
      (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
      (br_if $row (i32.gt_s (local.get $rows) (i32.const 0)))))
)
