;; Inner loops of the int8 kernels (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED) with WebAssembly SIMD, and at the
;; end their float32 counterparts and float MAX_POOL_2D (f32x4). Every operator run is one call of run_op (or one
;; run_ops call for consecutive such operators, lib/tflite/wasm-program.ts). The
;; integer and float LSTMs call mv8 / fmv64 (their gates' matrix products) directly, twice per step.
;; Assembled by scripts/build.js (wabt) into dist/lib/tflite/wasm/int8.wasm; loaded by lib/tflite/wasm-kernels.ts.
;;
;; Arithmetic is TFLite's reference integer arithmetic, bit for bit what lib/tflite/fixed-point.ts computes:
;; int8 values are widened to int16 and offset there ((x + inOffset) and (w + wOffset) stay within ±255),
;; multiplied pairwise into int32 lanes (i32x4.dot_i16x8_s, i32x4.extmul_*), summed with int32 wrap-around,
;; then requantized per output channel either with gemmlowp's SaturatingRoundingDoublingHighMul and
;; RoundingDivideByPOT ("reference") or in single precision with ties-to-even ("xnnpack").
;;
;; Per-operator state (set by set_op, from the operator's parameter block, before each run): pointers to the int32 bias, int32 multipliers, int32
;; shifts and float32 scales of every output channel, the output offset, the clamp range relative to the output
;; offset, the requantization mode (0: reference, four channels at a time in vectors; 1: xnnpack; 2: reference one
;; value at a time; 3: as 0 with one right shift for all channels, see $rq4), and the input / filter offsets; set_rq points at the vector requantization parameters.
(module
  (import "env" "memory" (memory 1))

  (global $bias (mut i32) (i32.const 0))
  (global $mult (mut i32) (i32.const 0))
  (global $shift (mut i32) (i32.const 0))
  (global $scale (mut i32) (i32.const 0))
  (global $outOff (mut i32) (i32.const 0))
  (global $lo (mut i32) (i32.const 0))
  (global $hi (mut i32) (i32.const 0))
  (global $mode (mut i32) (i32.const 0))
  (global $xoff (mut i32) (i32.const 0))
  (global $woff (mut i32) (i32.const 0))
  (global $xoffv (mut v128) (v128.const i32x4 0 0 0 0))
  (global $woffv (mut v128) (v128.const i32x4 0 0 0 0))
  (global $lov (mut v128) (v128.const i32x4 0 0 0 0))
  (global $hiv (mut v128) (v128.const i32x4 0 0 0 0))
  (global $outv (mut v128) (v128.const i32x4 0 0 0 0))
  (global $rq (mut i32) (i32.const 0))
  (global $spill (mut i32) (i32.const 0))
  (global $lmul (mut i32) (i32.const 0))
  (global $emin (mut i32) (i32.const 0))

  ;; The vector requantization parameters of the operator (see $rq4) and 16 bytes of scratch. $shifts: bit 0 set
  ;; when a channel shifts left, bits 8..15 the right shift of every channel (mode 3).
  (func $set_rq (export "set_rq") (param $rq i32) (param $spill i32) (param $shifts i32)
    (global.set $rq (local.get $rq))
    (global.set $lmul (i32.and (local.get $shifts) (i32.const 1)))
    (global.set $emin (i32.and (i32.shr_u (local.get $shifts) (i32.const 8)) (i32.const 255)))
    (global.set $spill (local.get $spill)))

  (func $set_op (export "set_op")
    (param $bias i32) (param $mult i32) (param $shift i32) (param $scale i32)
    (param $outOff i32) (param $lo i32) (param $hi i32) (param $mode i32) (param $xoff i32) (param $woff i32)
    (global.set $bias (local.get $bias))
    (global.set $mult (local.get $mult))
    (global.set $shift (local.get $shift))
    (global.set $scale (local.get $scale))
    (global.set $outOff (local.get $outOff))
    ;; the clamp is applied before the output offset is added: [lo - outOff, hi - outOff]
    (global.set $lo (i32.sub (local.get $lo) (local.get $outOff)))
    (global.set $hi (i32.sub (local.get $hi) (local.get $outOff)))
    (global.set $mode (local.get $mode))
    (global.set $xoff (local.get $xoff))
    (global.set $woff (local.get $woff))
    (global.set $xoffv (i16x8.splat (local.get $xoff)))
    (global.set $woffv (i16x8.splat (local.get $woff)))
    (global.set $lov (i32x4.splat (global.get $lo)))
    (global.set $hiv (i32x4.splat (global.get $hi)))
    (global.set $outv (i32x4.splat (local.get $outOff))))

  ;; gemmlowp SaturatingRoundingDoublingHighMul
  (func $srdhm (export "srdhm") (param $a i32) (param $b i32) (result i32)
    (local $ab i64)
    (if (i32.and (i32.eq (local.get $a) (i32.const 0x80000000)) (i32.eq (local.get $b) (i32.const 0x80000000)))
      (then (return (i32.const 0x7fffffff))))
    (local.set $ab (i64.mul (i64.extend_i32_s (local.get $a)) (i64.extend_i32_s (local.get $b))))
    ;; (ab + nudge) / 2^31 truncated toward zero: add 2^31 - 1 to a negative dividend, then shift
    (local.set $ab
      (i64.add (local.get $ab)
        (select (i64.const 0x40000000) (i64.const -1073741823) (i64.ge_s (local.get $ab) (i64.const 0)))))
    (i32.wrap_i64
      (i64.shr_s
        (i64.add (local.get $ab) (select (i64.const 0x7fffffff) (i64.const 0) (i64.lt_s (local.get $ab) (i64.const 0))))
        (i64.const 31))))

  ;; gemmlowp RoundingDivideByPOT, 0 <= e <= 31
  (func $rdpot (export "rdpot") (param $x i32) (param $e i32) (result i32)
    (local $mask i32)
    (local.set $mask (i32.sub (i32.shl (i32.const 1) (local.get $e)) (i32.const 1)))
    (i32.add
      (i32.shr_s (local.get $x) (local.get $e))
      (i32.gt_s
        (i32.and (local.get $x) (local.get $mask))
        (i32.add (i32.shr_s (local.get $mask) (i32.const 1)) (i32.lt_s (local.get $x) (i32.const 0))))))

  ;; MultiplyByQuantizedMultiplier (int32 accumulator)
  (func $mbqm (export "mbqm") (param $x i32) (param $m i32) (param $s i32) (result i32)
    (call $rdpot
      (call $srdhm
        (i32.shl (local.get $x) (select (local.get $s) (i32.const 0) (i32.gt_s (local.get $s) (i32.const 0))))
        (local.get $m))
      (select (i32.const 0) (i32.sub (i32.const 0) (local.get $s)) (i32.gt_s (local.get $s) (i32.const 0)))))

  ;; acc (without bias) of output channel c → the clamped output value
  (func $requant (export "requant") (param $acc i32) (param $c i32) (result i32)
    (local $v i32) (local $c4 i32) (local $s i32) (local $ab i64) (local $mask i32)
    (local.set $c4 (i32.shl (local.get $c) (i32.const 2)))
    (local.set $acc (i32.add (local.get $acc) (i32.load (i32.add (global.get $bias) (local.get $c4)))))
    (if (i32.eq (global.get $mode) (i32.const 1))
      (then
        ;; XNNPACK's fp32 requantization: (float) acc * scale in single precision, to nearest with ties to even
        (local.set $v
          (i32.trunc_sat_f32_s
            (f32.nearest
              (f32.mul
                (f32.convert_i32_s (local.get $acc))
                (f32.load (i32.add (global.get $scale) (local.get $c4)))))))
        (if (i32.lt_s (local.get $v) (global.get $lo)) (then (local.set $v (global.get $lo))))
        (if (i32.gt_s (local.get $v) (global.get $hi)) (then (local.set $v (global.get $hi)))))
      (else
        ;; MultiplyByQuantizedMultiplier written out (as $mbqm; the multiplier is never INT32_MIN, it is in [0, 2^31))
        (local.set $s (i32.load (i32.add (global.get $shift) (local.get $c4))))
        (local.set $ab
          (i64.mul
            (i64.extend_i32_s (i32.shl (local.get $acc) (select (local.get $s) (i32.const 0) (i32.gt_s (local.get $s) (i32.const 0)))))
            (i64.extend_i32_s (i32.load (i32.add (global.get $mult) (local.get $c4))))))
        (local.set $ab
          (i64.add (local.get $ab)
            (select (i64.const 0x40000000) (i64.const -1073741823) (i64.ge_s (local.get $ab) (i64.const 0)))))
        (local.set $v
          (i32.wrap_i64
            (i64.shr_s
              (i64.add (local.get $ab) (select (i64.const 0x7fffffff) (i64.const 0) (i64.lt_s (local.get $ab) (i64.const 0))))
              (i64.const 31))))
        (if (i32.lt_s (local.get $s) (i32.const 0))
          (then
            (local.set $s (i32.sub (i32.const 0) (local.get $s)))
            (local.set $mask (i32.sub (i32.shl (i32.const 1) (local.get $s)) (i32.const 1)))
            (local.set $v
              (i32.add
                (i32.shr_s (local.get $v) (local.get $s))
                (i32.gt_s
                  (i32.and (local.get $v) (local.get $mask))
                  (i32.add (i32.shr_s (local.get $mask) (i32.const 1)) (i32.lt_s (local.get $v) (i32.const 0))))))))
        (if (i32.lt_s (local.get $v) (global.get $lo)) (then (local.set $v (global.get $lo))))
        (if (i32.gt_s (local.get $v) (global.get $hi)) (then (local.set $v (global.get $hi))))))
    (i32.add (local.get $v) (global.get $outOff)))

  ;; Σ (x[i] + xoff) * (w[i] + woff) over n int8 pairs, int32 wrap-around
  (func $dot (export "dot") (param $x i32) (param $w i32) (param $n i32) (result i32)
    (local $i i32) (local $end i32) (local $acc v128) (local $xv v128) (local $wv v128) (local $s i32)
    (local.set $end (i32.and (local.get $n) (i32.const -16)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $end)))
        (local.set $xv (v128.load (i32.add (local.get $x) (local.get $i))))
        (local.set $wv (v128.load (i32.add (local.get $w) (local.get $i))))
        (local.set $acc
          (i32x4.add (local.get $acc)
            (i32x4.dot_i16x8_s
              (i16x8.add (i16x8.extend_low_i8x16_s (local.get $xv)) (global.get $xoffv))
              (i16x8.add (i16x8.extend_low_i8x16_s (local.get $wv)) (global.get $woffv)))))
        (local.set $acc
          (i32x4.add (local.get $acc)
            (i32x4.dot_i16x8_s
              (i16x8.add (i16x8.extend_high_i8x16_s (local.get $xv)) (global.get $xoffv))
              (i16x8.add (i16x8.extend_high_i8x16_s (local.get $wv)) (global.get $woffv)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
    (if (i32.ge_s (i32.sub (local.get $n) (local.get $i)) (i32.const 8))
      (then
        (local.set $acc
          (i32x4.add (local.get $acc)
            (i32x4.dot_i16x8_s
              (i16x8.add (v128.load8x8_s (i32.add (local.get $x) (local.get $i))) (global.get $xoffv))
              (i16x8.add (v128.load8x8_s (i32.add (local.get $w) (local.get $i))) (global.get $woffv)))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))))
    (local.set $s
      (i32.add
        (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
        (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $s
          (i32.add (local.get $s)
            (i32.mul
              (i32.add (i32.load8_s (i32.add (local.get $x) (local.get $i))) (global.get $xoff))
              (i32.add (i32.load8_s (i32.add (local.get $w) (local.get $i))) (global.get $woff)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    (local.get $s))

  ;; Requantization of four consecutive output channels c..c+3 (c a multiple of 4) at once; acc without bias.
  ;; Per group of four channels the parameter block at $rq + (c / 4) * 96 holds six i32x4 vectors: bias, the left
  ;; shift as a multiplier 2^max(shift, 0), the fixed-point multiplier, 2^(30 - e) with e = max(-shift, 0) the
  ;; right shift, the rounding mask 2^e - 1 and half of it. SaturatingRoundingDoublingHighMul is
  ;; floor((a * m + 2^30) / 2^31) in every case but a = m = INT32_MIN (m is never negative here), and
  ;; floor(v / 2^e) = floor(v * 2^(30 - e) / 2^30) (e <= 30, checked where the parameters are written). Both results
  ;; fit in 32 bits, so the 64-bit shifts may be logical (the low 32 bits are the same) and x86 has those.
  ;; The left-shift multiply is skipped when no channel shifts left ($lmul = 0).
  ;; Mode 3 is mode 0 for operators whose channels all shift right by the same e (per-tensor quantization):
  ;; floor(v / 2^e) is then i32x4.shr_s by e instead of the second 64-bit product. (Shifts a few apart, taken as a
  ;; shift by the smallest then an int32 multiply and shift, measured slower than mode 0 on person_detect.)
  ;; Mode 1 (xnnpack) converts the four lanes to single precision; mode 2 (a right shift beyond 30) requantizes each
  ;; lane with $requant.
  (func $rq4 (param $acc v128) (param $c i32) (result v128)
    (local $p i32) (local $a v128) (local $m v128) (local $v v128)
    (if (i32.eq (global.get $mode) (i32.const 1))
      (then
        ;; xnnpack: as $requant's mode 1, four lanes at once (bias and scales are consecutive per channel)
        (local.set $p (i32.shl (local.get $c) (i32.const 2)))
        (local.set $a
          (i32x4.trunc_sat_f32x4_s
            (f32x4.nearest
              (f32x4.mul
                (f32x4.convert_i32x4_s (i32x4.add (local.get $acc) (v128.load (i32.add (global.get $bias) (local.get $p)))))
                (v128.load (i32.add (global.get $scale) (local.get $p)))))))
        (return (i32x4.add (i32x4.min_s (i32x4.max_s (local.get $a) (global.get $lov)) (global.get $hiv)) (global.get $outv)))))
    (if (i32.eq (global.get $mode) (i32.const 2))
      (then
        (return
          (i32x4.replace_lane 3
            (i32x4.replace_lane 2
              (i32x4.replace_lane 1
                (i32x4.splat (call $requant (i32x4.extract_lane 0 (local.get $acc)) (local.get $c)))
                (call $requant (i32x4.extract_lane 1 (local.get $acc)) (i32.add (local.get $c) (i32.const 1))))
              (call $requant (i32x4.extract_lane 2 (local.get $acc)) (i32.add (local.get $c) (i32.const 2))))
            (call $requant (i32x4.extract_lane 3 (local.get $acc)) (i32.add (local.get $c) (i32.const 3)))))))
    (local.set $p (i32.add (global.get $rq) (i32.mul (i32.shr_u (local.get $c) (i32.const 2)) (i32.const 96))))
    (local.set $a (i32x4.add (local.get $acc) (v128.load (local.get $p))))
    (if (global.get $lmul) (then (local.set $a (i32x4.mul (local.get $a) (v128.load offset=16 (local.get $p))))))
    (local.set $m (v128.load offset=32 (local.get $p)))
    (local.set $v
      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
        (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))
        (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))))
    (local.set $m (v128.load offset=48 (local.get $p)))
    (if (i32.eq (global.get $mode) (i32.const 3))
      (then
        (local.set $a (i32x4.shr_s (local.get $v) (global.get $emin))))
      (else
        (local.set $a
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
            (i64x2.shr_u (i64x2.extmul_low_i32x4_s (local.get $v) (local.get $m)) (i32.const 30))
            (i64x2.shr_u (i64x2.extmul_high_i32x4_s (local.get $v) (local.get $m)) (i32.const 30))))))
    ;; round: + 1 where (v & mask) > half + (v < 0)
    (local.set $a
      (i32x4.sub (local.get $a)
        (i32x4.gt_s
          (v128.and (local.get $v) (v128.load offset=64 (local.get $p)))
          (i32x4.sub (v128.load offset=80 (local.get $p)) (i32x4.lt_s (local.get $v) (v128.const i32x4 0 0 0 0))))))
    (i32x4.add (i32x4.min_s (i32x4.max_s (local.get $a) (global.get $lov)) (global.get $hiv)) (global.get $outv)))

  ;; Sixteen channels c..c+15 (c a multiple of 4) requantized and narrowed to int8 at once: what four $rq4 and the
  ;; narrowing compute, the same operations in the same order, written out in one function (the parameters read
  ;; once, one call instead of four: the calls were a sixth of a uint8 DeepLab's time). Mode 2 goes through $rq4.
  (func $rq16 (param $a0 v128) (param $a1 v128) (param $a2 v128) (param $a3 v128) (param $c i32) (result v128)
    (local $b i32) (local $s i32) (local $p i32) (local $lo v128) (local $hi v128) (local $out v128) (local $a v128) (local $m v128) (local $v v128)
    (local.set $lo (global.get $lov))
    (local.set $hi (global.get $hiv))
    (local.set $out (global.get $outv))
    (if (i32.eq (global.get $mode) (i32.const 1))
      (then
        (local.set $b (i32.add (global.get $bias) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $s (i32.add (global.get $scale) (i32.shl (local.get $c) (i32.const 2))))
        (return
          (i8x16.narrow_i16x8_s
            (i16x8.narrow_i32x4_s
              (i32x4.add (i32x4.min_s (i32x4.max_s
                (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul
                  (f32x4.convert_i32x4_s (i32x4.add (local.get $a0) (v128.load offset=0 (local.get $b))))
                  (v128.load offset=0 (local.get $s)))))
                (local.get $lo)) (local.get $hi)) (local.get $out))
              (i32x4.add (i32x4.min_s (i32x4.max_s
                (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul
                  (f32x4.convert_i32x4_s (i32x4.add (local.get $a1) (v128.load offset=16 (local.get $b))))
                  (v128.load offset=16 (local.get $s)))))
                (local.get $lo)) (local.get $hi)) (local.get $out)))
            (i16x8.narrow_i32x4_s
              (i32x4.add (i32x4.min_s (i32x4.max_s
                (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul
                  (f32x4.convert_i32x4_s (i32x4.add (local.get $a2) (v128.load offset=32 (local.get $b))))
                  (v128.load offset=32 (local.get $s)))))
                (local.get $lo)) (local.get $hi)) (local.get $out))
              (i32x4.add (i32x4.min_s (i32x4.max_s
                (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul
                  (f32x4.convert_i32x4_s (i32x4.add (local.get $a3) (v128.load offset=48 (local.get $b))))
                  (v128.load offset=48 (local.get $s)))))
                (local.get $lo)) (local.get $hi)) (local.get $out)))))))
    ;; mode 3: one right shift for all channels (see $rq4), the same operations otherwise
    (if (i32.eq (global.get $mode) (i32.const 3))
      (then
        (local.set $p (i32.add (global.get $rq) (i32.mul (i32.shr_u (local.get $c) (i32.const 2)) (i32.const 96))))
        (local.set $a (i32x4.add (local.get $a0) (v128.load offset=0 (local.get $p))))
        (if (global.get $lmul) (then (local.set $a (i32x4.mul (local.get $a) (v128.load offset=16 (local.get $p))))))
        (local.set $m (v128.load offset=32 (local.get $p)))
        (local.set $v
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
            (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))
            (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))))
        (local.set $a (i32x4.shr_s (local.get $v) (global.get $emin)))
        (local.set $a0
          (i32x4.add (i32x4.min_s (i32x4.max_s
            (i32x4.sub (local.get $a)
              (i32x4.gt_s
                (v128.and (local.get $v) (v128.load offset=64 (local.get $p)))
                (i32x4.sub (v128.load offset=80 (local.get $p)) (i32x4.lt_s (local.get $v) (v128.const i32x4 0 0 0 0)))))
            (local.get $lo)) (local.get $hi)) (local.get $out)))
        (local.set $a (i32x4.add (local.get $a1) (v128.load offset=96 (local.get $p))))
        (if (global.get $lmul) (then (local.set $a (i32x4.mul (local.get $a) (v128.load offset=112 (local.get $p))))))
        (local.set $m (v128.load offset=128 (local.get $p)))
        (local.set $v
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
            (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))
            (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))))
        (local.set $a (i32x4.shr_s (local.get $v) (global.get $emin)))
        (local.set $a1
          (i32x4.add (i32x4.min_s (i32x4.max_s
            (i32x4.sub (local.get $a)
              (i32x4.gt_s
                (v128.and (local.get $v) (v128.load offset=160 (local.get $p)))
                (i32x4.sub (v128.load offset=176 (local.get $p)) (i32x4.lt_s (local.get $v) (v128.const i32x4 0 0 0 0)))))
            (local.get $lo)) (local.get $hi)) (local.get $out)))
        (local.set $a (i32x4.add (local.get $a2) (v128.load offset=192 (local.get $p))))
        (if (global.get $lmul) (then (local.set $a (i32x4.mul (local.get $a) (v128.load offset=208 (local.get $p))))))
        (local.set $m (v128.load offset=224 (local.get $p)))
        (local.set $v
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
            (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))
            (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))))
        (local.set $a (i32x4.shr_s (local.get $v) (global.get $emin)))
        (local.set $a2
          (i32x4.add (i32x4.min_s (i32x4.max_s
            (i32x4.sub (local.get $a)
              (i32x4.gt_s
                (v128.and (local.get $v) (v128.load offset=256 (local.get $p)))
                (i32x4.sub (v128.load offset=272 (local.get $p)) (i32x4.lt_s (local.get $v) (v128.const i32x4 0 0 0 0)))))
            (local.get $lo)) (local.get $hi)) (local.get $out)))
        (local.set $a (i32x4.add (local.get $a3) (v128.load offset=288 (local.get $p))))
        (if (global.get $lmul) (then (local.set $a (i32x4.mul (local.get $a) (v128.load offset=304 (local.get $p))))))
        (local.set $m (v128.load offset=320 (local.get $p)))
        (local.set $v
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
            (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))
            (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))))
        (local.set $a (i32x4.shr_s (local.get $v) (global.get $emin)))
        (local.set $a3
          (i32x4.add (i32x4.min_s (i32x4.max_s
            (i32x4.sub (local.get $a)
              (i32x4.gt_s
                (v128.and (local.get $v) (v128.load offset=352 (local.get $p)))
                (i32x4.sub (v128.load offset=368 (local.get $p)) (i32x4.lt_s (local.get $v) (v128.const i32x4 0 0 0 0)))))
            (local.get $lo)) (local.get $hi)) (local.get $out)))
        (return (i8x16.narrow_i16x8_s (i16x8.narrow_i32x4_s (local.get $a0) (local.get $a1)) (i16x8.narrow_i32x4_s (local.get $a2) (local.get $a3))))))
    (if (i32.eqz (global.get $mode))
      (then
        (local.set $p (i32.add (global.get $rq) (i32.mul (i32.shr_u (local.get $c) (i32.const 2)) (i32.const 96))))
        (local.set $a (i32x4.add (local.get $a0) (v128.load offset=0 (local.get $p))))
        (if (global.get $lmul) (then (local.set $a (i32x4.mul (local.get $a) (v128.load offset=16 (local.get $p))))))
        (local.set $m (v128.load offset=32 (local.get $p)))
        (local.set $v
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
            (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))
            (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))))
        (local.set $m (v128.load offset=48 (local.get $p)))
        (local.set $a
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
            (i64x2.shr_u (i64x2.extmul_low_i32x4_s (local.get $v) (local.get $m)) (i32.const 30))
            (i64x2.shr_u (i64x2.extmul_high_i32x4_s (local.get $v) (local.get $m)) (i32.const 30))))
        (local.set $a0
          (i32x4.add (i32x4.min_s (i32x4.max_s
            (i32x4.sub (local.get $a)
              (i32x4.gt_s
                (v128.and (local.get $v) (v128.load offset=64 (local.get $p)))
                (i32x4.sub (v128.load offset=80 (local.get $p)) (i32x4.lt_s (local.get $v) (v128.const i32x4 0 0 0 0)))))
            (local.get $lo)) (local.get $hi)) (local.get $out)))
        (local.set $a (i32x4.add (local.get $a1) (v128.load offset=96 (local.get $p))))
        (if (global.get $lmul) (then (local.set $a (i32x4.mul (local.get $a) (v128.load offset=112 (local.get $p))))))
        (local.set $m (v128.load offset=128 (local.get $p)))
        (local.set $v
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
            (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))
            (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))))
        (local.set $m (v128.load offset=144 (local.get $p)))
        (local.set $a
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
            (i64x2.shr_u (i64x2.extmul_low_i32x4_s (local.get $v) (local.get $m)) (i32.const 30))
            (i64x2.shr_u (i64x2.extmul_high_i32x4_s (local.get $v) (local.get $m)) (i32.const 30))))
        (local.set $a1
          (i32x4.add (i32x4.min_s (i32x4.max_s
            (i32x4.sub (local.get $a)
              (i32x4.gt_s
                (v128.and (local.get $v) (v128.load offset=160 (local.get $p)))
                (i32x4.sub (v128.load offset=176 (local.get $p)) (i32x4.lt_s (local.get $v) (v128.const i32x4 0 0 0 0)))))
            (local.get $lo)) (local.get $hi)) (local.get $out)))
        (local.set $a (i32x4.add (local.get $a2) (v128.load offset=192 (local.get $p))))
        (if (global.get $lmul) (then (local.set $a (i32x4.mul (local.get $a) (v128.load offset=208 (local.get $p))))))
        (local.set $m (v128.load offset=224 (local.get $p)))
        (local.set $v
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
            (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))
            (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))))
        (local.set $m (v128.load offset=240 (local.get $p)))
        (local.set $a
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
            (i64x2.shr_u (i64x2.extmul_low_i32x4_s (local.get $v) (local.get $m)) (i32.const 30))
            (i64x2.shr_u (i64x2.extmul_high_i32x4_s (local.get $v) (local.get $m)) (i32.const 30))))
        (local.set $a2
          (i32x4.add (i32x4.min_s (i32x4.max_s
            (i32x4.sub (local.get $a)
              (i32x4.gt_s
                (v128.and (local.get $v) (v128.load offset=256 (local.get $p)))
                (i32x4.sub (v128.load offset=272 (local.get $p)) (i32x4.lt_s (local.get $v) (v128.const i32x4 0 0 0 0)))))
            (local.get $lo)) (local.get $hi)) (local.get $out)))
        (local.set $a (i32x4.add (local.get $a3) (v128.load offset=288 (local.get $p))))
        (if (global.get $lmul) (then (local.set $a (i32x4.mul (local.get $a) (v128.load offset=304 (local.get $p))))))
        (local.set $m (v128.load offset=320 (local.get $p)))
        (local.set $v
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
            (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))
            (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))))
        (local.set $m (v128.load offset=336 (local.get $p)))
        (local.set $a
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
            (i64x2.shr_u (i64x2.extmul_low_i32x4_s (local.get $v) (local.get $m)) (i32.const 30))
            (i64x2.shr_u (i64x2.extmul_high_i32x4_s (local.get $v) (local.get $m)) (i32.const 30))))
        (local.set $a3
          (i32x4.add (i32x4.min_s (i32x4.max_s
            (i32x4.sub (local.get $a)
              (i32x4.gt_s
                (v128.and (local.get $v) (v128.load offset=352 (local.get $p)))
                (i32x4.sub (v128.load offset=368 (local.get $p)) (i32x4.lt_s (local.get $v) (v128.const i32x4 0 0 0 0)))))
            (local.get $lo)) (local.get $hi)) (local.get $out)))
        (return
          (i8x16.narrow_i16x8_s
            (i16x8.narrow_i32x4_s (local.get $a0) (local.get $a1))
            (i16x8.narrow_i32x4_s (local.get $a2) (local.get $a3))))))
    (i8x16.narrow_i16x8_s
      (i16x8.narrow_i32x4_s (call $rq4 (local.get $a0) (local.get $c)) (call $rq4 (local.get $a1) (i32.add (local.get $c) (i32.const 4))))
      (i16x8.narrow_i32x4_s (call $rq4 (local.get $a2) (i32.add (local.get $c) (i32.const 8))) (call $rq4 (local.get $a3) (i32.add (local.get $c) (i32.const 12))))))

  ;; Eight channels c..c+7 (c a multiple of 8) as $rq16 does sixteen, narrowed to int16 (the depthwise loop's blocks).
  (func $rq8 (param $a0 v128) (param $a1 v128) (param $c i32) (result v128)
    (local $b i32) (local $s i32) (local $p i32) (local $lo v128) (local $hi v128) (local $out v128) (local $a v128) (local $m v128) (local $v v128)
    (local.set $lo (global.get $lov))
    (local.set $hi (global.get $hiv))
    (local.set $out (global.get $outv))
    (if (i32.eq (global.get $mode) (i32.const 1))
      (then
        (local.set $b (i32.add (global.get $bias) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $s (i32.add (global.get $scale) (i32.shl (local.get $c) (i32.const 2))))
        (return
          (i16x8.narrow_i32x4_s
            (i32x4.add (i32x4.min_s (i32x4.max_s
            (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul
              (f32x4.convert_i32x4_s (i32x4.add (local.get $a0) (v128.load offset=0 (local.get $b))))
              (v128.load offset=0 (local.get $s)))))
            (local.get $lo)) (local.get $hi)) (local.get $out))
            (i32x4.add (i32x4.min_s (i32x4.max_s
            (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul
              (f32x4.convert_i32x4_s (i32x4.add (local.get $a1) (v128.load offset=16 (local.get $b))))
              (v128.load offset=16 (local.get $s)))))
            (local.get $lo)) (local.get $hi)) (local.get $out))))))
    ;; mode 3: one right shift for all channels (see $rq4), the same operations otherwise
    (if (i32.eq (global.get $mode) (i32.const 3))
      (then
        (local.set $p (i32.add (global.get $rq) (i32.mul (i32.shr_u (local.get $c) (i32.const 2)) (i32.const 96))))
        (local.set $a (i32x4.add (local.get $a0) (v128.load offset=0 (local.get $p))))
        (if (global.get $lmul) (then (local.set $a (i32x4.mul (local.get $a) (v128.load offset=16 (local.get $p))))))
        (local.set $m (v128.load offset=32 (local.get $p)))
        (local.set $v
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
            (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))
            (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))))
        (local.set $a (i32x4.shr_s (local.get $v) (global.get $emin)))
        (local.set $a0
          (i32x4.add (i32x4.min_s (i32x4.max_s
            (i32x4.sub (local.get $a)
              (i32x4.gt_s
                (v128.and (local.get $v) (v128.load offset=64 (local.get $p)))
                (i32x4.sub (v128.load offset=80 (local.get $p)) (i32x4.lt_s (local.get $v) (v128.const i32x4 0 0 0 0)))))
            (local.get $lo)) (local.get $hi)) (local.get $out)))
        (local.set $a (i32x4.add (local.get $a1) (v128.load offset=96 (local.get $p))))
        (if (global.get $lmul) (then (local.set $a (i32x4.mul (local.get $a) (v128.load offset=112 (local.get $p))))))
        (local.set $m (v128.load offset=128 (local.get $p)))
        (local.set $v
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
            (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))
            (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))))
        (local.set $a (i32x4.shr_s (local.get $v) (global.get $emin)))
        (local.set $a1
          (i32x4.add (i32x4.min_s (i32x4.max_s
            (i32x4.sub (local.get $a)
              (i32x4.gt_s
                (v128.and (local.get $v) (v128.load offset=160 (local.get $p)))
                (i32x4.sub (v128.load offset=176 (local.get $p)) (i32x4.lt_s (local.get $v) (v128.const i32x4 0 0 0 0)))))
            (local.get $lo)) (local.get $hi)) (local.get $out)))
        (return (i16x8.narrow_i32x4_s (local.get $a0) (local.get $a1)))))
    (if (i32.eqz (global.get $mode))
      (then
        (local.set $p (i32.add (global.get $rq) (i32.mul (i32.shr_u (local.get $c) (i32.const 2)) (i32.const 96))))
        (local.set $a (i32x4.add (local.get $a0) (v128.load offset=0 (local.get $p))))
        (if (global.get $lmul) (then (local.set $a (i32x4.mul (local.get $a) (v128.load offset=16 (local.get $p))))))
        (local.set $m (v128.load offset=32 (local.get $p)))
        (local.set $v
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
            (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))
            (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))))
        (local.set $m (v128.load offset=48 (local.get $p)))
        (local.set $a
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
            (i64x2.shr_u (i64x2.extmul_low_i32x4_s (local.get $v) (local.get $m)) (i32.const 30))
            (i64x2.shr_u (i64x2.extmul_high_i32x4_s (local.get $v) (local.get $m)) (i32.const 30))))
        (local.set $a0
          (i32x4.add (i32x4.min_s (i32x4.max_s
            (i32x4.sub (local.get $a)
              (i32x4.gt_s
                (v128.and (local.get $v) (v128.load offset=64 (local.get $p)))
                (i32x4.sub (v128.load offset=80 (local.get $p)) (i32x4.lt_s (local.get $v) (v128.const i32x4 0 0 0 0)))))
            (local.get $lo)) (local.get $hi)) (local.get $out)))
        (local.set $a (i32x4.add (local.get $a1) (v128.load offset=96 (local.get $p))))
        (if (global.get $lmul) (then (local.set $a (i32x4.mul (local.get $a) (v128.load offset=112 (local.get $p))))))
        (local.set $m (v128.load offset=128 (local.get $p)))
        (local.set $v
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
            (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))
            (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))))
        (local.set $m (v128.load offset=144 (local.get $p)))
        (local.set $a
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
            (i64x2.shr_u (i64x2.extmul_low_i32x4_s (local.get $v) (local.get $m)) (i32.const 30))
            (i64x2.shr_u (i64x2.extmul_high_i32x4_s (local.get $v) (local.get $m)) (i32.const 30))))
        (local.set $a1
          (i32x4.add (i32x4.min_s (i32x4.max_s
            (i32x4.sub (local.get $a)
              (i32x4.gt_s
                (v128.and (local.get $v) (v128.load offset=160 (local.get $p)))
                (i32x4.sub (v128.load offset=176 (local.get $p)) (i32x4.lt_s (local.get $v) (v128.const i32x4 0 0 0 0)))))
            (local.get $lo)) (local.get $hi)) (local.get $out)))
        (return (i16x8.narrow_i32x4_s (local.get $a0) (local.get $a1)))))
    (i16x8.narrow_i32x4_s (call $rq4 (local.get $a0) (local.get $c)) (call $rq4 (local.get $a1) (i32.add (local.get $c) (i32.const 4)))))

  ;; Stores the low n (1..15) bytes of v at p.
  (func $store_bytes (param $p i32) (param $v v128) (param $n i32)
    (local $j i32)
    (v128.store (global.get $spill) (local.get $v))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $j) (local.get $n)))
      (i32.store8 (i32.add (local.get $p) (local.get $j)) (i32.load8_u (i32.add (global.get $spill) (local.get $j))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $l))))

  ;; All M outputs of one patch: xs holds K2 pairs of int16 (x + xoff), wp the filter packed by blocks of four
  ;; output channels: block b, pair k → 8 int16 [w(4b, 2k), w(4b, 2k+1), w(4b+1, 2k), ..., w(4b+3, 2k+1)] (+ woff,
  ;; zero beyond the filter). i32x4.dot_i16x8_s of the pair broadcast against it adds to four channels at once.
  (func $mrow (param $xs i32) (param $wp i32) (param $y i32) (param $k2 i32) (param $m i32)
    (local $oc i32) (local $bs i32) (local $xp i32) (local $xe i32) (local $w0 i32) (local $xv v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $bs (i32.shl (local.get $k2) (i32.const 4)))
    (local.set $xe (i32.add (local.get $xs) (i32.shl (local.get $k2) (i32.const 2))))
    (block $d16 (loop $l16
      (br_if $d16 (i32.gt_s (i32.add (local.get $oc) (i32.const 16)) (local.get $m)))
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $a1 (v128.const i32x4 0 0 0 0))
      (local.set $a2 (v128.const i32x4 0 0 0 0))
      (local.set $a3 (v128.const i32x4 0 0 0 0))
      (local.set $xp (local.get $xs))
      (local.set $w0 (local.get $wp))
      (block $kd (loop $kl
        (br_if $kd (i32.ge_u (local.get $xp) (local.get $xe)))
        (local.set $xv (v128.load32_splat (local.get $xp)))
        (local.set $a0 (i32x4.add (local.get $a0) (i32x4.dot_i16x8_s (local.get $xv) (v128.load (local.get $w0)))))
        (local.set $a1 (i32x4.add (local.get $a1) (i32x4.dot_i16x8_s (local.get $xv) (v128.load (i32.add (local.get $w0) (local.get $bs))))))
        (local.set $a2 (i32x4.add (local.get $a2) (i32x4.dot_i16x8_s (local.get $xv) (v128.load (i32.add (local.get $w0) (i32.shl (local.get $bs) (i32.const 1)))))))
        (local.set $a3 (i32x4.add (local.get $a3) (i32x4.dot_i16x8_s (local.get $xv) (v128.load (i32.add (local.get $w0) (i32.mul (local.get $bs) (i32.const 3)))))))
        (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
        (local.set $w0 (i32.add (local.get $w0) (i32.const 16)))
        (br $kl)))
      (v128.store (i32.add (local.get $y) (local.get $oc))
        (call $rq16 (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3) (local.get $oc)))
      (local.set $wp (i32.add (local.get $wp) (i32.shl (local.get $bs) (i32.const 2))))
      (local.set $oc (i32.add (local.get $oc) (i32.const 16)))
      (br $l16)))
    (block $d4 (loop $l4
      (br_if $d4 (i32.ge_s (local.get $oc) (local.get $m)))
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $xp (local.get $xs))
      (local.set $w0 (local.get $wp))
      (block $kd4 (loop $kl4
        (br_if $kd4 (i32.ge_u (local.get $xp) (local.get $xe)))
        (local.set $a0 (i32x4.add (local.get $a0) (i32x4.dot_i16x8_s (v128.load32_splat (local.get $xp)) (v128.load (local.get $w0)))))
        (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
        (local.set $w0 (i32.add (local.get $w0) (i32.const 16)))
        (br $kl4)))
      (local.set $xv (call $rq4 (local.get $a0) (local.get $oc)))
      (local.set $xv (i8x16.narrow_i16x8_s (i16x8.narrow_i32x4_s (local.get $xv) (local.get $xv)) (local.get $xv)))
      (if (i32.le_s (i32.add (local.get $oc) (i32.const 4)) (local.get $m))
        (then (i32.store (i32.add (local.get $y) (local.get $oc)) (i32x4.extract_lane 0 (local.get $xv))))
        (else (call $store_bytes (i32.add (local.get $y) (local.get $oc)) (local.get $xv) (i32.sub (local.get $m) (local.get $oc)))))
      (local.set $wp (i32.add (local.get $wp) (local.get $bs)))
      (local.set $oc (i32.add (local.get $oc) (i32.const 4)))
      (br $l4))))

  ;; $mrow for two patches at once (xs and xs + 4 k2, outputs at y and y + m): each filter vector loaded once
  ;; serves both pixels.
  (func $mrow2 (param $xs i32) (param $wp i32) (param $y i32) (param $k2 i32) (param $m i32)
    (local $oc i32) (local $bs i32) (local $xp i32) (local $xe i32) (local $w0 i32) (local $xv v128) (local $xu v128) (local $wv v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128) (local $x2 i32) (local $y2 i32)
    (local.set $bs (i32.shl (local.get $k2) (i32.const 4)))
    (local.set $x2 (i32.shl (local.get $k2) (i32.const 2)))
    (local.set $xe (i32.add (local.get $xs) (local.get $x2)))
    (local.set $y2 (i32.add (local.get $y) (local.get $m)))
    (block $d16 (loop $l16
      (br_if $d16 (i32.gt_s (i32.add (local.get $oc) (i32.const 16)) (local.get $m)))
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $a1 (v128.const i32x4 0 0 0 0))
      (local.set $a2 (v128.const i32x4 0 0 0 0))
      (local.set $a3 (v128.const i32x4 0 0 0 0))
      (local.set $b0 (v128.const i32x4 0 0 0 0))
      (local.set $b1 (v128.const i32x4 0 0 0 0))
      (local.set $b2 (v128.const i32x4 0 0 0 0))
      (local.set $b3 (v128.const i32x4 0 0 0 0))
      (local.set $xp (local.get $xs))
      (local.set $w0 (local.get $wp))
      (block $kd (loop $kl
        (br_if $kd (i32.ge_u (local.get $xp) (local.get $xe)))
        (local.set $xv (v128.load32_splat (local.get $xp)))
        (local.set $xu (v128.load32_splat (i32.add (local.get $xp) (local.get $x2))))
        (local.set $wv (v128.load (local.get $w0)))
        (local.set $a0 (i32x4.add (local.get $a0) (i32x4.dot_i16x8_s (local.get $xv) (local.get $wv))))
        (local.set $b0 (i32x4.add (local.get $b0) (i32x4.dot_i16x8_s (local.get $xu) (local.get $wv))))
        (local.set $wv (v128.load (i32.add (local.get $w0) (local.get $bs))))
        (local.set $a1 (i32x4.add (local.get $a1) (i32x4.dot_i16x8_s (local.get $xv) (local.get $wv))))
        (local.set $b1 (i32x4.add (local.get $b1) (i32x4.dot_i16x8_s (local.get $xu) (local.get $wv))))
        (local.set $wv (v128.load (i32.add (local.get $w0) (i32.shl (local.get $bs) (i32.const 1)))))
        (local.set $a2 (i32x4.add (local.get $a2) (i32x4.dot_i16x8_s (local.get $xv) (local.get $wv))))
        (local.set $b2 (i32x4.add (local.get $b2) (i32x4.dot_i16x8_s (local.get $xu) (local.get $wv))))
        (local.set $wv (v128.load (i32.add (local.get $w0) (i32.mul (local.get $bs) (i32.const 3)))))
        (local.set $a3 (i32x4.add (local.get $a3) (i32x4.dot_i16x8_s (local.get $xv) (local.get $wv))))
        (local.set $b3 (i32x4.add (local.get $b3) (i32x4.dot_i16x8_s (local.get $xu) (local.get $wv))))
        (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
        (local.set $w0 (i32.add (local.get $w0) (i32.const 16)))
        (br $kl)))
      (v128.store (i32.add (local.get $y) (local.get $oc))
        (call $rq16 (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3) (local.get $oc)))
      (v128.store (i32.add (local.get $y2) (local.get $oc))
        (call $rq16 (local.get $b0) (local.get $b1) (local.get $b2) (local.get $b3) (local.get $oc)))
      (local.set $wp (i32.add (local.get $wp) (i32.shl (local.get $bs) (i32.const 2))))
      (local.set $oc (i32.add (local.get $oc) (i32.const 16)))
      (br $l16)))
    ;; the remaining blocks of four (fewer than 16 channels left), pixel by pixel
    (if (i32.lt_s (local.get $oc) (local.get $m))
      (then
        (call $mrow_from (local.get $xs) (local.get $wp) (local.get $y) (local.get $k2) (local.get $m) (local.get $oc))
        (call $mrow_from (i32.add (local.get $xs) (local.get $x2)) (local.get $wp) (local.get $y2) (local.get $k2) (local.get $m) (local.get $oc)))))

  ;; The blocks of four from channel oc on (wp at oc's block), one pixel.
  (func $mrow_from (param $xs i32) (param $wp i32) (param $y i32) (param $k2 i32) (param $m i32) (param $oc i32)
    (local $bs i32) (local $xp i32) (local $xe i32) (local $w0 i32) (local $xv v128) (local $a0 v128)
    (local.set $bs (i32.shl (local.get $k2) (i32.const 4)))
    (local.set $xe (i32.add (local.get $xs) (i32.shl (local.get $k2) (i32.const 2))))
    (block $d4 (loop $l4
      (br_if $d4 (i32.ge_s (local.get $oc) (local.get $m)))
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $xp (local.get $xs))
      (local.set $w0 (local.get $wp))
      (block $kd4 (loop $kl4
        (br_if $kd4 (i32.ge_u (local.get $xp) (local.get $xe)))
        (local.set $a0 (i32x4.add (local.get $a0) (i32x4.dot_i16x8_s (v128.load32_splat (local.get $xp)) (v128.load (local.get $w0)))))
        (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
        (local.set $w0 (i32.add (local.get $w0) (i32.const 16)))
        (br $kl4)))
      (local.set $xv (call $rq4 (local.get $a0) (local.get $oc)))
      (local.set $xv (i8x16.narrow_i16x8_s (i16x8.narrow_i32x4_s (local.get $xv) (local.get $xv)) (local.get $xv)))
      (if (i32.le_s (i32.add (local.get $oc) (i32.const 4)) (local.get $m))
        (then (i32.store (i32.add (local.get $y) (local.get $oc)) (i32x4.extract_lane 0 (local.get $xv))))
        (else (call $store_bytes (i32.add (local.get $y) (local.get $oc)) (local.get $xv) (i32.sub (local.get $m) (local.get $oc)))))
      (local.set $wp (i32.add (local.get $wp) (local.get $bs)))
      (local.set $oc (i32.add (local.get $oc) (i32.const 4)))
      (br $l4))))

  ;; Writes n int8 values at src as int16 (x + xoff) at dst, eight at a time (up to 7 values past n are written,
  ;; and read: the caller's scratch and the heap have room).
  (func $widen (param $dst i32) (param $src i32) (param $n i32)
    (local $j i32)
    (block $d (loop $l
      (br_if $d (i32.ge_s (local.get $j) (local.get $n)))
      (v128.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 1)))
        (i16x8.add (v128.load8x8_s (i32.add (local.get $src) (local.get $j))) (global.get $xoffv)))
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (br $l))))

  ;; CONV_2D without groups (and FULLY_CONNECTED as a 1×1 convolution of [batches, 1, 1, depth]): x NHWC,
  ;; wp the filter packed for $mrow (K = kH kW inC in OHWI order), y NHWC int8. Each output pixel's patch is
  ;; gathered as int16 into xs (zeros where the filter hangs over the edge: those taps add nothing).
  (func $conv (export "conv")
    (param $x i32) (param $wp i32) (param $y i32) (param $batches i32)
    (param $inH i32) (param $inW i32) (param $inC i32) (param $outH i32) (param $outW i32) (param $outC i32)
    (param $kH i32) (param $kW i32) (param $sH i32) (param $sW i32) (param $dH i32) (param $dW i32) (param $pH i32) (param $pW i32)
    (param $xs i32)
    (local $n i32) (local $oy i32) (local $ox i32) (local $fy i32) (local $fx i32) (local $y0 i32) (local $x0 i32)
    (local $iy i32) (local $ix i32) (local $xb i32) (local $dst i32) (local $k2 i32) (local $j i32) (local $rowC i32)
    (local $pointwise i32)
    (local.set $k2 (i32.shr_u (i32.add (i32.mul (i32.mul (local.get $kH) (local.get $kW)) (local.get $inC)) (i32.const 1)) (i32.const 1)))
    (local.set $rowC (i32.mul (local.get $inW) (local.get $inC)))
    ;; 1×1, stride 1, no padding: the patch is the input pixel itself
    (local.set $pointwise
      (i32.and
        (i32.and (i32.eq (i32.mul (local.get $kH) (local.get $kW)) (i32.const 1)) (i32.eq (i32.or (local.get $pH) (local.get $pW)) (i32.const 0)))
        (i32.and (i32.eq (local.get $sH) (i32.const 1)) (i32.eq (local.get $sW) (i32.const 1)))))
    (block $ndone (loop $nl
      (br_if $ndone (i32.ge_s (local.get $n) (local.get $batches)))
      (local.set $xb (i32.add (local.get $x) (i32.mul (local.get $n) (i32.mul (local.get $inH) (local.get $rowC)))))
      (if (local.get $pointwise)
        (then
          (local.set $j (i32.mul (local.get $outH) (local.get $outW)))
          ;; two pixels at a time (the patch scratch holds two), then the last one alone
          (block $pd2 (loop $pl2
            (br_if $pd2 (i32.lt_s (local.get $j) (i32.const 2)))
            (call $widen (local.get $xs) (local.get $xb) (local.get $inC))
            (call $widen (i32.add (local.get $xs) (i32.shl (local.get $k2) (i32.const 2))) (i32.add (local.get $xb) (local.get $inC)) (local.get $inC))
            (call $mrow2 (local.get $xs) (local.get $wp) (local.get $y) (local.get $k2) (local.get $outC))
            (local.set $xb (i32.add (local.get $xb) (i32.shl (local.get $inC) (i32.const 1))))
            (local.set $y (i32.add (local.get $y) (i32.shl (local.get $outC) (i32.const 1))))
            (local.set $j (i32.sub (local.get $j) (i32.const 2)))
            (br $pl2)))
          (block $pd (loop $pl
            (br_if $pd (i32.eqz (local.get $j)))
            (call $widen (local.get $xs) (local.get $xb) (local.get $inC))
            (call $mrow (local.get $xs) (local.get $wp) (local.get $y) (local.get $k2) (local.get $outC))
            (local.set $xb (i32.add (local.get $xb) (local.get $inC)))
            (local.set $y (i32.add (local.get $y) (local.get $outC)))
            (local.set $j (i32.sub (local.get $j) (i32.const 1)))
            (br $pl))))
        (else
          (local.set $oy (i32.const 0))
          (block $oydone (loop $oyl
            (br_if $oydone (i32.ge_s (local.get $oy) (local.get $outH)))
            (local.set $y0 (i32.sub (i32.mul (local.get $oy) (local.get $sH)) (local.get $pH)))
            (local.set $ox (i32.const 0))
            (block $oxdone (loop $oxl
              (br_if $oxdone (i32.ge_s (local.get $ox) (local.get $outW)))
              (local.set $x0 (i32.sub (i32.mul (local.get $ox) (local.get $sW)) (local.get $pW)))
              (local.set $dst (local.get $xs))
              (local.set $fy (i32.const 0))
              (block $fyd (loop $fyl
                (br_if $fyd (i32.ge_s (local.get $fy) (local.get $kH)))
                (local.set $iy (i32.add (local.get $y0) (i32.mul (local.get $dH) (local.get $fy))))
                (local.set $fx (i32.const 0))
                (block $fxd (loop $fxl
                  (br_if $fxd (i32.ge_s (local.get $fx) (local.get $kW)))
                  (local.set $ix (i32.add (local.get $x0) (i32.mul (local.get $dW) (local.get $fx))))
                  (if (i32.and
                        (i32.and (i32.ge_s (local.get $iy) (i32.const 0)) (i32.lt_s (local.get $iy) (local.get $inH)))
                        (i32.and (i32.ge_s (local.get $ix) (i32.const 0)) (i32.lt_s (local.get $ix) (local.get $inW))))
                    (then
                      (call $widen (local.get $dst)
                        (i32.add (local.get $xb) (i32.add (i32.mul (local.get $iy) (local.get $rowC)) (i32.mul (local.get $ix) (local.get $inC))))
                        (local.get $inC)))
                    (else
                      (local.set $j (i32.const 0))
                      (block $zd (loop $zl
                        (br_if $zd (i32.ge_s (local.get $j) (local.get $inC)))
                        (v128.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 1))) (v128.const i32x4 0 0 0 0))
                        (local.set $j (i32.add (local.get $j) (i32.const 8)))
                        (br $zl)))))
                  (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $inC) (i32.const 1))))
                  (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
                  (br $fxl)))
                (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
                (br $fyl)))
              (call $mrow (local.get $xs) (local.get $wp) (local.get $y) (local.get $k2) (local.get $outC))
              (local.set $y (i32.add (local.get $y) (local.get $outC)))
              (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
              (br $oxl)))
            (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
            (br $oyl)))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nl))))

;; uint8 tensors through the int8 kernels: x ^ 0x80 is x - 128 as int8 (and back), over n bytes in place.
  (func (export "flip8") (param $p i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $p) (local.get $n)))
    (block $d (loop $l
      (br_if $d (i32.gt_s (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
      (v128.store (local.get $p) (v128.xor (v128.load (local.get $p)) (v128.const i32x4 0x80808080 0x80808080 0x80808080 0x80808080)))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $l)))
    (block $td (loop $tl
      (br_if $td (i32.ge_u (local.get $p) (local.get $end)))
      (i32.store8 (local.get $p) (i32.xor (i32.load8_u (local.get $p)) (i32.const 0x80)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $tl))))

  ;; Copies rows of rowBytes from src (contiguous) to dst, dstStride apart (into a padded input).
  (func (export "copy_rows") (param $src i32) (param $dst i32) (param $rows i32) (param $rowBytes i32) (param $dstStride i32)
    (block $d (loop $l
      (br_if $d (i32.eqz (local.get $rows)))
      (memory.copy (local.get $dst) (local.get $src) (local.get $rowBytes))
      (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
      (local.set $dst (i32.add (local.get $dst) (local.get $dstStride)))
      (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
      (br $l))))

  ;; DEPTHWISE_CONV_2D on an input padded with its zero point (x + xoff = 0 there, so every tap is inside):
  ;; x NHWC [batches, pH, pW, inC], y NHWC int8, outC = inC * dm with dm = 1 or a multiple of 8. Eight output
  ;; channels at a time; the taps of a filter row go in pairs (kW rounded up to even with zero weights): the two
  ;; taps' inputs interleaved as int16 [t0 c, t1 c, t0 c+1, ...] against the filter packed the same way
  ;; (wp: per block of eight channels, per filter row, per pair, 16 int16 (w + woff)) in i32x4.dot_i16x8_s.
  (func $depthwise (export "depthwise")
    (param $x i32) (param $wp i32) (param $y i32) (param $batches i32)
    (param $pH i32) (param $pW i32) (param $inC i32) (param $outH i32) (param $outW i32) (param $outC i32)
    (param $kH i32) (param $kW i32) (param $sH i32) (param $sW i32) (param $dH i32) (param $dW i32) (param $dm i32)
    (local $n i32) (local $oy i32) (local $ox i32) (local $c i32) (local $fy i32) (local $p i32) (local $pairs i32)
    (local $lo v128) (local $hi v128) (local $xv v128) (local $xb i32) (local $xpix i32) (local $xrow i32) (local $xp i32) (local $wq i32)
    (local $rowC i32) (local $xstep i32) (local $blockW i32) (local $xc i32) (local $t i32)
    (local.set $rowC (i32.mul (local.get $pW) (local.get $inC)))
    (local.set $xstep (i32.mul (local.get $dW) (local.get $inC)))
    (local.set $pairs (i32.shr_u (i32.add (local.get $kW) (i32.const 1)) (i32.const 1)))
    (local.set $blockW (i32.shl (i32.mul (local.get $kH) (local.get $pairs)) (i32.const 5)))
    (block $ndone (loop $nl
      (br_if $ndone (i32.ge_s (local.get $n) (local.get $batches)))
      (local.set $xb (i32.add (local.get $x) (i32.mul (local.get $n) (i32.mul (local.get $pH) (local.get $rowC)))))
      (local.set $oy (i32.const 0))
      (block $oydone (loop $oyl
        (br_if $oydone (i32.ge_s (local.get $oy) (local.get $outH)))
        (local.set $ox (i32.const 0))
        (block $oxdone (loop $oxl
          (br_if $oxdone (i32.ge_s (local.get $ox) (local.get $outW)))
          (local.set $xpix (i32.add (local.get $xb)
            (i32.add (i32.mul (i32.mul (local.get $oy) (local.get $sH)) (local.get $rowC)) (i32.mul (i32.mul (local.get $ox) (local.get $sW)) (local.get $inC)))))
          (local.set $wq (local.get $wp))
          (local.set $c (i32.const 0))
          (local.set $xc (i32.const 0))
          (block $vdone (loop $vl
            (br_if $vdone (i32.ge_s (local.get $c) (local.get $outC)))
            (local.set $lo (v128.const i32x4 0 0 0 0))
            (local.set $hi (v128.const i32x4 0 0 0 0))
            (local.set $xrow (i32.add (local.get $xpix) (local.get $xc)))
            (local.set $fy (i32.const 0))
            (block $fydone (loop $fyl
              (br_if $fydone (i32.ge_s (local.get $fy) (local.get $kH)))
              (local.set $xp (local.get $xrow))
              (local.set $p (local.get $pairs))
              (if (i32.eq (local.get $dm) (i32.const 1))
                (then
                  (block $pd (loop $pl
                    (br_if $pd (i32.eqz (local.get $p)))
                    (local.set $xv
                      (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23
                        (v128.load64_zero (local.get $xp))
                        (v128.load64_zero (i32.add (local.get $xp) (local.get $xstep)))))
                    (local.set $lo (i32x4.add (local.get $lo)
                      (i32x4.dot_i16x8_s (i16x8.add (i16x8.extend_low_i8x16_s (local.get $xv)) (global.get $xoffv)) (v128.load (local.get $wq)))))
                    (local.set $hi (i32x4.add (local.get $hi)
                      (i32x4.dot_i16x8_s (i16x8.add (i16x8.extend_high_i8x16_s (local.get $xv)) (global.get $xoffv)) (v128.load offset=16 (local.get $wq)))))
                    (local.set $xp (i32.add (local.get $xp) (i32.shl (local.get $xstep) (i32.const 1))))
                    (local.set $wq (i32.add (local.get $wq) (i32.const 32)))
                    (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                    (br $pl))))
                (else
                  (block $pd2 (loop $pl2
                    (br_if $pd2 (i32.eqz (local.get $p)))
                    ;; [x(t0) + xoff, x(t1) + xoff] as two int16 in every i32 lane
                    (local.set $t
                      (i32.or
                        (i32.and (i32.add (i32.load8_s (local.get $xp)) (global.get $xoff)) (i32.const 0xffff))
                        (i32.shl (i32.add (i32.load8_s (i32.add (local.get $xp) (local.get $xstep))) (global.get $xoff)) (i32.const 16))))
                    (local.set $xv (i32x4.splat (local.get $t)))
                    (local.set $lo (i32x4.add (local.get $lo) (i32x4.dot_i16x8_s (local.get $xv) (v128.load (local.get $wq)))))
                    (local.set $hi (i32x4.add (local.get $hi) (i32x4.dot_i16x8_s (local.get $xv) (v128.load offset=16 (local.get $wq)))))
                    (local.set $xp (i32.add (local.get $xp) (i32.shl (local.get $xstep) (i32.const 1))))
                    (local.set $wq (i32.add (local.get $wq) (i32.const 32)))
                    (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                    (br $pl2)))))
              (local.set $xrow (i32.add (local.get $xrow) (i32.mul (local.get $dH) (local.get $rowC))))
              (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
              (br $fyl)))
            (local.set $xv (call $rq8 (local.get $lo) (local.get $hi) (local.get $c)))
            (local.set $xv (i8x16.narrow_i16x8_s (local.get $xv) (local.get $xv)))
            (if (i32.le_s (i32.add (local.get $c) (i32.const 8)) (local.get $outC))
              (then (i64.store (local.get $y) (i64x2.extract_lane 0 (local.get $xv))))
              (else (call $store_bytes (local.get $y) (local.get $xv) (i32.sub (local.get $outC) (local.get $c)))))
            (local.set $y (i32.add (local.get $y) (i32.const 8)))
            (local.set $c (i32.add (local.get $c) (i32.const 8)))
            ;; next input channel: eight on (dm = 1), or one every dm / 8 blocks
            (if (i32.eq (local.get $dm) (i32.const 1))
              (then (local.set $xc (local.get $c)))
              (else (local.set $xc (i32.div_u (local.get $c) (local.get $dm)))))
            (br $vl)))
          ;; y ran ahead by the padding of the last block
          (local.set $y (i32.sub (local.get $y) (i32.sub (local.get $c) (local.get $outC))))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $oxl)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $oyl)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nl))))


  ;; DEPTHWISE_CONV_2D with depth multiplier 1, sixteen channels at a time, on the input padded with its zero point
  ;; (as $depthwise). The filter taps go in pairs over the whole kH × kW window (an odd count ends with a phantom tap
  ;; of zero weight): taps holds per pair the two taps' byte offsets from the output pixel's first input (i32), wp per
  ;; block of sixteen channels per pair 32 int16 weights (+ woff) [t0 c, t1 c, t0 c+1, ...] (zeros past the last
  ;; channel). The input offset is not added per tap: it is folded into the bias (Σ (x + xoff) w = Σ x w + xoff Σ w,
  ;; exact in int32 wrap-around; a padded tap's x = -xoff adds x w + xoff w = 0 either way). The lanes past the last
  ;; channel read the next pixel's inputs and are not stored.
  (func $dw16 (export "dw16")
    (param $x i32) (param $wp i32) (param $y i32) (param $batches i32) (param $pH i32) (param $pW i32) (param $inC i32)
    (param $outH i32) (param $outW i32) (param $sH i32) (param $sW i32) (param $taps i32) (param $npairs i32)
    (local $n i32) (local $oy i32) (local $ox i32) (local $c i32) (local $rowC i32) (local $xb i32) (local $xpix i32)
    (local $xp i32) (local $t i32) (local $te i32) (local $wq i32) (local $left i32)
    (local $va v128) (local $vb v128) (local $lo v128) (local $hi v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $rowC (i32.mul (local.get $pW) (local.get $inC)))
    (local.set $te (i32.add (local.get $taps) (i32.shl (local.get $npairs) (i32.const 3))))
    (block $ndone (loop $nl
      (br_if $ndone (i32.ge_s (local.get $n) (local.get $batches)))
      (local.set $xb (i32.add (local.get $x) (i32.mul (local.get $n) (i32.mul (local.get $pH) (local.get $rowC)))))
      (local.set $oy (i32.const 0))
      (block $oydone (loop $oyl
        (br_if $oydone (i32.ge_s (local.get $oy) (local.get $outH)))
        (local.set $ox (i32.const 0))
        (block $oxdone (loop $oxl
          (br_if $oxdone (i32.ge_s (local.get $ox) (local.get $outW)))
          (local.set $xpix (i32.add (local.get $xb)
            (i32.add (i32.mul (i32.mul (local.get $oy) (local.get $sH)) (local.get $rowC)) (i32.mul (i32.mul (local.get $ox) (local.get $sW)) (local.get $inC)))))
          (local.set $wq (local.get $wp))
          (local.set $c (i32.const 0))
          (block $vdone (loop $vl
            (br_if $vdone (i32.ge_s (local.get $c) (local.get $inC)))
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $a1 (v128.const i32x4 0 0 0 0))
            (local.set $a2 (v128.const i32x4 0 0 0 0))
            (local.set $a3 (v128.const i32x4 0 0 0 0))
            (local.set $xp (i32.add (local.get $xpix) (local.get $c)))
            (local.set $t (local.get $taps))
            (block $pd (loop $pl
              (br_if $pd (i32.ge_u (local.get $t) (local.get $te)))
              (local.set $va (v128.load (i32.add (local.get $xp) (i32.load (local.get $t)))))
              (local.set $vb (v128.load (i32.add (local.get $xp) (i32.load offset=4 (local.get $t)))))
              (local.set $lo (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get $va) (local.get $vb)))
              (local.set $hi (i8x16.shuffle 8 24 9 25 10 26 11 27 12 28 13 29 14 30 15 31 (local.get $va) (local.get $vb)))
              (local.set $a0 (i32x4.add (local.get $a0) (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $lo)) (v128.load (local.get $wq)))))
              (local.set $a1 (i32x4.add (local.get $a1) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $lo)) (v128.load offset=16 (local.get $wq)))))
              (local.set $a2 (i32x4.add (local.get $a2) (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $hi)) (v128.load offset=32 (local.get $wq)))))
              (local.set $a3 (i32x4.add (local.get $a3) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $hi)) (v128.load offset=48 (local.get $wq)))))
              (local.set $t (i32.add (local.get $t) (i32.const 8)))
              (local.set $wq (i32.add (local.get $wq) (i32.const 64)))
              (br $pl)))
            (local.set $va (call $rq16 (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3) (local.get $c)))
            (local.set $left (i32.sub (local.get $inC) (local.get $c)))
            (if (i32.ge_s (local.get $left) (i32.const 16))
              (then (v128.store (local.get $y) (local.get $va)) (local.set $left (i32.const 16)))
              (else
                (if (i32.eq (local.get $left) (i32.const 8))
                  (then (i64.store (local.get $y) (i64x2.extract_lane 0 (local.get $va))))
                  (else (call $store_bytes (local.get $y) (local.get $va) (local.get $left))))))
            (local.set $y (i32.add (local.get $y) (local.get $left)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $vl)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $oxl)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $oyl)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nl))))

  ;; ---- float32 (f32x4): accumulation in single precision, in the order of TFLite's reference loops per output
  ;; (filter taps, then input channels; the bias last), clamped as the JS kernels clamp (v < lo ? lo : v > hi ?
  ;; hi : v, which f32x4.pmax / pmin compute).
  (global $fbias (mut i32) (i32.const 0))
  (global $flo (mut v128) (v128.const i32x4 0 0 0 0))
  (global $fhi (mut v128) (v128.const i32x4 0 0 0 0))

  (func $set_fop (export "set_fop") (param $bias i32) (param $lo f32) (param $hi f32) (param $spill i32)
    (global.set $fbias (local.get $bias))
    (global.set $flo (f32x4.splat (local.get $lo)))
    (global.set $fhi (f32x4.splat (local.get $hi)))
    (global.set $spill (local.get $spill)))

  ;; bias (channels c..c+3), clamp, store the first n (1..4) lanes at y
  (func $fout (param $acc v128) (param $c i32) (param $y i32) (param $n i32)
    (local.set $acc (f32x4.add (local.get $acc) (v128.load (i32.add (global.get $fbias) (i32.shl (local.get $c) (i32.const 2))))))
    ;; pmax(v, lo) = v < lo ? lo : v and pmin(v, hi) = hi < v ? hi : v, NaN and -0 kept as the JS clamp keeps them
    (local.set $acc (f32x4.pmin (f32x4.pmax (local.get $acc) (global.get $flo)) (global.get $fhi)))
    (if (i32.ge_s (local.get $n) (i32.const 4))
      (then (v128.store (local.get $y) (local.get $acc)))
      (else (call $store_bytes (local.get $y) (local.get $acc) (i32.shl (local.get $n) (i32.const 2))))))

  ;; All M outputs of one patch of K floats at xs: wp packs the filter by blocks of four output channels, per input
  ;; k the four channels' weights (zeros beyond M); the input broadcast times the block adds to four channels.
  (func $fmrow (param $xs i32) (param $wp i32) (param $y i32) (param $k i32) (param $m i32)
    (local $oc i32) (local $bs i32) (local $xp i32) (local $xe i32) (local $w0 i32) (local $xv v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $bs (i32.shl (local.get $k) (i32.const 4)))
    (local.set $xe (i32.add (local.get $xs) (i32.shl (local.get $k) (i32.const 2))))
    (block $d16 (loop $l16
      (br_if $d16 (i32.gt_s (i32.add (local.get $oc) (i32.const 16)) (local.get $m)))
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $a1 (v128.const i32x4 0 0 0 0))
      (local.set $a2 (v128.const i32x4 0 0 0 0))
      (local.set $a3 (v128.const i32x4 0 0 0 0))
      (local.set $xp (local.get $xs))
      (local.set $w0 (local.get $wp))
      (block $kd (loop $kl
        (br_if $kd (i32.ge_u (local.get $xp) (local.get $xe)))
        (local.set $xv (v128.load32_splat (local.get $xp)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xv) (v128.load (local.get $w0)))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $xv) (v128.load (i32.add (local.get $w0) (local.get $bs))))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $xv) (v128.load (i32.add (local.get $w0) (i32.shl (local.get $bs) (i32.const 1)))))))
        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $xv) (v128.load (i32.add (local.get $w0) (i32.mul (local.get $bs) (i32.const 3)))))))
        (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
        (local.set $w0 (i32.add (local.get $w0) (i32.const 16)))
        (br $kl)))
      ;; $fout's bias and clamp, written out for the sixteen
      (local.set $xv (global.get $flo))
      (local.set $xp (i32.add (global.get $fbias) (i32.shl (local.get $oc) (i32.const 2))))
      (local.set $w0 (i32.add (local.get $y) (i32.shl (local.get $oc) (i32.const 2))))
      (v128.store offset=0 (local.get $w0) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a0) (v128.load offset=0 (local.get $xp))) (local.get $xv)) (global.get $fhi)))
      (v128.store offset=16 (local.get $w0) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a1) (v128.load offset=16 (local.get $xp))) (local.get $xv)) (global.get $fhi)))
      (v128.store offset=32 (local.get $w0) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a2) (v128.load offset=32 (local.get $xp))) (local.get $xv)) (global.get $fhi)))
      (v128.store offset=48 (local.get $w0) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a3) (v128.load offset=48 (local.get $xp))) (local.get $xv)) (global.get $fhi)))
      (local.set $wp (i32.add (local.get $wp) (i32.shl (local.get $bs) (i32.const 2))))
      (local.set $oc (i32.add (local.get $oc) (i32.const 16)))
      (br $l16)))
    (block $d4 (loop $l4
      (br_if $d4 (i32.ge_s (local.get $oc) (local.get $m)))
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $xp (local.get $xs))
      (local.set $w0 (local.get $wp))
      (block $kd4 (loop $kl4
        (br_if $kd4 (i32.ge_u (local.get $xp) (local.get $xe)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load32_splat (local.get $xp)) (v128.load (local.get $w0)))))
        (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
        (local.set $w0 (i32.add (local.get $w0) (i32.const 16)))
        (br $kl4)))
      (call $fout (local.get $a0) (local.get $oc) (i32.add (local.get $y) (i32.shl (local.get $oc) (i32.const 2))) (i32.sub (local.get $m) (local.get $oc)))
      (local.set $wp (i32.add (local.get $wp) (local.get $bs)))
      (local.set $oc (i32.add (local.get $oc) (i32.const 4)))
      (br $l4))))

  ;; The blocks of four from output channel oc on (wp at oc's block) of one patch, as $fmrow's tail computes them.
  (func $fmrow_from (param $xs i32) (param $wp i32) (param $y i32) (param $k i32) (param $m i32) (param $oc i32)
    (local $bs i32) (local $xp i32) (local $xe i32) (local $w0 i32) (local $a0 v128)
    (local.set $bs (i32.shl (local.get $k) (i32.const 4)))
    (local.set $xe (i32.add (local.get $xs) (i32.shl (local.get $k) (i32.const 2))))
    (block $d4 (loop $l4
      (br_if $d4 (i32.ge_s (local.get $oc) (local.get $m)))
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $xp (local.get $xs))
      (local.set $w0 (local.get $wp))
      (block $kd4 (loop $kl4
        (br_if $kd4 (i32.ge_u (local.get $xp) (local.get $xe)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load32_splat (local.get $xp)) (v128.load (local.get $w0)))))
        (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
        (local.set $w0 (i32.add (local.get $w0) (i32.const 16)))
        (br $kl4)))
      (call $fout (local.get $a0) (local.get $oc) (i32.add (local.get $y) (i32.shl (local.get $oc) (i32.const 2))) (i32.sub (local.get $m) (local.get $oc)))
      (local.set $wp (i32.add (local.get $wp) (local.get $bs)))
      (local.set $oc (i32.add (local.get $oc) (i32.const 4)))
      (br $l4))))

  ;; $fmrow for two patches at once (xs → y and xs2 → y2): eight sums in flight instead of four, each filter vector
  ;; loaded once for both; every sum in the same order as $fmrow's.
  (func $fmrow2 (param $xs i32) (param $xs2 i32) (param $wp i32) (param $y i32) (param $y2 i32) (param $k i32) (param $m i32)
    (local $oc i32) (local $bs i32) (local $xp i32) (local $xe i32) (local $w0 i32) (local $d i32) (local $xv v128) (local $xu v128)
    (local $wv v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128) (local $bias i32) (local $lo v128) (local $hi v128)
    (local.set $bs (i32.shl (local.get $k) (i32.const 4)))
    (local.set $xe (i32.add (local.get $xs) (i32.shl (local.get $k) (i32.const 2))))
    (local.set $d (i32.sub (local.get $xs2) (local.get $xs)))
    (local.set $lo (global.get $flo))
    (local.set $hi (global.get $fhi))
    (block $d16 (loop $l16
      (br_if $d16 (i32.gt_s (i32.add (local.get $oc) (i32.const 16)) (local.get $m)))
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $a1 (v128.const i32x4 0 0 0 0))
      (local.set $a2 (v128.const i32x4 0 0 0 0))
      (local.set $a3 (v128.const i32x4 0 0 0 0))
      (local.set $b0 (v128.const i32x4 0 0 0 0))
      (local.set $b1 (v128.const i32x4 0 0 0 0))
      (local.set $b2 (v128.const i32x4 0 0 0 0))
      (local.set $b3 (v128.const i32x4 0 0 0 0))
      (local.set $xp (local.get $xs))
      (local.set $w0 (local.get $wp))
      (block $kd (loop $kl
        (br_if $kd (i32.ge_u (local.get $xp) (local.get $xe)))
        (local.set $xv (v128.load32_splat (local.get $xp)))
        (local.set $xu (v128.load32_splat (i32.add (local.get $xp) (local.get $d))))
        (local.set $wv (v128.load (local.get $w0)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xv) (local.get $wv))))
        (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $xu) (local.get $wv))))
        (local.set $wv (v128.load (i32.add (local.get $w0) (local.get $bs))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $xv) (local.get $wv))))
        (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (local.get $xu) (local.get $wv))))
        (local.set $wv (v128.load (i32.add (local.get $w0) (i32.shl (local.get $bs) (i32.const 1)))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $xv) (local.get $wv))))
        (local.set $b2 (f32x4.add (local.get $b2) (f32x4.mul (local.get $xu) (local.get $wv))))
        (local.set $wv (v128.load (i32.add (local.get $w0) (i32.mul (local.get $bs) (i32.const 3)))))
        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $xv) (local.get $wv))))
        (local.set $b3 (f32x4.add (local.get $b3) (f32x4.mul (local.get $xu) (local.get $wv))))
        (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
        (local.set $w0 (i32.add (local.get $w0) (i32.const 16)))
        (br $kl)))
      (local.set $bias (i32.add (global.get $fbias) (i32.shl (local.get $oc) (i32.const 2))))
      (local.set $w0 (i32.add (local.get $y) (i32.shl (local.get $oc) (i32.const 2))))
      (local.set $xp (i32.add (local.get $y2) (i32.shl (local.get $oc) (i32.const 2))))
      (local.set $wv (v128.load offset=0 (local.get $bias)))
      (v128.store offset=0 (local.get $w0) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a0) (local.get $wv)) (local.get $lo)) (local.get $hi)))
      (v128.store offset=0 (local.get $xp) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $b0) (local.get $wv)) (local.get $lo)) (local.get $hi)))
      (local.set $wv (v128.load offset=16 (local.get $bias)))
      (v128.store offset=16 (local.get $w0) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a1) (local.get $wv)) (local.get $lo)) (local.get $hi)))
      (v128.store offset=16 (local.get $xp) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $b1) (local.get $wv)) (local.get $lo)) (local.get $hi)))
      (local.set $wv (v128.load offset=32 (local.get $bias)))
      (v128.store offset=32 (local.get $w0) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a2) (local.get $wv)) (local.get $lo)) (local.get $hi)))
      (v128.store offset=32 (local.get $xp) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $b2) (local.get $wv)) (local.get $lo)) (local.get $hi)))
      (local.set $wv (v128.load offset=48 (local.get $bias)))
      (v128.store offset=48 (local.get $w0) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a3) (local.get $wv)) (local.get $lo)) (local.get $hi)))
      (v128.store offset=48 (local.get $xp) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $b3) (local.get $wv)) (local.get $lo)) (local.get $hi)))
      (local.set $wp (i32.add (local.get $wp) (i32.shl (local.get $bs) (i32.const 2))))
      (local.set $oc (i32.add (local.get $oc) (i32.const 16)))
      (br $l16)))
    (if (i32.lt_s (local.get $oc) (local.get $m))
      (then
        (call $fmrow_from (local.get $xs) (local.get $wp) (local.get $y) (local.get $k) (local.get $m) (local.get $oc))
        (call $fmrow_from (local.get $xs2) (local.get $wp) (local.get $y2) (local.get $k) (local.get $m) (local.get $oc)))))

  ;; float CONV_2D without groups (FULLY_CONNECTED as 1×1 over [batches, 1, 1, depth]): patches gathered into xs
  ;; (zeros where the filter hangs over the edge), or read in place for 1×1, stride 1, no padding.
  (func $fconv (export "fconv")
    (param $x i32) (param $wp i32) (param $y i32) (param $batches i32)
    (param $inH i32) (param $inW i32) (param $inC i32) (param $outH i32) (param $outW i32) (param $outC i32)
    (param $kH i32) (param $kW i32) (param $sH i32) (param $sW i32) (param $dH i32) (param $dW i32) (param $pH i32) (param $pW i32)
    (param $xs i32)
    (local $n i32) (local $oy i32) (local $ox i32) (local $fy i32) (local $fx i32) (local $y0 i32) (local $x0 i32)
    (local $iy i32) (local $ix i32) (local $xb i32) (local $dst i32) (local $k i32) (local $j i32) (local $rowC i32)
    (local $cb i32) (local $ystep i32) (local $src i32)
    (local.set $k (i32.mul (i32.mul (local.get $kH) (local.get $kW)) (local.get $inC)))
    (local.set $rowC (i32.mul (local.get $inW) (local.get $inC)))
    (local.set $cb (i32.shl (local.get $inC) (i32.const 2)))
    (local.set $ystep (i32.shl (local.get $outC) (i32.const 2)))
    (block $ndone (loop $nl
      (br_if $ndone (i32.ge_s (local.get $n) (local.get $batches)))
      (local.set $xb (i32.add (local.get $x) (i32.shl (i32.mul (local.get $n) (i32.mul (local.get $inH) (local.get $rowC))) (i32.const 2))))
      (if (i32.and
            (i32.and (i32.eq (i32.mul (local.get $kH) (local.get $kW)) (i32.const 1)) (i32.eqz (i32.or (local.get $pH) (local.get $pW))))
            (i32.and (i32.eq (local.get $sH) (i32.const 1)) (i32.eq (local.get $sW) (i32.const 1))))
        (then
          (local.set $j (i32.mul (local.get $outH) (local.get $outW)))
          (block $pd2 (loop $pl2
            (br_if $pd2 (i32.lt_s (local.get $j) (i32.const 2)))
            (call $fmrow2 (local.get $xb) (i32.add (local.get $xb) (local.get $cb)) (local.get $wp) (local.get $y) (i32.add (local.get $y) (local.get $ystep)) (local.get $k) (local.get $outC))
            (local.set $xb (i32.add (local.get $xb) (i32.shl (local.get $cb) (i32.const 1))))
            (local.set $y (i32.add (local.get $y) (i32.shl (local.get $ystep) (i32.const 1))))
            (local.set $j (i32.sub (local.get $j) (i32.const 2)))
            (br $pl2)))
          (block $pd (loop $pl
            (br_if $pd (i32.eqz (local.get $j)))
            (call $fmrow (local.get $xb) (local.get $wp) (local.get $y) (local.get $k) (local.get $outC))
            (local.set $xb (i32.add (local.get $xb) (local.get $cb)))
            (local.set $y (i32.add (local.get $y) (local.get $ystep)))
            (local.set $j (i32.sub (local.get $j) (i32.const 1)))
            (br $pl))))
        (else
          (local.set $oy (i32.const 0))
          (block $oydone (loop $oyl
            (br_if $oydone (i32.ge_s (local.get $oy) (local.get $outH)))
            (local.set $y0 (i32.sub (i32.mul (local.get $oy) (local.get $sH)) (local.get $pH)))
            ;; a filter as wide as the input, one output column (1-D convolutions over [rows, 1, channels] and
            ;; the like): where the filter's rows are inside, the patch is the input's rows as they lie; two
            ;; output rows at a time
            (if (i32.and
                  (i32.and (i32.and (i32.eq (local.get $kW) (local.get $inW)) (i32.eq (local.get $outW) (i32.const 1)))
                    (i32.and (i32.eqz (local.get $pW)) (i32.eq (i32.or (local.get $dH) (local.get $dW)) (i32.const 1))))
                  (i32.and (i32.ge_s (local.get $y0) (i32.const 0)) (i32.le_s (i32.add (local.get $y0) (local.get $kH)) (local.get $inH))))
              (then
                (local.set $src (i32.add (local.get $xb) (i32.shl (i32.mul (local.get $y0) (local.get $rowC)) (i32.const 2))))
                (if (i32.and (i32.lt_s (i32.add (local.get $oy) (i32.const 1)) (local.get $outH))
                      (i32.le_s (i32.add (i32.add (local.get $y0) (local.get $sH)) (local.get $kH)) (local.get $inH)))
                  (then
                    (call $fmrow2 (local.get $src) (i32.add (local.get $src) (i32.shl (i32.mul (local.get $sH) (local.get $rowC)) (i32.const 2)))
                      (local.get $wp) (local.get $y) (i32.add (local.get $y) (local.get $ystep)) (local.get $k) (local.get $outC))
                    (local.set $y (i32.add (local.get $y) (i32.shl (local.get $ystep) (i32.const 1))))
                    (local.set $oy (i32.add (local.get $oy) (i32.const 2))))
                  (else
                    (call $fmrow (local.get $src) (local.get $wp) (local.get $y) (local.get $k) (local.get $outC))
                    (local.set $y (i32.add (local.get $y) (local.get $ystep)))
                    (local.set $oy (i32.add (local.get $oy) (i32.const 1)))))
                (br $oyl)))
            (local.set $ox (i32.const 0))
            (block $oxdone (loop $oxl
              (br_if $oxdone (i32.ge_s (local.get $ox) (local.get $outW)))
              (local.set $x0 (i32.sub (i32.mul (local.get $ox) (local.get $sW)) (local.get $pW)))
              (local.set $dst (local.get $xs))
              (local.set $fy (i32.const 0))
              (block $fyd (loop $fyl
                (br_if $fyd (i32.ge_s (local.get $fy) (local.get $kH)))
                (local.set $iy (i32.add (local.get $y0) (i32.mul (local.get $dH) (local.get $fy))))
                (local.set $fx (i32.const 0))
                (block $fxd (loop $fxl
                  (br_if $fxd (i32.ge_s (local.get $fx) (local.get $kW)))
                  (local.set $ix (i32.add (local.get $x0) (i32.mul (local.get $dW) (local.get $fx))))
                  (if (i32.and
                        (i32.and (i32.ge_s (local.get $iy) (i32.const 0)) (i32.lt_s (local.get $iy) (local.get $inH)))
                        (i32.and (i32.ge_s (local.get $ix) (i32.const 0)) (i32.lt_s (local.get $ix) (local.get $inW))))
                    ;; sixteen bytes at a time, not memory.copy / memory.fill (a call out of the compiled code
                    ;; each: most of a small convolution's time); up to 12 bytes past the tap are read and
                    ;; written, which the heap's slack and the next tap (or the patch's 16 spare bytes) absorb
                    (then
                      (local.set $src (i32.add (local.get $xb) (i32.shl (i32.add (i32.mul (local.get $iy) (local.get $rowC)) (i32.mul (local.get $ix) (local.get $inC))) (i32.const 2))))
                      (local.set $j (i32.const 0))
                      (block $cpd (loop $cpl
                        (br_if $cpd (i32.ge_s (local.get $j) (local.get $cb)))
                        (v128.store (i32.add (local.get $dst) (local.get $j)) (v128.load (i32.add (local.get $src) (local.get $j))))
                        (local.set $j (i32.add (local.get $j) (i32.const 16)))
                        (br $cpl))))
                    (else
                      (local.set $j (i32.const 0))
                      (block $zd (loop $zl
                        (br_if $zd (i32.ge_s (local.get $j) (local.get $cb)))
                        (v128.store (i32.add (local.get $dst) (local.get $j)) (v128.const i32x4 0 0 0 0))
                        (local.set $j (i32.add (local.get $j) (i32.const 16)))
                        (br $zl)))))
                  (local.set $dst (i32.add (local.get $dst) (local.get $cb)))
                  (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
                  (br $fxl)))
                (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
                (br $fyl)))
              (call $fmrow (local.get $xs) (local.get $wp) (local.get $y) (local.get $k) (local.get $outC))
              (local.set $y (i32.add (local.get $y) (local.get $ystep)))
              (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
              (br $oxl)))
            (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
            (br $oyl)))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nl))))

  ;; float DEPTHWISE_CONV_2D: x NHWC, wp the filter [kH kW][outCp] (outCp = outC rounded up to 4, zeros beyond).
  ;; Each output sums from +0 the products of its taps inside the input (filter rows, then columns), then adds
  ;; the bias and clamps: TFLite's order, one single-precision rounding per step. The taps inside the input are
  ;; found once per call for every output column (cols: outW × 16 bytes of scratch, [taps, input byte offset,
  ;; filter byte offset]) and once per output row; two rows are computed together where both have every filter
  ;; row inside the input (four sums in flight instead of two, the filter loaded once). Channels are read per
  ;; mode, chosen once: 0 (dm = 1) four channels of the input at a time; 1 (dm a multiple of 4) one input channel
  ;; broadcast to its dm outputs; 2 (any other dm) lane by lane.
  (func $fdepthwise (export "fdepthwise")
    (param $x i32) (param $wp i32) (param $y i32) (param $batches i32)
    (param $inH i32) (param $inW i32) (param $inC i32) (param $outH i32) (param $outW i32) (param $outC i32)
    (param $kH i32) (param $kW i32) (param $sH i32) (param $sW i32) (param $dH i32) (param $dW i32) (param $pH i32) (param $pW i32)
    (param $dm i32) (param $outCp i32) (param $cols i32)
    (local $n i32) (local $oy i32) (local $ox i32) (local $c i32) (local $ic i32) (local $m i32) (local $k i32)
    (local $fy i32) (local $y0 i32) (local $x0 i32) (local $xb i32) (local $fy0 i32) (local $fy1 i32)
    (local $nfy i32) (local $nfx i32) (local $rowC i32) (local $xstep i32) (local $wstep i32)
    (local $xrowstep i32) (local $wrowstep i32) (local $ystep i32) (local $yrow i32) (local $xpair i32)
    (local $mode i32) (local $pair i32) (local $xrow i32) (local $wrow i32) (local $xp i32) (local $wq i32)
    (local $xr i32) (local $wr i32) (local $xq i32) (local $wq2 i32) (local $yo i32) (local $bo i32) (local $col i32)
    (local $bias i32) (local $r i32) (local $o1 i32) (local $o2 i32) (local $o3 i32) (local $last i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $xv v128) (local $xv2 v128)
    (local $w0 v128) (local $w1 v128) (local $lo v128) (local $hi v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128) (local $xpair2 i32) (local $xpair3 i32)
    (local.set $bias (global.get $fbias))
    (local.set $lo (global.get $flo))
    (local.set $hi (global.get $fhi))
    (local.set $rowC (i32.mul (local.get $inW) (local.get $inC)))
    (local.set $xstep (i32.shl (i32.mul (local.get $dW) (local.get $inC)) (i32.const 2)))
    (local.set $wstep (i32.shl (local.get $outCp) (i32.const 2)))
    (local.set $xrowstep (i32.shl (i32.mul (local.get $dH) (local.get $rowC)) (i32.const 2)))
    (local.set $wrowstep (i32.mul (local.get $kW) (local.get $wstep)))
    (local.set $ystep (i32.shl (local.get $outC) (i32.const 2)))
    (local.set $yrow (i32.mul (local.get $outW) (local.get $ystep)))
    (local.set $xpair (i32.shl (i32.mul (local.get $sH) (local.get $rowC)) (i32.const 2)))
    (local.set $xpair2 (i32.shl (local.get $xpair) (i32.const 1)))
    (local.set $xpair3 (i32.add (local.get $xpair2) (local.get $xpair)))
    (local.set $mode
      (select (i32.const 0)
        (select (i32.const 1) (i32.const 2) (i32.eqz (i32.and (local.get $dm) (i32.const 3))))
        (i32.eq (local.get $dm) (i32.const 1))))
    ;; per output column: the filter columns [fx0, fx1) inside the input
    (local.set $col (local.get $cols))
    (block $td (loop $tl
      (br_if $td (i32.ge_s (local.get $ox) (local.get $outW)))
      (local.set $x0 (i32.sub (i32.mul (local.get $ox) (local.get $sW)) (local.get $pW)))
      (local.set $fy0 (i32.const 0))
      (block $a (loop $al
        (br_if $a (i32.or (i32.ge_s (local.get $fy0) (local.get $kW)) (i32.ge_s (i32.add (local.get $x0) (i32.mul (local.get $dW) (local.get $fy0))) (i32.const 0))))
        (local.set $fy0 (i32.add (local.get $fy0) (i32.const 1)))
        (br $al)))
      (local.set $fy1 (local.get $kW))
      (block $b (loop $bl
        (br_if $b (i32.or (i32.le_s (local.get $fy1) (local.get $fy0)) (i32.lt_s (i32.add (local.get $x0) (i32.mul (local.get $dW) (i32.sub (local.get $fy1) (i32.const 1)))) (local.get $inW))))
        (local.set $fy1 (i32.sub (local.get $fy1) (i32.const 1)))
        (br $bl)))
      (i32.store (local.get $col) (i32.sub (local.get $fy1) (local.get $fy0)))
      (i32.store offset=4 (local.get $col) (i32.shl (i32.mul (i32.add (local.get $x0) (i32.mul (local.get $dW) (local.get $fy0))) (local.get $inC)) (i32.const 2)))
      (i32.store offset=8 (local.get $col) (i32.mul (local.get $fy0) (local.get $wstep)))
      (local.set $col (i32.add (local.get $col) (i32.const 16)))
      (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
      (br $tl)))
    (block $ndone (loop $nl
      (br_if $ndone (i32.ge_s (local.get $n) (local.get $batches)))
      (local.set $xb (i32.add (local.get $x) (i32.shl (i32.mul (local.get $n) (i32.mul (local.get $inH) (local.get $rowC))) (i32.const 2))))
      (local.set $oy (i32.const 0))
      (block $oydone (loop $oyl
        (br_if $oydone (i32.ge_s (local.get $oy) (local.get $outH)))
        (local.set $y0 (i32.sub (i32.mul (local.get $oy) (local.get $sH)) (local.get $pH)))
        ;; pair: how many rows after oy are computed with it, where every filter row of all of them is inside the
        ;; input: one (modes 0 and 1), or three (mode 1, four rows: eight sums in flight)
        (local.set $pair
          (i32.and
            (i32.and (i32.ne (local.get $mode) (i32.const 2)) (i32.lt_s (i32.add (local.get $oy) (i32.const 1)) (local.get $outH)))
            (i32.and (i32.ge_s (local.get $y0) (i32.const 0))
              (i32.lt_s (i32.add (i32.add (local.get $y0) (local.get $sH)) (i32.mul (local.get $dH) (i32.sub (local.get $kH) (i32.const 1)))) (local.get $inH)))))
        (if (i32.and
              (i32.and (local.get $pair) (i32.eq (local.get $mode) (i32.const 1)))
              (i32.and (i32.lt_s (i32.add (local.get $oy) (i32.const 3)) (local.get $outH))
                (i32.lt_s (i32.add (i32.add (local.get $y0) (i32.mul (local.get $sH) (i32.const 3))) (i32.mul (local.get $dH) (i32.sub (local.get $kH) (i32.const 1)))) (local.get $inH))))
          (then (local.set $pair (i32.const 3))))
        (local.set $fy0 (i32.const 0))
        (block $a (loop $al
          (br_if $a (i32.or (i32.ge_s (local.get $fy0) (local.get $kH)) (i32.ge_s (i32.add (local.get $y0) (i32.mul (local.get $dH) (local.get $fy0))) (i32.const 0))))
          (local.set $fy0 (i32.add (local.get $fy0) (i32.const 1)))
          (br $al)))
        (local.set $fy1 (local.get $kH))
        (block $b (loop $bl
          (br_if $b (i32.or (i32.le_s (local.get $fy1) (local.get $fy0)) (i32.lt_s (i32.add (local.get $y0) (i32.mul (local.get $dH) (i32.sub (local.get $fy1) (i32.const 1)))) (local.get $inH))))
          (local.set $fy1 (i32.sub (local.get $fy1) (i32.const 1)))
          (br $bl)))
        (local.set $nfy (i32.sub (local.get $fy1) (local.get $fy0)))
        (local.set $xrow (i32.add (local.get $xb) (i32.shl (i32.mul (i32.add (local.get $y0) (i32.mul (local.get $dH) (local.get $fy0))) (local.get $rowC)) (i32.const 2))))
        (local.set $wrow (i32.add (local.get $wp) (i32.mul (local.get $fy0) (local.get $wrowstep))))
        (local.set $col (local.get $cols))
        (local.set $ox (i32.const 0))
        (block $oxdone (loop $oxl
          (br_if $oxdone (i32.ge_s (local.get $ox) (local.get $outW)))
          (local.set $nfx (i32.load (local.get $col)))
          (local.set $xp (i32.add (local.get $xrow) (i32.load offset=4 (local.get $col))))
          (local.set $wq (i32.add (local.get $wrow) (i32.load offset=8 (local.get $col))))
          (if (i32.eqz (local.get $mode))
            (then
              ;; dm = 1: output channel c reads input channel c
              (local.set $c (i32.const 0))
              (block $a8d (loop $a8l
                (br_if $a8d (i32.gt_s (i32.add (local.get $c) (i32.const 8)) (local.get $outC)))
                (local.set $a0 (v128.const i32x4 0 0 0 0))
                (local.set $a1 (v128.const i32x4 0 0 0 0))
                (local.set $a2 (v128.const i32x4 0 0 0 0))
                (local.set $a3 (v128.const i32x4 0 0 0 0))
                (local.set $xr (i32.add (local.get $xp) (i32.shl (local.get $c) (i32.const 2))))
                (local.set $wr (i32.add (local.get $wq) (i32.shl (local.get $c) (i32.const 2))))
                (local.set $fy (local.get $nfy))
                (if (local.get $pair)
                  (then
                    (block $fe (loop $fl
                      (br_if $fe (i32.le_s (local.get $fy) (i32.const 0)))
                      (local.set $xq (local.get $xr))
                      (local.set $wq2 (local.get $wr))
                      (local.set $k (local.get $nfx))
                      (block $ke (loop $kl
                        (br_if $ke (i32.le_s (local.get $k) (i32.const 0)))
                        (local.set $w0 (v128.load (local.get $wq2)))
                        (local.set $w1 (v128.load offset=16 (local.get $wq2)))
                        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $xq)) (local.get $w0))))
                        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $xq)) (local.get $w1))))
                        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load (i32.add (local.get $xq) (local.get $xpair))) (local.get $w0))))
                        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=16 (i32.add (local.get $xq) (local.get $xpair))) (local.get $w1))))
                        (local.set $xq (i32.add (local.get $xq) (local.get $xstep)))
                        (local.set $wq2 (i32.add (local.get $wq2) (local.get $wstep)))
                        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                        (br $kl)))
                      (local.set $xr (i32.add (local.get $xr) (local.get $xrowstep)))
                      (local.set $wr (i32.add (local.get $wr) (local.get $wrowstep)))
                      (local.set $fy (i32.sub (local.get $fy) (i32.const 1)))
                      (br $fl))))
                  (else
                    (block $fe (loop $fl
                      (br_if $fe (i32.le_s (local.get $fy) (i32.const 0)))
                      (local.set $xq (local.get $xr))
                      (local.set $wq2 (local.get $wr))
                      (local.set $k (local.get $nfx))
                      (block $ke (loop $kl
                        (br_if $ke (i32.le_s (local.get $k) (i32.const 0)))
                        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $xq)) (v128.load (local.get $wq2)))))
                        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $xq)) (v128.load offset=16 (local.get $wq2)))))
                        (local.set $xq (i32.add (local.get $xq) (local.get $xstep)))
                        (local.set $wq2 (i32.add (local.get $wq2) (local.get $wstep)))
                        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                        (br $kl)))
                      (local.set $xr (i32.add (local.get $xr) (local.get $xrowstep)))
                      (local.set $wr (i32.add (local.get $wr) (local.get $wrowstep)))
                      (local.set $fy (i32.sub (local.get $fy) (i32.const 1)))
                      (br $fl)))))
                (local.set $yo (i32.add (local.get $y) (i32.shl (local.get $c) (i32.const 2))))
                (local.set $bo (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2))))
                (local.set $w0 (v128.load (local.get $bo)))
                (local.set $w1 (v128.load offset=16 (local.get $bo)))
                (v128.store (local.get $yo) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a0) (local.get $w0)) (local.get $lo)) (local.get $hi)))
                (v128.store offset=16 (local.get $yo) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a1) (local.get $w1)) (local.get $lo)) (local.get $hi)))
                (if (local.get $pair)
                  (then
                    (local.set $yo (i32.add (local.get $yo) (local.get $yrow)))
                    (v128.store (local.get $yo) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a2) (local.get $w0)) (local.get $lo)) (local.get $hi)))
                    (v128.store offset=16 (local.get $yo) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a3) (local.get $w1)) (local.get $lo)) (local.get $hi)))))
                (local.set $c (i32.add (local.get $c) (i32.const 8)))
                (br $a8l)))
              ;; the last 1..7 channels four at a time, row by row (lanes past outC read whatever follows and are
              ;; not stored)
              (block $a4d (loop $a4l
                (br_if $a4d (i32.ge_s (local.get $c) (local.get $outC)))
                (local.set $r (i32.const 0))
                (block $rd (loop $rl
                  (br_if $rd (i32.gt_s (local.get $r) (local.get $pair)))
                  (local.set $a0 (v128.const i32x4 0 0 0 0))
                  (local.set $xr (i32.add (i32.add (local.get $xp) (i32.mul (local.get $r) (local.get $xpair))) (i32.shl (local.get $c) (i32.const 2))))
                  (local.set $wr (i32.add (local.get $wq) (i32.shl (local.get $c) (i32.const 2))))
                  (local.set $fy (local.get $nfy))
                  (block $fe (loop $fl
                    (br_if $fe (i32.le_s (local.get $fy) (i32.const 0)))
                    (local.set $xq (local.get $xr))
                    (local.set $wq2 (local.get $wr))
                    (local.set $k (local.get $nfx))
                    (block $ke (loop $kl
                      (br_if $ke (i32.le_s (local.get $k) (i32.const 0)))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $xq)) (v128.load (local.get $wq2)))))
                      (local.set $xq (i32.add (local.get $xq) (local.get $xstep)))
                      (local.set $wq2 (i32.add (local.get $wq2) (local.get $wstep)))
                      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                      (br $kl)))
                    (local.set $xr (i32.add (local.get $xr) (local.get $xrowstep)))
                    (local.set $wr (i32.add (local.get $wr) (local.get $wrowstep)))
                    (local.set $fy (i32.sub (local.get $fy) (i32.const 1)))
                    (br $fl)))
                  (call $fout (local.get $a0) (local.get $c)
                    (i32.add (i32.add (local.get $y) (i32.mul (local.get $r) (local.get $yrow))) (i32.shl (local.get $c) (i32.const 2)))
                    (i32.sub (local.get $outC) (local.get $c)))
                  (local.set $r (i32.add (local.get $r) (i32.const 1)))
                  (br $rl)))
                (local.set $c (i32.add (local.get $c) (i32.const 4)))
                (br $a4l))))
            (else
          (if (i32.eq (local.get $mode) (i32.const 1))
            (then
              ;; dm a multiple of 4: input channel ic, broadcast, feeds outputs ic·dm .. ic·dm + dm - 1
              (local.set $c (i32.const 0))
              (local.set $ic (i32.const 0))
              (block $icd (loop $icl
                (br_if $icd (i32.ge_s (local.get $ic) (local.get $inC)))
                (local.set $m (i32.const 0))
                (block $b8d (loop $b8l
                  (br_if $b8d (i32.gt_s (i32.add (local.get $m) (i32.const 8)) (local.get $dm)))
                  (local.set $a0 (v128.const i32x4 0 0 0 0))
                  (local.set $a1 (v128.const i32x4 0 0 0 0))
                  (local.set $a2 (v128.const i32x4 0 0 0 0))
                  (local.set $a3 (v128.const i32x4 0 0 0 0))
                  (local.set $xr (i32.add (local.get $xp) (i32.shl (local.get $ic) (i32.const 2))))
                  (local.set $wr (i32.add (local.get $wq) (i32.shl (local.get $c) (i32.const 2))))
                  (local.set $fy (local.get $nfy))
                  (if (i32.eq (local.get $pair) (i32.const 3))
                    (then
                      (local.set $a4 (v128.const i32x4 0 0 0 0))
                      (local.set $a5 (v128.const i32x4 0 0 0 0))
                      (local.set $a6 (v128.const i32x4 0 0 0 0))
                      (local.set $a7 (v128.const i32x4 0 0 0 0))
                      (block $fe (loop $fl
                        (br_if $fe (i32.le_s (local.get $fy) (i32.const 0)))
                        (local.set $xq (local.get $xr))
                        (local.set $wq2 (local.get $wr))
                        (local.set $k (local.get $nfx))
                        (block $ke (loop $kl
                          (br_if $ke (i32.le_s (local.get $k) (i32.const 0)))
                          (local.set $w0 (v128.load (local.get $wq2)))
                          (local.set $w1 (v128.load offset=16 (local.get $wq2)))
                          (local.set $xv (v128.load32_splat (local.get $xq)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xv) (local.get $w0))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $xv) (local.get $w1))))
                          (local.set $xv (v128.load32_splat (i32.add (local.get $xq) (local.get $xpair))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $xv) (local.get $w0))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $xv) (local.get $w1))))
                          (local.set $xv (v128.load32_splat (i32.add (local.get $xq) (local.get $xpair2))))
                          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $xv) (local.get $w0))))
                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $xv) (local.get $w1))))
                          (local.set $xv (v128.load32_splat (i32.add (local.get $xq) (local.get $xpair3))))
                          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $xv) (local.get $w0))))
                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $xv) (local.get $w1))))
                          (local.set $xq (i32.add (local.get $xq) (local.get $xstep)))
                          (local.set $wq2 (i32.add (local.get $wq2) (local.get $wstep)))
                          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                          (br $kl)))
                        (local.set $xr (i32.add (local.get $xr) (local.get $xrowstep)))
                        (local.set $wr (i32.add (local.get $wr) (local.get $wrowstep)))
                        (local.set $fy (i32.sub (local.get $fy) (i32.const 1)))
                        (br $fl)))
                      (local.set $yo (i32.add (local.get $y) (i32.shl (local.get $c) (i32.const 2))))
                      (local.set $bo (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2))))
                      (local.set $w0 (v128.load (local.get $bo)))
                      (local.set $w1 (v128.load offset=16 (local.get $bo)))
                      (v128.store (local.get $yo) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a0) (local.get $w0)) (local.get $lo)) (local.get $hi)))
                      (v128.store offset=16 (local.get $yo) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a1) (local.get $w1)) (local.get $lo)) (local.get $hi)))
                      (local.set $yo (i32.add (local.get $yo) (local.get $yrow)))
                      (v128.store (local.get $yo) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a2) (local.get $w0)) (local.get $lo)) (local.get $hi)))
                      (v128.store offset=16 (local.get $yo) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a3) (local.get $w1)) (local.get $lo)) (local.get $hi)))
                      (local.set $yo (i32.add (local.get $yo) (local.get $yrow)))
                      (v128.store (local.get $yo) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a4) (local.get $w0)) (local.get $lo)) (local.get $hi)))
                      (v128.store offset=16 (local.get $yo) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a5) (local.get $w1)) (local.get $lo)) (local.get $hi)))
                      (local.set $yo (i32.add (local.get $yo) (local.get $yrow)))
                      (v128.store (local.get $yo) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a6) (local.get $w0)) (local.get $lo)) (local.get $hi)))
                      (v128.store offset=16 (local.get $yo) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a7) (local.get $w1)) (local.get $lo)) (local.get $hi))))
                    (else
                  (if (local.get $pair)
                    (then
                      (block $fe (loop $fl
                        (br_if $fe (i32.le_s (local.get $fy) (i32.const 0)))
                        (local.set $xq (local.get $xr))
                        (local.set $wq2 (local.get $wr))
                        (local.set $k (local.get $nfx))
                        (block $ke (loop $kl
                          (br_if $ke (i32.le_s (local.get $k) (i32.const 0)))
                          (local.set $w0 (v128.load (local.get $wq2)))
                          (local.set $w1 (v128.load offset=16 (local.get $wq2)))
                          (local.set $xv (v128.load32_splat (local.get $xq)))
                          (local.set $xv2 (v128.load32_splat (i32.add (local.get $xq) (local.get $xpair))))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xv) (local.get $w0))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $xv) (local.get $w1))))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $xv2) (local.get $w0))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $xv2) (local.get $w1))))
                          (local.set $xq (i32.add (local.get $xq) (local.get $xstep)))
                          (local.set $wq2 (i32.add (local.get $wq2) (local.get $wstep)))
                          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                          (br $kl)))
                        (local.set $xr (i32.add (local.get $xr) (local.get $xrowstep)))
                        (local.set $wr (i32.add (local.get $wr) (local.get $wrowstep)))
                        (local.set $fy (i32.sub (local.get $fy) (i32.const 1)))
                        (br $fl))))
                    (else
                      (block $fe (loop $fl
                        (br_if $fe (i32.le_s (local.get $fy) (i32.const 0)))
                        (local.set $xq (local.get $xr))
                        (local.set $wq2 (local.get $wr))
                        (local.set $k (local.get $nfx))
                        (block $ke (loop $kl
                          (br_if $ke (i32.le_s (local.get $k) (i32.const 0)))
                          (local.set $xv (v128.load32_splat (local.get $xq)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xv) (v128.load (local.get $wq2)))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $xv) (v128.load offset=16 (local.get $wq2)))))
                          (local.set $xq (i32.add (local.get $xq) (local.get $xstep)))
                          (local.set $wq2 (i32.add (local.get $wq2) (local.get $wstep)))
                          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                          (br $kl)))
                        (local.set $xr (i32.add (local.get $xr) (local.get $xrowstep)))
                        (local.set $wr (i32.add (local.get $wr) (local.get $wrowstep)))
                        (local.set $fy (i32.sub (local.get $fy) (i32.const 1)))
                        (br $fl)))))
                  (local.set $yo (i32.add (local.get $y) (i32.shl (local.get $c) (i32.const 2))))
                  (local.set $bo (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2))))
                  (local.set $w0 (v128.load (local.get $bo)))
                  (local.set $w1 (v128.load offset=16 (local.get $bo)))
                  (v128.store (local.get $yo) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a0) (local.get $w0)) (local.get $lo)) (local.get $hi)))
                  (v128.store offset=16 (local.get $yo) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a1) (local.get $w1)) (local.get $lo)) (local.get $hi)))
                  (if (local.get $pair)
                    (then
                      (local.set $yo (i32.add (local.get $yo) (local.get $yrow)))
                      (v128.store (local.get $yo) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a2) (local.get $w0)) (local.get $lo)) (local.get $hi)))
                      (v128.store offset=16 (local.get $yo) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $a3) (local.get $w1)) (local.get $lo)) (local.get $hi)))))))
                  (local.set $c (i32.add (local.get $c) (i32.const 8)))
                  (local.set $m (i32.add (local.get $m) (i32.const 8)))
                  (br $b8l)))
                ;; dm = 8k + 4: the last four, row by row
                (if (i32.lt_s (local.get $m) (local.get $dm))
                  (then
                    (local.set $r (i32.const 0))
                    (block $rd (loop $rl
                      (br_if $rd (i32.gt_s (local.get $r) (local.get $pair)))
                      (local.set $a0 (v128.const i32x4 0 0 0 0))
                      (local.set $xr (i32.add (i32.add (local.get $xp) (i32.mul (local.get $r) (local.get $xpair))) (i32.shl (local.get $ic) (i32.const 2))))
                      (local.set $wr (i32.add (local.get $wq) (i32.shl (local.get $c) (i32.const 2))))
                      (local.set $fy (local.get $nfy))
                      (block $fe (loop $fl
                        (br_if $fe (i32.le_s (local.get $fy) (i32.const 0)))
                        (local.set $xq (local.get $xr))
                        (local.set $wq2 (local.get $wr))
                        (local.set $k (local.get $nfx))
                        (block $ke (loop $kl
                          (br_if $ke (i32.le_s (local.get $k) (i32.const 0)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load32_splat (local.get $xq)) (v128.load (local.get $wq2)))))
                          (local.set $xq (i32.add (local.get $xq) (local.get $xstep)))
                          (local.set $wq2 (i32.add (local.get $wq2) (local.get $wstep)))
                          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                          (br $kl)))
                        (local.set $xr (i32.add (local.get $xr) (local.get $xrowstep)))
                        (local.set $wr (i32.add (local.get $wr) (local.get $wrowstep)))
                        (local.set $fy (i32.sub (local.get $fy) (i32.const 1)))
                        (br $fl)))
                      (call $fout (local.get $a0) (local.get $c)
                        (i32.add (i32.add (local.get $y) (i32.mul (local.get $r) (local.get $yrow))) (i32.shl (local.get $c) (i32.const 2)))
                        (i32.const 4))
                      (local.set $r (i32.add (local.get $r) (i32.const 1)))
                      (br $rl)))
                    (local.set $c (i32.add (local.get $c) (i32.const 4)))))
                (local.set $ic (i32.add (local.get $ic) (i32.const 1)))
                (br $icl))))
            (else
              ;; any other dm: lane j of a block of four reads input channel (c + j) / dm (lanes past outC
              ;; repeat the last channel and are not stored); one row at a time
              (local.set $last (i32.sub (local.get $outC) (i32.const 1)))
              (local.set $c (i32.const 0))
              (block $gd (loop $gl
                (br_if $gd (i32.ge_s (local.get $c) (local.get $outC)))
                ;; m: the byte offset of lane 0's input channel; o1..o3 those of lanes 1..3 relative to it
                (local.set $m (i32.shl (i32.div_u (local.get $c) (local.get $dm)) (i32.const 2)))
                (local.set $o1 (i32.sub (i32.shl (i32.div_u (select (i32.add (local.get $c) (i32.const 1)) (local.get $last) (i32.lt_s (i32.add (local.get $c) (i32.const 1)) (local.get $last))) (local.get $dm)) (i32.const 2)) (local.get $m)))
                (local.set $o2 (i32.sub (i32.shl (i32.div_u (select (i32.add (local.get $c) (i32.const 2)) (local.get $last) (i32.lt_s (i32.add (local.get $c) (i32.const 2)) (local.get $last))) (local.get $dm)) (i32.const 2)) (local.get $m)))
                (local.set $o3 (i32.sub (i32.shl (i32.div_u (select (i32.add (local.get $c) (i32.const 3)) (local.get $last) (i32.lt_s (i32.add (local.get $c) (i32.const 3)) (local.get $last))) (local.get $dm)) (i32.const 2)) (local.get $m)))
                (local.set $a0 (v128.const i32x4 0 0 0 0))
                (local.set $xr (i32.add (local.get $xp) (local.get $m)))
                (local.set $wr (i32.add (local.get $wq) (i32.shl (local.get $c) (i32.const 2))))
                (local.set $fy (local.get $nfy))
                (block $fe (loop $fl
                  (br_if $fe (i32.le_s (local.get $fy) (i32.const 0)))
                  (local.set $xq (local.get $xr))
                  (local.set $wq2 (local.get $wr))
                  (local.set $k (local.get $nfx))
                  (block $ke (loop $kl
                    (br_if $ke (i32.le_s (local.get $k) (i32.const 0)))
                    (local.set $xv
                      (f32x4.replace_lane 3
                        (f32x4.replace_lane 2
                          (f32x4.replace_lane 1 (v128.load32_splat (local.get $xq)) (f32.load (i32.add (local.get $xq) (local.get $o1))))
                          (f32.load (i32.add (local.get $xq) (local.get $o2))))
                        (f32.load (i32.add (local.get $xq) (local.get $o3)))))
                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xv) (v128.load (local.get $wq2)))))
                    (local.set $xq (i32.add (local.get $xq) (local.get $xstep)))
                    (local.set $wq2 (i32.add (local.get $wq2) (local.get $wstep)))
                    (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                    (br $kl)))
                  (local.set $xr (i32.add (local.get $xr) (local.get $xrowstep)))
                  (local.set $wr (i32.add (local.get $wr) (local.get $wrowstep)))
                  (local.set $fy (i32.sub (local.get $fy) (i32.const 1)))
                  (br $fl)))
                (call $fout (local.get $a0) (local.get $c) (i32.add (local.get $y) (i32.shl (local.get $c) (i32.const 2))) (i32.sub (local.get $outC) (local.get $c)))
                (local.set $c (i32.add (local.get $c) (i32.const 4)))
                (br $gl)))))))
          (local.set $y (i32.add (local.get $y) (local.get $ystep)))
          (local.set $col (i32.add (local.get $col) (i32.const 16)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $oxl)))
        ;; the rows computed with oy were written beside it
        (local.set $y (i32.add (local.get $y) (i32.mul (local.get $pair) (local.get $yrow))))
        (local.set $oy (i32.add (i32.add (local.get $oy) (i32.const 1)) (local.get $pair)))
        (br $oyl)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nl))))
  ;; The integer LSTM's gate products (lstm-integer.ts): out[r] = Σ_k w[r·n + k] · x[k] for r < rows, int8 × int8
  ;; summed with int32 wrap-around, no offsets (the LSTM folds its zero points into the biases). n is a multiple
  ;; of 8 (the rows are zero-padded), so there is no scalar tail.
  (func (export "mv8") (param $w i32) (param $x i32) (param $out i32) (param $rows i32) (param $n i32)
    (local $r i32) (local $i i32) (local $end i32) (local $acc v128) (local $xv v128) (local $wv v128)
    (local.set $end (i32.and (local.get $n) (i32.const -16)))
    (block $rows_done (loop $row
      (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
      (local.set $acc (v128.const i32x4 0 0 0 0))
      (local.set $i (i32.const 0))
      (block $done (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $end)))
        (local.set $xv (v128.load (i32.add (local.get $x) (local.get $i))))
        (local.set $wv (v128.load (i32.add (local.get $w) (local.get $i))))
        (local.set $acc
          (i32x4.add (local.get $acc)
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $xv)) (i16x8.extend_low_i8x16_s (local.get $wv)))))
        (local.set $acc
          (i32x4.add (local.get $acc)
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $xv)) (i16x8.extend_high_i8x16_s (local.get $wv)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
      (if (i32.lt_s (local.get $i) (local.get $n))
        (then
          (local.set $acc
            (i32x4.add (local.get $acc)
              (i32x4.dot_i16x8_s
                (v128.load8x8_s (i32.add (local.get $x) (local.get $i)))
                (v128.load8x8_s (i32.add (local.get $w) (local.get $i))))))))
      (i32.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2)))
        (i32.add
          (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
          (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))
      (local.set $w (i32.add (local.get $w) (local.get $n)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))

  ;; The float LSTM's gate sums (lstm.ts) as TFLite's portable MatrixBatchVectorMultiplyAccumulate adds them, four rows
  ;; in the lanes of an f32x4: d[r] = Σ w[r, k] · x[k] from zero for k = 0..n-1 in that order in float32 (WebAssembly
  ;; never fuses the multiply and add), then acc[r] += d[r]. w holds, for each quad of rows and each k, the quad's four
  ;; weights (n · 16 bytes per quad); acc is f32, quads · 4 values, updated in place. Four quads at a time
  ;; (independent addition chains), then one at a time.
  (func (export "fmv32") (param $w i32) (param $x i32) (param $acc i32) (param $quads i32) (param $n i32)
    (local $q i32) (local $stride i32) (local $wp i32) (local $xp i32) (local $xe i32) (local $xv v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $stride (i32.shl (local.get $n) (i32.const 4)))
    (local.set $xe (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $d4 (loop $l4
      (br_if $d4 (i32.gt_s (i32.add (local.get $q) (i32.const 4)) (local.get $quads)))
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $a1 (v128.const i32x4 0 0 0 0))
      (local.set $a2 (v128.const i32x4 0 0 0 0))
      (local.set $a3 (v128.const i32x4 0 0 0 0))
      (local.set $wp (local.get $w))
      (local.set $xp (local.get $x))
      (block $kd (loop $kl
        (br_if $kd (i32.ge_u (local.get $xp) (local.get $xe)))
        (local.set $xv (v128.load32_splat (local.get $xp)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $wp)) (local.get $xv))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load (i32.add (local.get $wp) (local.get $stride))) (local.get $xv))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load (i32.add (local.get $wp) (i32.shl (local.get $stride) (i32.const 1)))) (local.get $xv))))
        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load (i32.add (local.get $wp) (i32.mul (local.get $stride) (i32.const 3)))) (local.get $xv))))
        (local.set $wp (i32.add (local.get $wp) (i32.const 16)))
        (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
        (br $kl)))
      (v128.store (local.get $acc) (f32x4.add (v128.load (local.get $acc)) (local.get $a0)))
      (v128.store offset=16 (local.get $acc) (f32x4.add (v128.load offset=16 (local.get $acc)) (local.get $a1)))
      (v128.store offset=32 (local.get $acc) (f32x4.add (v128.load offset=32 (local.get $acc)) (local.get $a2)))
      (v128.store offset=48 (local.get $acc) (f32x4.add (v128.load offset=48 (local.get $acc)) (local.get $a3)))
      (local.set $acc (i32.add (local.get $acc) (i32.const 64)))
      (local.set $w (i32.add (local.get $w) (i32.shl (local.get $stride) (i32.const 2))))
      (local.set $q (i32.add (local.get $q) (i32.const 4)))
      (br $l4)))
    (block $d1 (loop $l1
      (br_if $d1 (i32.ge_s (local.get $q) (local.get $quads)))
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $wp (local.get $w))
      (local.set $xp (local.get $x))
      (block $kd1 (loop $kl1
        (br_if $kd1 (i32.ge_u (local.get $xp) (local.get $xe)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $wp)) (v128.load32_splat (local.get $xp)))))
        (local.set $wp (i32.add (local.get $wp) (i32.const 16)))
        (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
        (br $kl1)))
      (v128.store (local.get $acc) (f32x4.add (v128.load (local.get $acc)) (local.get $a0)))
      (local.set $acc (i32.add (local.get $acc) (i32.const 16)))
      (local.set $w (i32.add (local.get $w) (local.get $stride)))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br $l1))))

;; 8-bit RESIZE_BILINEAR as XNNPACK's ibilinear (weights in 1/2048 steps): x, y NHWC; p: i32 words 0 unsigned,
  ;; 1 batches, 2 outH, 3 outW, 4 depth, 5 the input's image size in elements, 6 the addresses of outH top-row
  ;; offsets, 7 bottom-row offsets, 8 vertical weights, 9 outW left-column offsets, 10 right-column offsets,
  ;; 11 horizontal weights (offsets in elements, i32 arrays). Per output pixel and channel:
  ;; t = tl 2^11 + (tr - tl) ah, u likewise, y = (t 2^11 + (u - t) av + 2^21) >> 22. Eight channels at a time (the
  ;; last pixels: four, then one by one).
  (func $ld4 (param $a i32) (param $unsigned i32) (result v128)
    (if (result v128) (local.get $unsigned)
      (then (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $a)))))
      (else (i32x4.extend_low_i16x8_s (i16x8.extend_low_i8x16_s (v128.load32_zero (local.get $a)))))))
  (func $ld1 (param $a i32) (param $unsigned i32) (result i32)
    (if (result i32) (local.get $unsigned) (then (i32.load8_u (local.get $a))) (else (i32.load8_s (local.get $a)))))
  (func (export "ibilinear") (param $x i32) (param $y i32) (param $p i32)
    (local $unsigned i32) (local $batches i32) (local $outH i32) (local $outW i32) (local $depth i32) (local $image i32)
    (local $n i32) (local $i i32) (local $j i32) (local $c i32) (local $top i32) (local $bottom i32) (local $av i32) (local $ah i32)
    (local $tl i32) (local $tr i32) (local $bl i32) (local $br i32) (local $xb i32)
    (local $vt v128) (local $vb v128) (local $vav v128) (local $vah v128) (local $r v128)
    (local $st i32) (local $sb i32) (local $d4 i32)
    (local $qtl v128) (local $qtr v128) (local $qbl v128) (local $qbr v128) (local $rl v128) (local $rh v128) (local $bytemask v128)
    (local $t i32) (local $yEnd i32)
    (local.set $unsigned (i32.load (local.get $p)))
    (local.set $batches (i32.load offset=4 (local.get $p)))
    (local.set $outH (i32.load offset=8 (local.get $p)))
    (local.set $outW (i32.load offset=12 (local.get $p)))
    (local.set $depth (i32.load offset=16 (local.get $p)))
    (local.set $image (i32.load offset=20 (local.get $p)))
    (local.set $d4 (i32.and (local.get $depth) (i32.const -4)))
    (local.set $yEnd (i32.add (local.get $y) (i32.mul (i32.mul (local.get $batches) (local.get $outH)) (i32.mul (local.get $outW) (local.get $depth)))))
    ;; bytes loaded sign-extended to int16, then masked to their unsigned value when unsigned
    (local.set $bytemask (i16x8.splat (select (i32.const 0xff) (i32.const -1) (local.get $unsigned))))
    (block $nd (loop $nl
      (br_if $nd (i32.ge_s (local.get $n) (local.get $batches)))
      (local.set $xb (i32.add (local.get $x) (i32.mul (local.get $n) (local.get $image))))
      (local.set $i (i32.const 0))
      (block $id (loop $il
        (br_if $id (i32.ge_s (local.get $i) (local.get $outH)))
        (local.set $top (i32.add (local.get $xb) (i32.load (i32.add (i32.load offset=24 (local.get $p)) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $bottom (i32.add (local.get $xb) (i32.load (i32.add (i32.load offset=28 (local.get $p)) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $av (i32.load (i32.add (i32.load offset=32 (local.get $p)) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $vav (i32x4.splat (local.get $av)))
        (local.set $j (i32.const 0))
        (block $jd (loop $jl
          (br_if $jd (i32.ge_s (local.get $j) (local.get $outW)))
          (local.set $tl (i32.load (i32.add (i32.load offset=36 (local.get $p)) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $tr (i32.load (i32.add (i32.load offset=40 (local.get $p)) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $ah (i32.load (i32.add (i32.load offset=44 (local.get $p)) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $vah (i32x4.splat (local.get $ah)))
          (local.set $bl (i32.add (local.get $bottom) (local.get $tl)))
          (local.set $br (i32.add (local.get $bottom) (local.get $tr)))
          (local.set $tr (i32.add (local.get $top) (local.get $tr)))
          (local.set $tl (i32.add (local.get $top) (local.get $tl)))
          ;; eight channels at a time (as fbilinear8: also past the pixel's last channel while eight bytes fit before
          ;; the output's end), the same int32 operations per lane, the low bytes kept
          (local.set $c (i32.const 0))
          (block $c8d (loop $c8l
            (br_if $c8d (i32.ge_s (local.get $c) (local.get $depth)))
            (br_if $c8d (i32.and (i32.gt_s (i32.add (local.get $c) (i32.const 8)) (local.get $depth)) (i32.gt_u (i32.add (local.get $y) (i32.const 8)) (local.get $yEnd))))
            (local.set $qtl (v128.and (v128.load8x8_s (i32.add (local.get $tl) (local.get $c))) (local.get $bytemask)))
            (local.set $qtr (v128.and (v128.load8x8_s (i32.add (local.get $tr) (local.get $c))) (local.get $bytemask)))
            (local.set $qbl (v128.and (v128.load8x8_s (i32.add (local.get $bl) (local.get $c))) (local.get $bytemask)))
            (local.set $qbr (v128.and (v128.load8x8_s (i32.add (local.get $br) (local.get $c))) (local.get $bytemask)))
            (local.set $vt (i32x4.add (i32x4.shl (i32x4.extend_low_i16x8_s (local.get $qtl)) (i32.const 11)) (i32x4.mul (i32x4.sub (i32x4.extend_low_i16x8_s (local.get $qtr)) (i32x4.extend_low_i16x8_s (local.get $qtl))) (local.get $vah))))
            (local.set $vb (i32x4.add (i32x4.shl (i32x4.extend_low_i16x8_s (local.get $qbl)) (i32.const 11)) (i32x4.mul (i32x4.sub (i32x4.extend_low_i16x8_s (local.get $qbr)) (i32x4.extend_low_i16x8_s (local.get $qbl))) (local.get $vah))))
            (local.set $rl
              (v128.and
                (i32x4.shr_s
                  (i32x4.add (i32x4.add (i32x4.shl (local.get $vt) (i32.const 11)) (i32x4.mul (i32x4.sub (local.get $vb) (local.get $vt)) (local.get $vav)))
                    (v128.const i32x4 0x200000 0x200000 0x200000 0x200000))
                  (i32.const 22))
                (v128.const i32x4 255 255 255 255)))
            (local.set $vt (i32x4.add (i32x4.shl (i32x4.extend_high_i16x8_s (local.get $qtl)) (i32.const 11)) (i32x4.mul (i32x4.sub (i32x4.extend_high_i16x8_s (local.get $qtr)) (i32x4.extend_high_i16x8_s (local.get $qtl))) (local.get $vah))))
            (local.set $vb (i32x4.add (i32x4.shl (i32x4.extend_high_i16x8_s (local.get $qbl)) (i32.const 11)) (i32x4.mul (i32x4.sub (i32x4.extend_high_i16x8_s (local.get $qbr)) (i32x4.extend_high_i16x8_s (local.get $qbl))) (local.get $vah))))
            (local.set $rh
              (v128.and
                (i32x4.shr_s
                  (i32x4.add (i32x4.add (i32x4.shl (local.get $vt) (i32.const 11)) (i32x4.mul (i32x4.sub (local.get $vb) (local.get $vt)) (local.get $vav)))
                    (v128.const i32x4 0x200000 0x200000 0x200000 0x200000))
                  (i32.const 22))
                (v128.const i32x4 255 255 255 255)))
            (local.set $r (i16x8.narrow_i32x4_u (local.get $rl) (local.get $rh)))
            (v128.store64_lane 0 (local.get $y) (i8x16.narrow_i16x8_u (local.get $r) (local.get $r)))
            (local.set $t (select (i32.const 8) (i32.sub (local.get $depth) (local.get $c)) (i32.le_s (i32.add (local.get $c) (i32.const 8)) (local.get $depth))))
            (local.set $y (i32.add (local.get $y) (local.get $t)))
            (local.set $c (i32.add (local.get $c) (local.get $t)))
            (br $c8l)))
          ;; the last pixels' remaining channels: four at a time, then one by one
          (block $cd (loop $cl
            (br_if $cd (i32.ge_s (local.get $c) (local.get $d4)))
            (local.set $vt (call $ld4 (i32.add (local.get $tl) (local.get $c)) (local.get $unsigned)))
            (local.set $vt (i32x4.add (i32x4.shl (local.get $vt) (i32.const 11))
              (i32x4.mul (i32x4.sub (call $ld4 (i32.add (local.get $tr) (local.get $c)) (local.get $unsigned)) (local.get $vt)) (local.get $vah))))
            (local.set $vb (call $ld4 (i32.add (local.get $bl) (local.get $c)) (local.get $unsigned)))
            (local.set $vb (i32x4.add (i32x4.shl (local.get $vb) (i32.const 11))
              (i32x4.mul (i32x4.sub (call $ld4 (i32.add (local.get $br) (local.get $c)) (local.get $unsigned)) (local.get $vb)) (local.get $vah))))
            (local.set $r
              (i32x4.shr_s
                (i32x4.add (i32x4.add (i32x4.shl (local.get $vt) (i32.const 11)) (i32x4.mul (i32x4.sub (local.get $vb) (local.get $vt)) (local.get $vav)))
                  (v128.const i32x4 0x200000 0x200000 0x200000 0x200000))
                (i32.const 22)))
            (v128.store32_lane 0 (local.get $y) (i8x16.shuffle 0 4 8 12 0 4 8 12 0 4 8 12 0 4 8 12 (local.get $r) (local.get $r)))
            (local.set $y (i32.add (local.get $y) (i32.const 4)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $cl)))
          (block $sd (loop $sl
            (br_if $sd (i32.ge_s (local.get $c) (local.get $depth)))
            (local.set $st (call $ld1 (i32.add (local.get $tl) (local.get $c)) (local.get $unsigned)))
            (local.set $st (i32.add (i32.shl (local.get $st) (i32.const 11))
              (i32.mul (i32.sub (call $ld1 (i32.add (local.get $tr) (local.get $c)) (local.get $unsigned)) (local.get $st)) (local.get $ah))))
            (local.set $sb (call $ld1 (i32.add (local.get $bl) (local.get $c)) (local.get $unsigned)))
            (local.set $sb (i32.add (i32.shl (local.get $sb) (i32.const 11))
              (i32.mul (i32.sub (call $ld1 (i32.add (local.get $br) (local.get $c)) (local.get $unsigned)) (local.get $sb)) (local.get $ah))))
            (i32.store8 (local.get $y)
              (i32.shr_s
                (i32.add (i32.add (i32.shl (local.get $st) (i32.const 11)) (i32.mul (i32.sub (local.get $sb) (local.get $st)) (local.get $av))) (i32.const 0x200000))
                (i32.const 22)))
            (local.set $y (i32.add (local.get $y) (i32.const 1)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $sl)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $jl)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $il)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nl))))

  ;; uint8 RESIZE_BILINEAR in TFLite's reference arithmetic (its uint8 kernel; resize.ts tfliteUint8Bilinear): per output
  ;; pixel the four weights as single-precision products (1 - dy)(1 - dx), (1 - dy) dx, dy (1 - dx), dy dx, then per
  ;; channel ((((tl w00 + tr w01) + bl w10) + br w11) + 0.5) in single precision, truncated, its low byte stored (what
  ;; a JavaScript Uint8Array store of that float keeps). f32 arithmetic here is IEEE single precision, as Math.fround
  ;; of the same double operations is. p: i32 words 0 batches, 1 outH, 2 outW, 3 depth, 4 image bytes, then
  ;; addresses: 5 top row offsets, 6 bottom row offsets (bytes, i32), 7 vertical fractions (f32), 8 left offsets,
  ;; 9 right offsets (bytes, i32), 10 horizontal fractions (f32). Eight channels at a time (the last pixels: four,
  ;; then one by one).
  (func (export "fbilinear8") (param $x i32) (param $y i32) (param $p i32)
    (local $batches i32) (local $outH i32) (local $outW i32) (local $depth i32) (local $image i32) (local $d4 i32)
    (local $n i32) (local $i i32) (local $j i32) (local $c i32) (local $xb i32) (local $top i32) (local $bottom i32)
    (local $tl i32) (local $tr i32) (local $bl i32) (local $br i32)
    (local $dy f32) (local $ey f32) (local $dx f32) (local $ex f32)
    (local $w00 f32) (local $w01 f32) (local $w10 f32) (local $w11 f32)
    (local $v00 v128) (local $v01 v128) (local $v10 v128) (local $v11 v128) (local $r v128)
    (local $q v128) (local $rl v128) (local $rh v128) (local $t i32) (local $yEnd i32)
    (local.set $batches (i32.load (local.get $p)))
    (local.set $outH (i32.load offset=4 (local.get $p)))
    (local.set $outW (i32.load offset=8 (local.get $p)))
    (local.set $depth (i32.load offset=12 (local.get $p)))
    (local.set $image (i32.load offset=16 (local.get $p)))
    (local.set $d4 (i32.and (local.get $depth) (i32.const -4)))
    (local.set $yEnd (i32.add (local.get $y) (i32.mul (i32.mul (local.get $batches) (local.get $outH)) (i32.mul (local.get $outW) (local.get $depth)))))
    (block $nd (loop $nl
      (br_if $nd (i32.ge_s (local.get $n) (local.get $batches)))
      (local.set $xb (i32.add (local.get $x) (i32.mul (local.get $n) (local.get $image))))
      (local.set $i (i32.const 0))
      (block $id (loop $il
        (br_if $id (i32.ge_s (local.get $i) (local.get $outH)))
        (local.set $top (i32.add (local.get $xb) (i32.load (i32.add (i32.load offset=20 (local.get $p)) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $bottom (i32.add (local.get $xb) (i32.load (i32.add (i32.load offset=24 (local.get $p)) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $dy (f32.load (i32.add (i32.load offset=28 (local.get $p)) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $ey (f32.sub (f32.const 1) (local.get $dy)))
        (local.set $j (i32.const 0))
        (block $jd (loop $jl
          (br_if $jd (i32.ge_s (local.get $j) (local.get $outW)))
          (local.set $tl (i32.load (i32.add (i32.load offset=32 (local.get $p)) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $tr (i32.load (i32.add (i32.load offset=36 (local.get $p)) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $dx (f32.load (i32.add (i32.load offset=40 (local.get $p)) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $ex (f32.sub (f32.const 1) (local.get $dx)))
          (local.set $w00 (f32.mul (local.get $ey) (local.get $ex)))
          (local.set $w10 (f32.mul (local.get $dy) (local.get $ex)))
          (local.set $w01 (f32.mul (local.get $ey) (local.get $dx)))
          (local.set $w11 (f32.mul (local.get $dy) (local.get $dx)))
          (local.set $v00 (f32x4.splat (local.get $w00)))
          (local.set $v01 (f32x4.splat (local.get $w01)))
          (local.set $v10 (f32x4.splat (local.get $w10)))
          (local.set $v11 (f32x4.splat (local.get $w11)))
          (local.set $bl (i32.add (local.get $bottom) (local.get $tl)))
          (local.set $br (i32.add (local.get $bottom) (local.get $tr)))
          (local.set $tr (i32.add (local.get $top) (local.get $tr)))
          (local.set $tl (i32.add (local.get $top) (local.get $tl)))
          ;; eight channels at a time, also past the pixel's last channel (into the next pixel's, which overwrites
          ;; them) while eight bytes fit before the output's end: the same single-precision operations per lane;
          ;; trunc(r) + 1.5 * 2^23 holds trunc(r) in its low mantissa bits, whose low byte is what the store keeps
          (local.set $c (i32.const 0))
          (block $c8d (loop $c8l
            (br_if $c8d (i32.ge_s (local.get $c) (local.get $depth)))
            (br_if $c8d (i32.and (i32.gt_s (i32.add (local.get $c) (i32.const 8)) (local.get $depth)) (i32.gt_u (i32.add (local.get $y) (i32.const 8)) (local.get $yEnd))))
            (local.set $q (v128.load8x8_u (i32.add (local.get $tl) (local.get $c))))
            (local.set $rl (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $q))) (local.get $v00)))
            (local.set $rh (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $q))) (local.get $v00)))
            (local.set $q (v128.load8x8_u (i32.add (local.get $tr) (local.get $c))))
            (local.set $rl (f32x4.add (local.get $rl) (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $q))) (local.get $v01))))
            (local.set $rh (f32x4.add (local.get $rh) (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $q))) (local.get $v01))))
            (local.set $q (v128.load8x8_u (i32.add (local.get $bl) (local.get $c))))
            (local.set $rl (f32x4.add (local.get $rl) (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $q))) (local.get $v10))))
            (local.set $rh (f32x4.add (local.get $rh) (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $q))) (local.get $v10))))
            (local.set $q (v128.load8x8_u (i32.add (local.get $br) (local.get $c))))
            (local.set $rl (f32x4.add (local.get $rl) (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $q))) (local.get $v11))))
            (local.set $rh (f32x4.add (local.get $rh) (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $q))) (local.get $v11))))
            (local.set $rl (v128.and (f32x4.add (f32x4.trunc (f32x4.add (local.get $rl) (v128.const f32x4 0.5 0.5 0.5 0.5))) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const i32x4 255 255 255 255)))
            (local.set $rh (v128.and (f32x4.add (f32x4.trunc (f32x4.add (local.get $rh) (v128.const f32x4 0.5 0.5 0.5 0.5))) (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const i32x4 255 255 255 255)))
            (local.set $q (i16x8.narrow_i32x4_u (local.get $rl) (local.get $rh)))
            (v128.store64_lane 0 (local.get $y) (i8x16.narrow_i16x8_u (local.get $q) (local.get $q)))
            (local.set $t (select (i32.const 8) (i32.sub (local.get $depth) (local.get $c)) (i32.le_s (i32.add (local.get $c) (i32.const 8)) (local.get $depth))))
            (local.set $y (i32.add (local.get $y) (local.get $t)))
            (local.set $c (i32.add (local.get $c) (local.get $t)))
            (br $c8l)))
          ;; the last pixels' remaining channels: four at a time, then one by one
          (block $cd (loop $cl
            (br_if $cd (i32.ge_s (local.get $c) (local.get $d4)))
            (local.set $r
              (f32x4.add
                (f32x4.add
                  (f32x4.add
                    (f32x4.add
                      (f32x4.mul (f32x4.convert_i32x4_s (call $ld4 (i32.add (local.get $tl) (local.get $c)) (i32.const 1))) (local.get $v00))
                      (f32x4.mul (f32x4.convert_i32x4_s (call $ld4 (i32.add (local.get $tr) (local.get $c)) (i32.const 1))) (local.get $v01)))
                    (f32x4.mul (f32x4.convert_i32x4_s (call $ld4 (i32.add (local.get $bl) (local.get $c)) (i32.const 1))) (local.get $v10)))
                  (f32x4.mul (f32x4.convert_i32x4_s (call $ld4 (i32.add (local.get $br) (local.get $c)) (i32.const 1))) (local.get $v11)))
                (v128.const f32x4 0.5 0.5 0.5 0.5)))
            (local.set $r (i32x4.trunc_sat_f32x4_u (local.get $r)))
            (v128.store32_lane 0 (local.get $y) (i8x16.shuffle 0 4 8 12 0 4 8 12 0 4 8 12 0 4 8 12 (local.get $r) (local.get $r)))
            (local.set $y (i32.add (local.get $y) (i32.const 4)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $cl)))
          (block $sd (loop $sl
            (br_if $sd (i32.ge_s (local.get $c) (local.get $depth)))
            (i32.store8 (local.get $y)
              (i32.trunc_sat_f32_u
                (f32.add
                  (f32.add
                    (f32.add
                      (f32.add
                        (f32.mul (f32.convert_i32_u (i32.load8_u (i32.add (local.get $tl) (local.get $c)))) (local.get $w00))
                        (f32.mul (f32.convert_i32_u (i32.load8_u (i32.add (local.get $tr) (local.get $c)))) (local.get $w01)))
                      (f32.mul (f32.convert_i32_u (i32.load8_u (i32.add (local.get $bl) (local.get $c)))) (local.get $w10)))
                    (f32.mul (f32.convert_i32_u (i32.load8_u (i32.add (local.get $br) (local.get $c)))) (local.get $w11)))
                  (f32.const 0.5))))
            (local.set $y (i32.add (local.get $y) (i32.const 1)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $sl)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $jl)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $il)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nl))))

  ;; One call per operator run: p points at the operator's parameter block, written when it was prepared.
  ;; i32 words: 0 the kernel (0 conv, 1 depthwise, 2 fconv, 3 fdepthwise, 4 dw16); int8 (0, 1, 4): 1..10 set_op's arguments,
  ;; 11..13 set_rq's; float: 1 bias, 2 lo (f32), 3 hi (f32), 4 spill; from 14 the kernel's own arguments.
  (func $run_op (export "run_op") (param $p i32)
    (local $k i32)
    (local.set $k (i32.load (local.get $p)))
    (if (i32.or (i32.lt_u (local.get $k) (i32.const 2)) (i32.eq (local.get $k) (i32.const 4)))
      (then
        (call $set_op (i32.load offset=4 (local.get $p)) (i32.load offset=8 (local.get $p)) (i32.load offset=12 (local.get $p)) (i32.load offset=16 (local.get $p)) (i32.load offset=20 (local.get $p)) (i32.load offset=24 (local.get $p)) (i32.load offset=28 (local.get $p)) (i32.load offset=32 (local.get $p)) (i32.load offset=36 (local.get $p)) (i32.load offset=40 (local.get $p)))
        (call $set_rq (i32.load offset=44 (local.get $p)) (i32.load offset=48 (local.get $p)) (i32.load offset=52 (local.get $p)))
        (if (i32.eq (local.get $k) (i32.const 4))
          (then
            (call $dw16 (i32.load offset=56 (local.get $p)) (i32.load offset=60 (local.get $p)) (i32.load offset=64 (local.get $p)) (i32.load offset=68 (local.get $p)) (i32.load offset=72 (local.get $p)) (i32.load offset=76 (local.get $p)) (i32.load offset=80 (local.get $p)) (i32.load offset=84 (local.get $p)) (i32.load offset=88 (local.get $p)) (i32.load offset=92 (local.get $p)) (i32.load offset=96 (local.get $p)) (i32.load offset=100 (local.get $p)) (i32.load offset=104 (local.get $p)))
            (return)))
        (if (i32.eqz (local.get $k))
          (then (call $conv (i32.load offset=56 (local.get $p)) (i32.load offset=60 (local.get $p)) (i32.load offset=64 (local.get $p)) (i32.load offset=68 (local.get $p)) (i32.load offset=72 (local.get $p)) (i32.load offset=76 (local.get $p)) (i32.load offset=80 (local.get $p)) (i32.load offset=84 (local.get $p)) (i32.load offset=88 (local.get $p)) (i32.load offset=92 (local.get $p)) (i32.load offset=96 (local.get $p)) (i32.load offset=100 (local.get $p)) (i32.load offset=104 (local.get $p)) (i32.load offset=108 (local.get $p)) (i32.load offset=112 (local.get $p)) (i32.load offset=116 (local.get $p)) (i32.load offset=120 (local.get $p)) (i32.load offset=124 (local.get $p)) (i32.load offset=128 (local.get $p))))
          (else (call $depthwise (i32.load offset=56 (local.get $p)) (i32.load offset=60 (local.get $p)) (i32.load offset=64 (local.get $p)) (i32.load offset=68 (local.get $p)) (i32.load offset=72 (local.get $p)) (i32.load offset=76 (local.get $p)) (i32.load offset=80 (local.get $p)) (i32.load offset=84 (local.get $p)) (i32.load offset=88 (local.get $p)) (i32.load offset=92 (local.get $p)) (i32.load offset=96 (local.get $p)) (i32.load offset=100 (local.get $p)) (i32.load offset=104 (local.get $p)) (i32.load offset=108 (local.get $p)) (i32.load offset=112 (local.get $p)) (i32.load offset=116 (local.get $p)) (i32.load offset=120 (local.get $p))))))
      (else
        (call $set_fop (i32.load offset=4 (local.get $p)) (f32.load offset=8 (local.get $p)) (f32.load offset=12 (local.get $p)) (i32.load offset=16 (local.get $p)))
        (if (i32.eq (local.get $k) (i32.const 2))
          (then (call $fconv (i32.load offset=56 (local.get $p)) (i32.load offset=60 (local.get $p)) (i32.load offset=64 (local.get $p)) (i32.load offset=68 (local.get $p)) (i32.load offset=72 (local.get $p)) (i32.load offset=76 (local.get $p)) (i32.load offset=80 (local.get $p)) (i32.load offset=84 (local.get $p)) (i32.load offset=88 (local.get $p)) (i32.load offset=92 (local.get $p)) (i32.load offset=96 (local.get $p)) (i32.load offset=100 (local.get $p)) (i32.load offset=104 (local.get $p)) (i32.load offset=108 (local.get $p)) (i32.load offset=112 (local.get $p)) (i32.load offset=116 (local.get $p)) (i32.load offset=120 (local.get $p)) (i32.load offset=124 (local.get $p)) (i32.load offset=128 (local.get $p))))
          (else (call $fdepthwise (i32.load offset=56 (local.get $p)) (i32.load offset=60 (local.get $p)) (i32.load offset=64 (local.get $p)) (i32.load offset=68 (local.get $p)) (i32.load offset=72 (local.get $p)) (i32.load offset=76 (local.get $p)) (i32.load offset=80 (local.get $p)) (i32.load offset=84 (local.get $p)) (i32.load offset=88 (local.get $p)) (i32.load offset=92 (local.get $p)) (i32.load offset=96 (local.get $p)) (i32.load offset=100 (local.get $p)) (i32.load offset=104 (local.get $p)) (i32.load offset=108 (local.get $p)) (i32.load offset=112 (local.get $p)) (i32.load offset=116 (local.get $p)) (i32.load offset=120 (local.get $p)) (i32.load offset=124 (local.get $p)) (i32.load offset=128 (local.get $p)) (i32.load offset=132 (local.get $p)) (i32.load offset=136 (local.get $p))))))))

  ;; Consecutive operators in one call (see lib/tflite/wasm-program.ts): n parameter blocks whose addresses are
  ;; the i32 words at list, run in order.
  (func (export "run_ops") (param $list i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $list) (i32.shl (local.get $n) (i32.const 2))))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $list) (local.get $end)))
      (call $run_op (i32.load (local.get $list)))
      (local.set $list (i32.add (local.get $list) (i32.const 4)))
      (br $l))))

  ;; float MAX_POOL_2D: x, y NHWC float32; four channels at a time, acc = acc < v ? v : acc from -inf over the
  ;; window inside the input (as the JS loop: a NaN is never taken), then the clamp. Uses set_fop's lo, hi, spill.
  (func (export "fmaxpool")
    (param $x i32) (param $y i32) (param $batches i32) (param $inH i32) (param $inW i32) (param $depth i32)
    (param $outH i32) (param $outW i32) (param $sH i32) (param $sW i32) (param $fH i32) (param $fW i32) (param $pH i32) (param $pW i32)
    (local $n i32) (local $oy i32) (local $ox i32) (local $c i32) (local $fy i32) (local $fx i32)
    (local $y0 i32) (local $x0 i32) (local $fy0 i32) (local $fy1 i32) (local $fx0 i32) (local $fx1 i32)
    (local $acc v128) (local $xb i32) (local $rowC i32) (local $p i32) (local $n4 i32) (local $acc2 v128)
    (local.set $rowC (i32.shl (i32.mul (local.get $inW) (local.get $depth)) (i32.const 2)))
    (block $ndone (loop $nl
      (br_if $ndone (i32.ge_s (local.get $n) (local.get $batches)))
      (local.set $oy (i32.const 0))
      (block $oydone (loop $oyl
        (br_if $oydone (i32.ge_s (local.get $oy) (local.get $outH)))
        (local.set $y0 (i32.sub (i32.mul (local.get $oy) (local.get $sH)) (local.get $pH)))
        (local.set $fy0 (select (i32.sub (i32.const 0) (local.get $y0)) (i32.const 0) (i32.lt_s (local.get $y0) (i32.const 0))))
        (local.set $fy1 (i32.sub (local.get $inH) (local.get $y0)))
        (if (i32.gt_s (local.get $fy1) (local.get $fH)) (then (local.set $fy1 (local.get $fH))))
        (local.set $ox (i32.const 0))
        (block $oxdone (loop $oxl
          (br_if $oxdone (i32.ge_s (local.get $ox) (local.get $outW)))
          (local.set $x0 (i32.sub (i32.mul (local.get $ox) (local.get $sW)) (local.get $pW)))
          (local.set $fx0 (select (i32.sub (i32.const 0) (local.get $x0)) (i32.const 0) (i32.lt_s (local.get $x0) (i32.const 0))))
          (local.set $fx1 (i32.sub (local.get $inW) (local.get $x0)))
          (if (i32.gt_s (local.get $fx1) (local.get $fW)) (then (local.set $fx1 (local.get $fW))))
          ;; x at (n, y0, x0, 0)
          (local.set $xb (i32.add (local.get $x)
            (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $inH)) (local.get $y0)) (local.get $inW)) (local.get $x0)) (local.get $depth)) (i32.const 2))))
          (local.set $c (i32.const 0))
          ;; eight channels at a time while eight remain (two maxima in flight, the loops run half as often)
          (block $c8done (loop $c8l
            (br_if $c8done (i32.gt_s (i32.add (local.get $c) (i32.const 8)) (local.get $depth)))
            (local.set $acc (v128.const f32x4 -inf -inf -inf -inf))
            (local.set $acc2 (v128.const f32x4 -inf -inf -inf -inf))
            (local.set $fy (local.get $fy0))
            (block $fyd8 (loop $fyl8
              (br_if $fyd8 (i32.ge_s (local.get $fy) (local.get $fy1)))
              (local.set $p (i32.add (local.get $xb)
                (i32.add (i32.mul (local.get $fy) (local.get $rowC)) (i32.shl (i32.add (i32.mul (local.get $fx0) (local.get $depth)) (local.get $c)) (i32.const 2)))))
              (local.set $fx (local.get $fx0))
              (block $fxd8 (loop $fxl8
                (br_if $fxd8 (i32.ge_s (local.get $fx) (local.get $fx1)))
                (local.set $acc (f32x4.pmax (local.get $acc) (v128.load (local.get $p))))
                (local.set $acc2 (f32x4.pmax (local.get $acc2) (v128.load offset=16 (local.get $p))))
                (local.set $p (i32.add (local.get $p) (i32.shl (local.get $depth) (i32.const 2))))
                (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
                (br $fxl8)))
              (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
              (br $fyl8)))
            (v128.store (local.get $y) (f32x4.pmin (f32x4.pmax (local.get $acc) (global.get $flo)) (global.get $fhi)))
            (v128.store offset=16 (local.get $y) (f32x4.pmin (f32x4.pmax (local.get $acc2) (global.get $flo)) (global.get $fhi)))
            (local.set $y (i32.add (local.get $y) (i32.const 32)))
            (local.set $c (i32.add (local.get $c) (i32.const 8)))
            (br $c8l)))
          (block $cdone (loop $cl
            (br_if $cdone (i32.ge_s (local.get $c) (local.get $depth)))
            (local.set $acc (v128.const f32x4 -inf -inf -inf -inf))
            (local.set $fy (local.get $fy0))
            (block $fyd (loop $fyl
              (br_if $fyd (i32.ge_s (local.get $fy) (local.get $fy1)))
              (local.set $p (i32.add (local.get $xb)
                (i32.add (i32.mul (local.get $fy) (local.get $rowC)) (i32.shl (i32.add (i32.mul (local.get $fx0) (local.get $depth)) (local.get $c)) (i32.const 2)))))
              (local.set $fx (local.get $fx0))
              (block $fxd (loop $fxl
                (br_if $fxd (i32.ge_s (local.get $fx) (local.get $fx1)))
                (local.set $acc (f32x4.pmax (local.get $acc) (v128.load (local.get $p))))
                (local.set $p (i32.add (local.get $p) (i32.shl (local.get $depth) (i32.const 2))))
                (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
                (br $fxl)))
              (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
              (br $fyl)))
            (local.set $acc (f32x4.pmin (f32x4.pmax (local.get $acc) (global.get $flo)) (global.get $fhi)))
            (local.set $n4 (i32.sub (local.get $depth) (local.get $c)))
            (if (i32.ge_s (local.get $n4) (i32.const 4))
              (then (v128.store (local.get $y) (local.get $acc)) (local.set $n4 (i32.const 4)))
              (else (call $store_bytes (local.get $y) (local.get $acc) (i32.shl (local.get $n4) (i32.const 2)))))
            (local.set $y (i32.add (local.get $y) (i32.shl (local.get $n4) (i32.const 2))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $cl)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $oxl)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $oyl)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nl))))

  ;; ARG_MAX of 8-bit values over the innermost axis: for each of `rows` rows of `dim` bytes at x, the index of the
  ;; first largest value, stored at y as int32 (wide: as int64, the high word 0). Signed values are compared as
  ;; x ^ 0x80 unsigned (the same order). Sixteen values at a time: the row's maximum (the lanes past the row's end
  ;; zeroed, which never raises it), then the first lane equal to it. Reads up to 15 bytes past the last row (the
  ;; heap has slack there).
  (func (export "argmax8") (param $x i32) (param $y i32) (param $rows i32) (param $dim i32) (param $signed i32) (param $wide i32)
    (local $flip v128) (local $tail v128) (local $mv v128) (local $r i32) (local $p i32) (local $end i32) (local $full i32)
    (local $bits i32) (local $j i32) (local $ystep i32)
    (local.set $flip (i8x16.splat (select (i32.const 0x80) (i32.const 0) (local.get $signed))))
    (local.set $tail
      (i8x16.lt_u (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15) (i8x16.splat (i32.and (local.get $dim) (i32.const 15)))))
    (local.set $full (i32.and (local.get $dim) (i32.const -16)))
    (local.set $ystep (select (i32.const 8) (i32.const 4) (local.get $wide)))
    (block $rd (loop $rl
      (br_if $rd (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $mv (v128.const i32x4 0 0 0 0))
      (local.set $p (local.get $x))
      (local.set $end (i32.add (local.get $x) (local.get $full)))
      (block $md (loop $ml
        (br_if $md (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $mv (i8x16.max_u (local.get $mv) (v128.xor (v128.load (local.get $p)) (local.get $flip))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $ml)))
      (local.set $mv (i8x16.max_u (local.get $mv) (v128.and (v128.xor (v128.load (local.get $p)) (local.get $flip)) (local.get $tail))))
      (local.set $mv (i8x16.max_u (local.get $mv) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $mv) (local.get $mv))))
      (local.set $mv (i8x16.max_u (local.get $mv) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $mv) (local.get $mv))))
      (local.set $mv (i8x16.max_u (local.get $mv) (i8x16.shuffle 2 3 0 1 2 3 0 1 2 3 0 1 2 3 0 1 (local.get $mv) (local.get $mv))))
      (local.set $mv (i8x16.max_u (local.get $mv) (i8x16.shuffle 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 (local.get $mv) (local.get $mv))))
      ;; the first lane equal to the maximum: one exists within the row, before any lane past its end
      (local.set $p (local.get $x))
      (block $fd (loop $fl
        (local.set $bits (i8x16.bitmask (i8x16.eq (v128.xor (v128.load (local.get $p)) (local.get $flip)) (local.get $mv))))
        (br_if $fd (local.get $bits))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $fl)))
      (local.set $j (i32.add (i32.sub (local.get $p) (local.get $x)) (i32.ctz (local.get $bits))))
      (i32.store (local.get $y) (local.get $j))
      (if (local.get $wide) (then (i32.store offset=4 (local.get $y) (i32.const 0))))
      (local.set $y (i32.add (local.get $y) (local.get $ystep)))
      (local.set $x (i32.add (local.get $x) (local.get $dim)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rl))))
)
