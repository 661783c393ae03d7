;; Inner loops of the int16 (int16x8) kernels with WebAssembly SIMD: requantization of int32 or int16 values to
;; int16 (QUANTIZE, LEAKY_RELU) and CONV_2D with int16 activations and int8 filters (the int16 ADD / SUB / MUL are
;; in quantized-elementwise.wat).
;; A module of its own beside int8.wat, importing the same memory (one per interpreter, see WasmHeap in
;; ../wasm-kernels.ts). Assembled by scripts/build.js (wabt) into dist/lib/tflite/wasm/int16.wasm.
;;
;; Arithmetic is TFLite's reference integer arithmetic, bit for bit what lib/tflite/fixed-point.ts computes:
;; - SaturatingRoundingDoublingHighMul(a, m) is floor((a m + 2^30) / 2^31) (gemmlowp's nudge and truncation toward
;;   zero amount to that), with a m as an exact int64 product (i64x2.extmul_*); its single saturating case
;;   (a = m = -2^31) is kept out by the callers.
;; - RoundingDivideByPOT(x, e): (x >> e) + 1 where (x & mask) > (mask >> 1) + (x < 0).
;; - the int64 requantization of the convolutions (mulByQuantizedMultiplier64): floor((acc r + 2^(t-1)) / 2^t)
;;   with r the multiplier reduced to 16 bits, wrapped to int32.
(module
  (import "env" "memory" (memory 1))

  ;; $rq16's parameters: multiplier, left shift and right-shift mask of each sign (1: v >= 0, 2: v < 0)
  (global $m1 (mut v128) (v128.const i32x4 0 0 0 0))
  (global $m2 (mut v128) (v128.const i32x4 0 0 0 0))
  (global $l1 (mut i32) (i32.const 0))
  (global $l2 (mut i32) (i32.const 0))
  (global $r1 (mut i32) (i32.const 0))
  (global $r2 (mut i32) (i32.const 0))
  (global $two (mut i32) (i32.const 0))
  (global $inv (mut v128) (v128.const i32x4 0 0 0 0))
  (global $outv (mut v128) (v128.const i32x4 0 0 0 0))
  (global $lov (mut v128) (v128.const i32x4 0 0 0 0))
  (global $hiv (mut v128) (v128.const i32x4 0 0 0 0))

  ;; $rq16's right-shift masks and rounding thresholds ((mask >> 1), +1 below zero in $rq4) per sign
  (global $mask1 (mut v128) (v128.const i32x4 0 0 0 0))
  (global $half1 (mut v128) (v128.const i32x4 0 0 0 0))
  (global $mask2 (mut v128) (v128.const i32x4 0 0 0 0))
  (global $half2 (mut v128) (v128.const i32x4 0 0 0 0))
  ;; 2^left of each sign
  (global $p1 (mut v128) (v128.const i32x4 0 0 0 0))
  (global $p2 (mut v128) (v128.const i32x4 0 0 0 0))

  ;; MultiplyByQuantizedMultiplier of four values (minus the input offset) with the parameters of their sign, plus
  ;; the output offset, clamped. Written out in one function (calls are not inlined by every engine):
  ;; SaturatingRoundingDoublingHighMul of v << left, then RoundingDivideByPOT by 2^right.
  (func $rq4 (param $x v128) (result v128)
    (local $v v128) (local $a v128) (local $s v128) (local $r v128) (local $sel v128)
    (local.set $v (i32x4.sub (local.get $x) (global.get $inv)))
    (if (i32.eqz (global.get $two))
      (then
        (local.set $a (i32x4.shl (local.get $v) (global.get $l1)))
        (local.set $s
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
            (i64x2.shr_s (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a) (global.get $m1)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))
            (i64x2.shr_s (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a) (global.get $m1)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))))
        (local.set $r
          (i32x4.sub
            (i32x4.shr_s (local.get $s) (global.get $r1))
            (i32x4.gt_s
              (v128.and (local.get $s) (global.get $mask1))
              (i32x4.sub (global.get $half1) (i32x4.lt_s (local.get $s) (v128.const i32x4 0 0 0 0)))))))
      (else
        ;; each lane's multiplier and left shift (as a wrapping multiplication by 2^left) chosen by its sign, one
        ;; product; the two right shifts both taken and chosen
        (local.set $sel (i32x4.ge_s (local.get $v) (v128.const i32x4 0 0 0 0)))
        (local.set $a (i32x4.mul (local.get $v) (v128.bitselect (global.get $p1) (global.get $p2) (local.get $sel))))
        (local.set $r (v128.bitselect (global.get $m1) (global.get $m2) (local.get $sel)))
        (local.set $s
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
            (i64x2.shr_s (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a) (local.get $r)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))
            (i64x2.shr_s (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a) (local.get $r)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))))
        (local.set $a (i32x4.lt_s (local.get $s) (v128.const i32x4 0 0 0 0)))
        (local.set $r
          (v128.bitselect
            (i32x4.sub
              (i32x4.shr_s (local.get $s) (global.get $r1))
              (i32x4.gt_s (v128.and (local.get $s) (global.get $mask1)) (i32x4.sub (global.get $half1) (local.get $a))))
            (i32x4.sub
              (i32x4.shr_s (local.get $s) (global.get $r2))
              (i32x4.gt_s (v128.and (local.get $s) (global.get $mask2)) (i32x4.sub (global.get $half2) (local.get $a))))
            (local.get $sel)))))
    (i32x4.min_s (i32x4.max_s (i32x4.add (local.get $r) (global.get $outv)) (global.get $lov)) (global.get $hiv)))

  ;; y[i] = clamp(outOff + MBQM(x[i] - inOff, multiplier, shift of the sign of x[i] - inOff)) as int16, i < n;
  ;; x int32 (wide & 1) or int16; y int16, or bytes where wide & 2 (int8, uint8 where wide & 4: [lo, hi] within the
  ;; type). shift s is given as left = max(s, 0), right = max(-s, 0).
  (func (export "rq16") (param $x i32) (param $y i32) (param $n i32) (param $wide i32) (param $inOff i32)
    (param $m1 i32) (param $l1 i32) (param $r1 i32) (param $m2 i32) (param $l2 i32) (param $r2 i32)
    (param $outOff i32) (param $lo i32) (param $hi i32)
    (local $i i32) (local $end i32) (local $a v128) (local $b v128) (local $v v128)
    (global.set $m1 (i32x4.splat (local.get $m1)))
    (global.set $m2 (i32x4.splat (local.get $m2)))
    (global.set $l1 (local.get $l1))
    (global.set $l2 (local.get $l2))
    (global.set $r1 (local.get $r1))
    (global.set $r2 (local.get $r2))
    (global.set $p1 (i32x4.splat (i32.shl (i32.const 1) (local.get $l1))))
    (global.set $p2 (i32x4.splat (i32.shl (i32.const 1) (local.get $l2))))
    (global.set $mask1 (i32x4.splat (i32.sub (i32.shl (i32.const 1) (local.get $r1)) (i32.const 1))))
    (global.set $half1 (i32x4.splat (i32.shr_u (i32.sub (i32.shl (i32.const 1) (local.get $r1)) (i32.const 1)) (i32.const 1))))
    (global.set $mask2 (i32x4.splat (i32.sub (i32.shl (i32.const 1) (local.get $r2)) (i32.const 1))))
    (global.set $half2 (i32x4.splat (i32.shr_u (i32.sub (i32.shl (i32.const 1) (local.get $r2)) (i32.const 1)) (i32.const 1))))
    (global.set $two
      (i32.or (i32.ne (local.get $m1) (local.get $m2))
        (i32.or (i32.ne (local.get $l1) (local.get $l2)) (i32.ne (local.get $r1) (local.get $r2)))))
    (global.set $inv (i32x4.splat (local.get $inOff)))
    (global.set $outv (i32x4.splat (local.get $outOff)))
    (global.set $lov (i32x4.splat (local.get $lo)))
    (global.set $hiv (i32x4.splat (local.get $hi)))
    (local.set $end (i32.and (local.get $n) (i32.const -8)))
    (block $done
      (loop $eight
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (if (i32.and (local.get $wide) (i32.const 1))
          (then
            (local.set $a (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $b (v128.load offset=16 (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))
          (else
            (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 1)))))
            (local.set $a (i32x4.extend_low_i16x8_s (local.get $v)))
            (local.set $b (i32x4.extend_high_i16x8_s (local.get $v)))))
        (local.set $v (i16x8.narrow_i32x4_s (call $rq4 (local.get $a)) (call $rq4 (local.get $b))))
        (if (i32.and (local.get $wide) (i32.const 2))
          (then
            (i64.store (i32.add (local.get $y) (local.get $i))
              (i64x2.extract_lane 0
                (if (result v128) (i32.and (local.get $wide) (i32.const 4))
                  (then (i8x16.narrow_i16x8_u (local.get $v) (local.get $v)))
                  (else (i8x16.narrow_i16x8_s (local.get $v) (local.get $v)))))))
          (else (v128.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 1))) (local.get $v))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $eight)))
    ;; the last n mod 8 values one at a time, through the same vector arithmetic
    (block $tail
      (loop $one
        (br_if $tail (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $a
          (i32x4.splat
            (if (result i32) (i32.and (local.get $wide) (i32.const 1))
              (then (i32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
              (else (i32.load16_s (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 1))))))))
        (if (i32.and (local.get $wide) (i32.const 2))
          (then (i32.store8 (i32.add (local.get $y) (local.get $i)) (i32x4.extract_lane 0 (call $rq4 (local.get $a)))))
          (else (i32.store16 (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 1))) (i32x4.extract_lane 0 (call $rq4 (local.get $a))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $one))))

  ;; CONV_2D with int16 activations and int8 filters (zero points 0), NHWC, without groups. For each output pixel
  ;; the patch (kH kW inC values, zeros where the filter hangs over the edge, zero-padded to kPad, a multiple of 8) is
  ;; gathered into $patch (what lies from k to kPad there is multiplied by the filter rows' zero padding), unless
  ;; it is one whole input pixel (1×1 filters, inC = kPad): read in place then. Each
  ;; output channel: the dot product with its filter row (widened to int16, kPad values at w + oc kPad 2) in int32
  ;; lanes (i32x4.dot_i16x8_s) for at most 128 vectors at a time (|sum| <= 256 · 2^22 = 2^30 per lane), added up in
  ;; int64 with the channel's int64 bias; requantized as mulByQuantizedMultiplier64 with the channel's reduced
  ;; multiplier r and total shift t (1 <= t <= 62): floor((acc r + 2^(t-1)) / 2^t), wrapped to int32, clamped.
  ;; ch: per output channel 16 bytes, the bias (i64), r (i32), t (i32).
  (func (export "conv16") (param $x i32) (param $w i32) (param $ch i32) (param $y i32) (param $patch i32)
    (param $batches i32) (param $inH i32) (param $inW i32) (param $inC i32) (param $outH i32) (param $outW i32) (param $outC i32)
    (param $kH i32) (param $kW i32) (param $sH i32) (param $sW i32) (param $dH i32) (param $dW i32) (param $pH i32) (param $pW i32)
    (param $kPad i32) (param $lo i32) (param $hi i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $fy i32) (local $fx i32) (local $iy i32) (local $ix i32)
    (local $p i32) (local $src i32) (local $j i32) (local $k i32) (local $oc i32) (local $row i32) (local $c i32)
    (local $xs i32) (local $end i32) (local $stop i32) (local $direct i32) (local $t i32)
    (local $acc v128) (local $wide v128) (local $sum i64) (local $v i64)
    (local.set $k (i32.mul (i32.mul (local.get $kH) (local.get $kW)) (local.get $inC)))
    (local.set $direct (i32.and (i32.eq (local.get $k) (local.get $inC)) (i32.eq (local.get $inC) (local.get $kPad))))
    (loop $batch
      (local.set $oy (i32.const 0))
      (loop $rows
        (local.set $ox (i32.const 0))
        (loop $cols
          (local.set $iy (i32.sub (i32.mul (local.get $oy) (local.get $sH)) (local.get $pH)))
          (local.set $ix (i32.sub (i32.mul (local.get $ox) (local.get $sW)) (local.get $pW)))
          (if (i32.and (local.get $direct)
                (i32.and (i32.and (i32.ge_s (local.get $iy) (i32.const 0)) (i32.lt_s (local.get $iy) (local.get $inH)))
                  (i32.and (i32.ge_s (local.get $ix) (i32.const 0)) (i32.lt_s (local.get $ix) (local.get $inW)))))
            (then
              (local.set $xs
                (i32.add (local.get $x)
                  (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $inH)) (local.get $iy)) (local.get $inW)) (local.get $ix)) (local.get $inC)) (i32.const 1)))))
            (else
              ;; gather the patch (vector copies may run up to 7 values past a segment: the next one overwrites
              ;; them; past k they meet the filter rows' zero padding)
              (local.set $p (local.get $patch))
              (local.set $fy (i32.const 0))
              (loop $fys
                (local.set $iy (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $sH)) (local.get $pH)) (i32.mul (local.get $fy) (local.get $dH))))
                (local.set $fx (i32.const 0))
                (loop $fxs
                  (local.set $ix (i32.add (i32.sub (i32.mul (local.get $ox) (local.get $sW)) (local.get $pW)) (i32.mul (local.get $fx) (local.get $dW))))
                  (local.set $end (i32.add (local.get $p) (i32.shl (local.get $inC) (i32.const 1))))
                  (if (i32.and (i32.and (i32.ge_s (local.get $iy) (i32.const 0)) (i32.lt_s (local.get $iy) (local.get $inH)))
                        (i32.and (i32.ge_s (local.get $ix) (i32.const 0)) (i32.lt_s (local.get $ix) (local.get $inW))))
                    (then
                      (local.set $src
                        (i32.add (local.get $x)
                          (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $inH)) (local.get $iy)) (local.get $inW)) (local.get $ix)) (local.get $inC)) (i32.const 1))))
                      (loop $copy
                        (v128.store (local.get $p) (v128.load (local.get $src)))
                        (local.set $src (i32.add (local.get $src) (i32.const 16)))
                        (local.set $p (i32.add (local.get $p) (i32.const 16)))
                        (br_if $copy (i32.lt_u (local.get $p) (local.get $end)))))
                    (else
                      (loop $zero
                        (v128.store (local.get $p) (v128.const i32x4 0 0 0 0))
                        (local.set $p (i32.add (local.get $p) (i32.const 16)))
                        (br_if $zero (i32.lt_u (local.get $p) (local.get $end))))))
                  (local.set $p (local.get $end))
                  (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
                  (br_if $fxs (i32.lt_s (local.get $fx) (local.get $kW))))
                (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
                (br_if $fys (i32.lt_s (local.get $fy) (local.get $kH))))
              (local.set $xs (local.get $patch))))
          ;; one output value per channel
          (local.set $oc (i32.const 0))
          (local.set $row (local.get $w))
          (local.set $c (local.get $ch))
          (loop $channels
            (local.set $wide (v128.const i32x4 0 0 0 0))
            (local.set $j (i32.const 0))
            (loop $chunks
              (local.set $acc (v128.const i32x4 0 0 0 0))
              (local.set $stop (i32.add (local.get $j) (i32.const 1024)))
              (if (i32.gt_u (local.get $stop) (local.get $kPad)) (then (local.set $stop (local.get $kPad))))
              (block $dots
                (loop $dot
                  (br_if $dots (i32.ge_u (local.get $j) (local.get $stop)))
                  (local.set $acc
                    (i32x4.add (local.get $acc)
                      (i32x4.dot_i16x8_s
                        (v128.load (i32.add (local.get $xs) (i32.shl (local.get $j) (i32.const 1))))
                        (v128.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 1)))))))
                  (local.set $j (i32.add (local.get $j) (i32.const 8)))
                  (br $dot)))
              (local.set $wide
                (i64x2.add (local.get $wide)
                  (i64x2.add (i64x2.extend_low_i32x4_s (local.get $acc)) (i64x2.extend_high_i32x4_s (local.get $acc)))))
              (br_if $chunks (i32.lt_u (local.get $j) (local.get $kPad))))
            (local.set $sum
              (i64.add (i64.load (local.get $c))
                (i64.add (i64x2.extract_lane 0 (local.get $wide)) (i64x2.extract_lane 1 (local.get $wide)))))
            (local.set $t (i32.load offset=12 (local.get $c)))
            (local.set $v
              (i64.shr_s
                (i64.add (i64.mul (local.get $sum) (i64.extend_i32_s (i32.load offset=8 (local.get $c))))
                  (i64.shl (i64.const 1) (i64.extend_i32_u (i32.sub (local.get $t) (i32.const 1)))))
                (i64.extend_i32_u (local.get $t))))
            (local.set $t (i32.wrap_i64 (local.get $v)))
            (if (i32.lt_s (local.get $t) (local.get $lo)) (then (local.set $t (local.get $lo))))
            (if (i32.gt_s (local.get $t) (local.get $hi)) (then (local.set $t (local.get $hi))))
            (i32.store16 (local.get $y) (local.get $t))
            (local.set $y (i32.add (local.get $y) (i32.const 2)))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $kPad) (i32.const 1))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (local.set $oc (i32.add (local.get $oc) (i32.const 1)))
            (br_if $channels (i32.lt_s (local.get $oc) (local.get $outC))))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br_if $cols (i32.lt_s (local.get $ox) (local.get $outW))))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br_if $rows (i32.lt_s (local.get $oy) (local.get $outH))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $batch (i32.lt_s (local.get $b) (local.get $batches)))))
)
