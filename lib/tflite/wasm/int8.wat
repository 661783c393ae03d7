;; Integer inner loops of the int8 kernels (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED) with WebAssembly SIMD.
;; Assembled by scripts/build.js (wabt) into dist/lib/tflite/wasm/int8.wasm; loaded by lib/tflite/wasm-kernels.ts.
;;
;; Arithmetic is TFLite's reference integer arithmetic, bit for bit what lib/tflite/fixed-point.ts computes:
;; int8 values are widened to int16 and offset there ((x + inOffset) and (w + wOffset) stay within ±255),
;; multiplied pairwise into int32 lanes (i32x4.dot_i16x8_s, i32x4.extmul_*), summed with int32 wrap-around,
;; then requantized per output channel either with gemmlowp's SaturatingRoundingDoublingHighMul and
;; RoundingDivideByPOT (mode 0, "reference") or in single precision with ties-to-even (mode 1, "xnnpack").
;;
;; Per-operator state (set by set_op before each call): pointers to the int32 bias, int32 multipliers, int32
;; shifts and float32 scales of every output channel, the output offset, the clamp range relative to the output
;; offset, the requantization mode, and the input / filter offsets.
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

  (func (export "set_op")
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
    (global.set $woffv (i16x8.splat (local.get $woff))))

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
    (local $v i32) (local $f f64) (local $c4 i32) (local $s i32) (local $ab i64) (local $mask i32)
    (local.set $c4 (i32.shl (local.get $c) (i32.const 2)))
    (local.set $acc (i32.add (local.get $acc) (i32.load (i32.add (global.get $bias) (local.get $c4)))))
    (if (global.get $mode)
      (then
        ;; Math.fround(acc * scale) with acc and scale as doubles, then ties-to-even
        (local.set $f
          (f64.nearest
            (f64.promote_f32
              (f32.demote_f64
                (f64.mul
                  (f64.convert_i32_s (local.get $acc))
                  (f64.promote_f32 (f32.load (i32.add (global.get $scale) (local.get $c4)))))))))
        (if (f64.lt (local.get $f) (f64.convert_i32_s (global.get $lo))) (then (local.set $f (f64.convert_i32_s (global.get $lo)))))
        (if (f64.gt (local.get $f) (f64.convert_i32_s (global.get $hi))) (then (local.set $f (f64.convert_i32_s (global.get $hi)))))
        (local.set $v (i32.trunc_f64_s (local.get $f))))
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

  ;; Four dot products of one x run against four weight rows (w, w + stride, w + 2 stride, w + 3 stride), filter
  ;; offset zero (int8 filters): the x run is loaded and widened once. Returns the four int32 sums as one vector.
  (func $dot4 (param $x i32) (param $w i32) (param $n i32) (param $stride i32) (result v128)
    (local $i i32) (local $end i32) (local $xl v128) (local $xh v128) (local $wv v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $w1 i32) (local $w2 i32) (local $w3 i32) (local $xs i32) (local $k i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local.set $w1 (i32.add (local.get $w) (local.get $stride)))
    (local.set $w2 (i32.add (local.get $w1) (local.get $stride)))
    (local.set $w3 (i32.add (local.get $w2) (local.get $stride)))
    (local.set $end (i32.and (local.get $n) (i32.const -16)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $end)))
        (local.set $wv (v128.load (i32.add (local.get $x) (local.get $i))))
        (local.set $xl (i16x8.add (i16x8.extend_low_i8x16_s (local.get $wv)) (global.get $xoffv)))
        (local.set $xh (i16x8.add (i16x8.extend_high_i8x16_s (local.get $wv)) (global.get $xoffv)))
        (local.set $wv (v128.load (i32.add (local.get $w) (local.get $i))))
        (local.set $a0 (i32x4.add (local.get $a0) (i32x4.add
          (i32x4.dot_i16x8_s (local.get $xl) (i16x8.extend_low_i8x16_s (local.get $wv)))
          (i32x4.dot_i16x8_s (local.get $xh) (i16x8.extend_high_i8x16_s (local.get $wv))))))
        (local.set $wv (v128.load (i32.add (local.get $w1) (local.get $i))))
        (local.set $a1 (i32x4.add (local.get $a1) (i32x4.add
          (i32x4.dot_i16x8_s (local.get $xl) (i16x8.extend_low_i8x16_s (local.get $wv)))
          (i32x4.dot_i16x8_s (local.get $xh) (i16x8.extend_high_i8x16_s (local.get $wv))))))
        (local.set $wv (v128.load (i32.add (local.get $w2) (local.get $i))))
        (local.set $a2 (i32x4.add (local.get $a2) (i32x4.add
          (i32x4.dot_i16x8_s (local.get $xl) (i16x8.extend_low_i8x16_s (local.get $wv)))
          (i32x4.dot_i16x8_s (local.get $xh) (i16x8.extend_high_i8x16_s (local.get $wv))))))
        (local.set $wv (v128.load (i32.add (local.get $w3) (local.get $i))))
        (local.set $a3 (i32x4.add (local.get $a3) (i32x4.add
          (i32x4.dot_i16x8_s (local.get $xl) (i16x8.extend_low_i8x16_s (local.get $wv)))
          (i32x4.dot_i16x8_s (local.get $xh) (i16x8.extend_high_i8x16_s (local.get $wv))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
    (if (i32.ge_s (i32.sub (local.get $n) (local.get $i)) (i32.const 8))
      (then
        (local.set $xl (i16x8.add (v128.load8x8_s (i32.add (local.get $x) (local.get $i))) (global.get $xoffv)))
        (local.set $a0 (i32x4.add (local.get $a0) (i32x4.dot_i16x8_s (local.get $xl) (v128.load8x8_s (i32.add (local.get $w) (local.get $i))))))
        (local.set $a1 (i32x4.add (local.get $a1) (i32x4.dot_i16x8_s (local.get $xl) (v128.load8x8_s (i32.add (local.get $w1) (local.get $i))))))
        (local.set $a2 (i32x4.add (local.get $a2) (i32x4.dot_i16x8_s (local.get $xl) (v128.load8x8_s (i32.add (local.get $w2) (local.get $i))))))
        (local.set $a3 (i32x4.add (local.get $a3) (i32x4.dot_i16x8_s (local.get $xl) (v128.load8x8_s (i32.add (local.get $w3) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))))
    (local.set $s0 (i32.add (i32.add (i32x4.extract_lane 0 (local.get $a0)) (i32x4.extract_lane 1 (local.get $a0))) (i32.add (i32x4.extract_lane 2 (local.get $a0)) (i32x4.extract_lane 3 (local.get $a0)))))
    (local.set $s1 (i32.add (i32.add (i32x4.extract_lane 0 (local.get $a1)) (i32x4.extract_lane 1 (local.get $a1))) (i32.add (i32x4.extract_lane 2 (local.get $a1)) (i32x4.extract_lane 3 (local.get $a1)))))
    (local.set $s2 (i32.add (i32.add (i32x4.extract_lane 0 (local.get $a2)) (i32x4.extract_lane 1 (local.get $a2))) (i32.add (i32x4.extract_lane 2 (local.get $a2)) (i32x4.extract_lane 3 (local.get $a2)))))
    (local.set $s3 (i32.add (i32.add (i32x4.extract_lane 0 (local.get $a3)) (i32x4.extract_lane 1 (local.get $a3))) (i32.add (i32x4.extract_lane 2 (local.get $a3)) (i32x4.extract_lane 3 (local.get $a3)))))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $xs (i32.add (i32.load8_s (i32.add (local.get $x) (local.get $i))) (global.get $xoff)))
        (local.set $s0 (i32.add (local.get $s0) (i32.mul (local.get $xs) (i32.load8_s (i32.add (local.get $w) (local.get $i))))))
        (local.set $s1 (i32.add (local.get $s1) (i32.mul (local.get $xs) (i32.load8_s (i32.add (local.get $w1) (local.get $i))))))
        (local.set $s2 (i32.add (local.get $s2) (i32.mul (local.get $xs) (i32.load8_s (i32.add (local.get $w2) (local.get $i))))))
        (local.set $s3 (i32.add (local.get $s3) (i32.mul (local.get $xs) (i32.load8_s (i32.add (local.get $w3) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    (i32x4.replace_lane 3
      (i32x4.replace_lane 2
        (i32x4.replace_lane 1 (i32x4.splat (local.get $s0)) (local.get $s1))
        (local.get $s2))
      (local.get $s3)))

  ;; FULLY_CONNECTED: x [batches, depth], w [units, depth] → y [batches, units] int8
  (func (export "fc") (param $x i32) (param $w i32) (param $y i32) (param $batches i32) (param $units i32) (param $depth i32)
    (local $n i32) (local $u i32) (local $xrow i32) (local $v v128)
    (block $bdone
      (loop $batch
        (br_if $bdone (i32.ge_s (local.get $n) (local.get $batches)))
        (local.set $xrow (i32.add (local.get $x) (i32.mul (local.get $n) (local.get $depth))))
        (local.set $u (i32.const 0))
        (if (i32.eqz (global.get $woff))
          (then
            (block $u4done
              (loop $unit4
                (br_if $u4done (i32.gt_s (i32.add (local.get $u) (i32.const 4)) (local.get $units)))
                (local.set $v (call $dot4 (local.get $xrow) (i32.add (local.get $w) (i32.mul (local.get $u) (local.get $depth))) (local.get $depth) (local.get $depth)))
                (i32.store8 (local.get $y) (call $requant (i32x4.extract_lane 0 (local.get $v)) (local.get $u)))
                (i32.store8 offset=1 (local.get $y) (call $requant (i32x4.extract_lane 1 (local.get $v)) (i32.add (local.get $u) (i32.const 1))))
                (i32.store8 offset=2 (local.get $y) (call $requant (i32x4.extract_lane 2 (local.get $v)) (i32.add (local.get $u) (i32.const 2))))
                (i32.store8 offset=3 (local.get $y) (call $requant (i32x4.extract_lane 3 (local.get $v)) (i32.add (local.get $u) (i32.const 3))))
                (local.set $y (i32.add (local.get $y) (i32.const 4)))
                (local.set $u (i32.add (local.get $u) (i32.const 4)))
                (br $unit4)))))
        (block $udone
          (loop $unit
            (br_if $udone (i32.ge_s (local.get $u) (local.get $units)))
            (i32.store8
              (local.get $y)
              (call $requant
                (call $dot (local.get $xrow) (i32.add (local.get $w) (i32.mul (local.get $u) (local.get $depth))) (local.get $depth))
                (local.get $u)))
            (local.set $y (i32.add (local.get $y) (i32.const 1)))
            (local.set $u (i32.add (local.get $u) (i32.const 1)))
            (br $unit)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $batch))))

  ;; CONV_2D without groups: x NHWC, w OHWI, y NHWC int8
  (func (export "conv")
    (param $x i32) (param $w i32) (param $y i32) (param $batches i32)
    (param $inH i32) (param $inW i32) (param $inC i32) (param $outH i32) (param $outW i32) (param $outC i32)
    (param $kH i32) (param $kW i32) (param $sH i32) (param $sW i32) (param $dH i32) (param $dW i32) (param $pH i32) (param $pW i32)
    (local $n i32) (local $oy i32) (local $ox i32) (local $oc i32) (local $fy i32) (local $fx i32)
    (local $y0 i32) (local $x0 i32) (local $iy i32) (local $ix i32) (local $fx0 i32) (local $fx1 i32)
    (local $acc i32) (local $len i32) (local $xb i32) (local $wrow i32) (local $wOC i32) (local $rowW i32) (local $acc4 v128)
    (local.set $wOC (i32.mul (i32.mul (local.get $kH) (local.get $kW)) (local.get $inC)))
    (local.set $rowW (i32.mul (local.get $kW) (local.get $inC)))
    (block $ndone (loop $nl
      (br_if $ndone (i32.ge_s (local.get $n) (local.get $batches)))
      (local.set $oy (i32.const 0))
      (block $oydone (loop $oyl
        (br_if $oydone (i32.ge_s (local.get $oy) (local.get $outH)))
        (local.set $y0 (i32.sub (i32.mul (local.get $oy) (local.get $sH)) (local.get $pH)))
        (local.set $ox (i32.const 0))
        (block $oxdone (loop $oxl
          (br_if $oxdone (i32.ge_s (local.get $ox) (local.get $outW)))
          (local.set $x0 (i32.sub (i32.mul (local.get $ox) (local.get $sW)) (local.get $pW)))
          ;; valid filter columns when dW = 1: [fx0, fx1)
          (local.set $fx0 (select (i32.sub (i32.const 0) (local.get $x0)) (i32.const 0) (i32.lt_s (local.get $x0) (i32.const 0))))
          (local.set $fx1 (i32.sub (local.get $inW) (local.get $x0)))
          (if (i32.gt_s (local.get $fx1) (local.get $kW)) (then (local.set $fx1 (local.get $kW))))
          (local.set $len (i32.mul (i32.sub (local.get $fx1) (local.get $fx0)) (local.get $inC)))
          (local.set $oc (i32.const 0))
          (if (i32.eqz (global.get $woff))
            (then
              (block $oc4done (loop $oc4l
                (br_if $oc4done (i32.gt_s (i32.add (local.get $oc) (i32.const 4)) (local.get $outC)))
                (local.set $acc4 (v128.const i32x4 0 0 0 0))
                (local.set $fy (i32.const 0))
                (block $fy4done (loop $fy4l
                  (br_if $fy4done (i32.ge_s (local.get $fy) (local.get $kH)))
                  (local.set $iy (i32.add (local.get $y0) (i32.mul (local.get $dH) (local.get $fy))))
                  (if (i32.and (i32.ge_s (local.get $iy) (i32.const 0)) (i32.lt_s (local.get $iy) (local.get $inH)))
                    (then
                      (local.set $xb (i32.add (local.get $x)
                        (i32.mul (i32.add (i32.mul (local.get $n) (local.get $inH)) (local.get $iy)) (i32.mul (local.get $inW) (local.get $inC)))))
                      (local.set $wrow (i32.add (local.get $w)
                        (i32.add (i32.mul (local.get $oc) (local.get $wOC)) (i32.mul (local.get $fy) (local.get $rowW)))))
                      (if (i32.eq (local.get $dW) (i32.const 1))
                        (then
                          (if (i32.gt_s (local.get $len) (i32.const 0))
                            (then
                              (local.set $acc4 (i32x4.add (local.get $acc4)
                                (call $dot4
                                  (i32.add (local.get $xb) (i32.mul (i32.add (local.get $x0) (local.get $fx0)) (local.get $inC)))
                                  (i32.add (local.get $wrow) (i32.mul (local.get $fx0) (local.get $inC)))
                                  (local.get $len) (local.get $wOC)))))))
                        (else
                          (local.set $fx (i32.const 0))
                          (block $fx4done (loop $fx4l
                            (br_if $fx4done (i32.ge_s (local.get $fx) (local.get $kW)))
                            (local.set $ix (i32.add (local.get $x0) (i32.mul (local.get $dW) (local.get $fx))))
                            (if (i32.and (i32.ge_s (local.get $ix) (i32.const 0)) (i32.lt_s (local.get $ix) (local.get $inW)))
                              (then
                                (local.set $acc4 (i32x4.add (local.get $acc4)
                                  (call $dot4
                                    (i32.add (local.get $xb) (i32.mul (local.get $ix) (local.get $inC)))
                                    (i32.add (local.get $wrow) (i32.mul (local.get $fx) (local.get $inC)))
                                    (local.get $inC) (local.get $wOC))))))
                            (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
                            (br $fx4l)))))))
                  (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
                  (br $fy4l)))
                (i32.store8 (local.get $y) (call $requant (i32x4.extract_lane 0 (local.get $acc4)) (local.get $oc)))
                (i32.store8 offset=1 (local.get $y) (call $requant (i32x4.extract_lane 1 (local.get $acc4)) (i32.add (local.get $oc) (i32.const 1))))
                (i32.store8 offset=2 (local.get $y) (call $requant (i32x4.extract_lane 2 (local.get $acc4)) (i32.add (local.get $oc) (i32.const 2))))
                (i32.store8 offset=3 (local.get $y) (call $requant (i32x4.extract_lane 3 (local.get $acc4)) (i32.add (local.get $oc) (i32.const 3))))
                (local.set $y (i32.add (local.get $y) (i32.const 4)))
                (local.set $oc (i32.add (local.get $oc) (i32.const 4)))
                (br $oc4l)))))
          (block $ocdone (loop $ocl
            (br_if $ocdone (i32.ge_s (local.get $oc) (local.get $outC)))
            (local.set $acc (i32.const 0))
            (local.set $fy (i32.const 0))
            (block $fydone (loop $fyl
              (br_if $fydone (i32.ge_s (local.get $fy) (local.get $kH)))
              (local.set $iy (i32.add (local.get $y0) (i32.mul (local.get $dH) (local.get $fy))))
              (if (i32.and (i32.ge_s (local.get $iy) (i32.const 0)) (i32.lt_s (local.get $iy) (local.get $inH)))
                (then
                  ;; x at (n, iy, 0, 0); w at (oc, fy, 0, 0)
                  (local.set $xb (i32.add (local.get $x)
                    (i32.mul (i32.add (i32.mul (local.get $n) (local.get $inH)) (local.get $iy)) (i32.mul (local.get $inW) (local.get $inC)))))
                  (local.set $wrow (i32.add (local.get $w)
                    (i32.add (i32.mul (local.get $oc) (local.get $wOC)) (i32.mul (local.get $fy) (local.get $rowW)))))
                  (if (i32.eq (local.get $dW) (i32.const 1))
                    (then
                      (if (i32.gt_s (local.get $len) (i32.const 0))
                        (then
                          (local.set $acc (i32.add (local.get $acc)
                            (call $dot
                              (i32.add (local.get $xb) (i32.mul (i32.add (local.get $x0) (local.get $fx0)) (local.get $inC)))
                              (i32.add (local.get $wrow) (i32.mul (local.get $fx0) (local.get $inC)))
                              (local.get $len)))))))
                    (else
                      (local.set $fx (i32.const 0))
                      (block $fxdone (loop $fxl
                        (br_if $fxdone (i32.ge_s (local.get $fx) (local.get $kW)))
                        (local.set $ix (i32.add (local.get $x0) (i32.mul (local.get $dW) (local.get $fx))))
                        (if (i32.and (i32.ge_s (local.get $ix) (i32.const 0)) (i32.lt_s (local.get $ix) (local.get $inW)))
                          (then
                            (local.set $acc (i32.add (local.get $acc)
                              (call $dot
                                (i32.add (local.get $xb) (i32.mul (local.get $ix) (local.get $inC)))
                                (i32.add (local.get $wrow) (i32.mul (local.get $fx) (local.get $inC)))
                                (local.get $inC))))))
                        (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
                        (br $fxl)))))))
              (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
              (br $fyl)))
            (i32.store8 (local.get $y) (call $requant (local.get $acc) (local.get $oc)))
            (local.set $y (i32.add (local.get $y) (i32.const 1)))
            (local.set $oc (i32.add (local.get $oc) (i32.const 1)))
            (br $ocl)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $oxl)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $oyl)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nl))))

  ;; DEPTHWISE_CONV_2D: x NHWC [.., inC], w [1, kH, kW, outC], outC = inC * dm, y NHWC int8.
  ;; With dm = 1, eight channels at a time: int16 products widened into two i32x4 accumulators.
  (func (export "depthwise")
    (param $x i32) (param $w i32) (param $y i32) (param $batches i32)
    (param $inH i32) (param $inW i32) (param $inC i32) (param $outH i32) (param $outW i32) (param $outC i32)
    (param $kH i32) (param $kW i32) (param $sH i32) (param $sW i32) (param $dH i32) (param $dW i32) (param $pH i32) (param $pW i32)
    (param $dm i32) (param $scratch i32)
    (local $n i32) (local $oy i32) (local $ox i32) (local $c i32) (local $fy i32) (local $fx i32) (local $j i32)
    (local $y0 i32) (local $x0 i32) (local $iy i32) (local $ix i32) (local $acc i32) (local $xb i32) (local $vec8 i32)
    (local $lo v128) (local $hi v128) (local $xv v128) (local $wv v128) (local $xp i32) (local $wp i32)
    ;; channels handled eight at a time
    ;; (dm = 1: eight input channels loaded; dm a multiple of 8: one input channel broadcast to eight outputs)
    (local.set $vec8 (select (i32.and (local.get $outC) (i32.const -8)) (i32.const 0)
      (i32.or (i32.eq (local.get $dm) (i32.const 1)) (i32.eqz (i32.and (local.get $dm) (i32.const 7))))))
    (block $ndone (loop $nl
      (br_if $ndone (i32.ge_s (local.get $n) (local.get $batches)))
      (local.set $xb (i32.add (local.get $x) (i32.mul (local.get $n) (i32.mul (i32.mul (local.get $inH) (local.get $inW)) (local.get $inC)))))
      (local.set $oy (i32.const 0))
      (block $oydone (loop $oyl
        (br_if $oydone (i32.ge_s (local.get $oy) (local.get $outH)))
        (local.set $y0 (i32.sub (i32.mul (local.get $oy) (local.get $sH)) (local.get $pH)))
        (local.set $ox (i32.const 0))
        (block $oxdone (loop $oxl
          (br_if $oxdone (i32.ge_s (local.get $ox) (local.get $outW)))
          (local.set $x0 (i32.sub (i32.mul (local.get $ox) (local.get $sW)) (local.get $pW)))
          (local.set $c (i32.const 0))
          (block $vdone (loop $vl
            (br_if $vdone (i32.ge_s (local.get $c) (local.get $vec8)))
            (local.set $lo (v128.const i32x4 0 0 0 0))
            (local.set $hi (v128.const i32x4 0 0 0 0))
            (local.set $fy (i32.const 0))
            (block $fydone (loop $fyl
              (br_if $fydone (i32.ge_s (local.get $fy) (local.get $kH)))
              (local.set $iy (i32.add (local.get $y0) (i32.mul (local.get $dH) (local.get $fy))))
              (if (i32.and (i32.ge_s (local.get $iy) (i32.const 0)) (i32.lt_s (local.get $iy) (local.get $inH)))
                (then
                  (local.set $fx (i32.const 0))
                  (block $fxdone (loop $fxl
                    (br_if $fxdone (i32.ge_s (local.get $fx) (local.get $kW)))
                    (local.set $ix (i32.add (local.get $x0) (i32.mul (local.get $dW) (local.get $fx))))
                    (if (i32.and (i32.ge_s (local.get $ix) (i32.const 0)) (i32.lt_s (local.get $ix) (local.get $inW)))
                      (then
                        (local.set $xp (i32.add (local.get $xb)
                          (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $inW)) (local.get $ix)) (local.get $inC))))
                        (local.set $wp (i32.add (local.get $w)
                          (i32.add (i32.mul (i32.add (i32.mul (local.get $fy) (local.get $kW)) (local.get $fx)) (local.get $outC)) (local.get $c))))
                        (if (i32.eq (local.get $dm) (i32.const 1))
                          (then (local.set $xv (i16x8.add (v128.load8x8_s (i32.add (local.get $xp) (local.get $c))) (global.get $xoffv))))
                          (else (local.set $xv (i16x8.splat (i32.add (i32.load8_s (i32.add (local.get $xp) (i32.div_u (local.get $c) (local.get $dm)))) (global.get $xoff))))))
                        (local.set $wv (i16x8.add (v128.load8x8_s (local.get $wp)) (global.get $woffv)))
                        (local.set $lo (i32x4.add (local.get $lo) (i32x4.extmul_low_i16x8_s (local.get $xv) (local.get $wv))))
                        (local.set $hi (i32x4.add (local.get $hi) (i32x4.extmul_high_i16x8_s (local.get $xv) (local.get $wv))))))
                    (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
                    (br $fxl)))))
              (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
              (br $fyl)))
            (v128.store (local.get $scratch) (local.get $lo))
            (v128.store offset=16 (local.get $scratch) (local.get $hi))
            (local.set $j (i32.const 0))
            (block $jdone (loop $jl
              (br_if $jdone (i32.ge_s (local.get $j) (i32.const 8)))
              (i32.store8 (i32.add (local.get $y) (local.get $j))
                (call $requant
                  (i32.load (i32.add (local.get $scratch) (i32.shl (local.get $j) (i32.const 2))))
                  (i32.add (local.get $c) (local.get $j))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br $jl)))
            (local.set $y (i32.add (local.get $y) (i32.const 8)))
            (local.set $c (i32.add (local.get $c) (i32.const 8)))
            (br $vl)))
          ;; remaining channels (all of them when dm != 1), one at a time
          (block $cdone (loop $cl
            (br_if $cdone (i32.ge_s (local.get $c) (local.get $outC)))
            (local.set $acc (i32.const 0))
            (local.set $fy (i32.const 0))
            (block $fydone2 (loop $fyl2
              (br_if $fydone2 (i32.ge_s (local.get $fy) (local.get $kH)))
              (local.set $iy (i32.add (local.get $y0) (i32.mul (local.get $dH) (local.get $fy))))
              (if (i32.and (i32.ge_s (local.get $iy) (i32.const 0)) (i32.lt_s (local.get $iy) (local.get $inH)))
                (then
                  (local.set $fx (i32.const 0))
                  (block $fxdone2 (loop $fxl2
                    (br_if $fxdone2 (i32.ge_s (local.get $fx) (local.get $kW)))
                    (local.set $ix (i32.add (local.get $x0) (i32.mul (local.get $dW) (local.get $fx))))
                    (if (i32.and (i32.ge_s (local.get $ix) (i32.const 0)) (i32.lt_s (local.get $ix) (local.get $inW)))
                      (then
                        (local.set $acc (i32.add (local.get $acc)
                          (i32.mul
                            (i32.add (global.get $xoff)
                              (i32.load8_s (i32.add (local.get $xb)
                                (i32.add (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $inW)) (local.get $ix)) (local.get $inC))
                                  (i32.div_u (local.get $c) (local.get $dm))))))
                            (i32.add (global.get $woff)
                              (i32.load8_s (i32.add (local.get $w)
                                (i32.add (i32.mul (i32.add (i32.mul (local.get $fy) (local.get $kW)) (local.get $fx)) (local.get $outC)) (local.get $c))))))))))
                    (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
                    (br $fxl2)))))
              (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
              (br $fyl2)))
            (i32.store8 (local.get $y) (call $requant (local.get $acc) (local.get $c)))
            (local.set $y (i32.add (local.get $y) (i32.const 1)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $cl)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $oxl)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $oyl)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nl))))
)
