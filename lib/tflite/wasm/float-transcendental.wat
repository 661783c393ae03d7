;; The float32 transcendental functions with WebAssembly SIMD, four elements per step, bit for bit the JavaScript
;; functions they mirror (each step the same IEEE operation in the same order; no FMA, as in TFLite's WebAssembly
;; build): a module of its own beside int8.wat, importing the same memory (see WasmHeap in ../wasm-kernels.ts).
;; Assembled by scripts/build.js (wabt) into dist/lib/tflite/wasm/float-transcendental.wasm.
;;
;; - $expf4: musl's expf (../kernels/expf.ts) in f64x2 lanes; its 32-entry table of 2^(j/32) (musl's __exp2f_data
;;   bit patterns, j << 47 taken off) is at the address $tab, which the kernels place in the heap once.
;; - $logf4: musl's logf (../kernels/logf.ts), the integer steps in i32x4, the double ones in f64x2; its table (1/c,
;;   log c per sixteenth) at $tab.
;; - $tanh4, $logistic4: Eigen's tanh and logistic (../kernels/eigen-activations.ts), in f32x4 (logistic through
;;   $expf4).
;; - $sigmoid4: XNNPACK's sigmoid (../kernels/xnnpack-sigmoid.ts), in f32x4.
;; Clamps are pseudo-min/max (f32x4.pmin a b = b < a ? b : a), exactly the JavaScript selects, NaN included.
;;
;; The exported loops map n floats at x to y (y may be x); the last n mod 4 are computed from a full vector (its
;; lanes past the data read but unused: the heap keeps slack for that) and stored lane by lane.
(module
  (import "env" "memory" (memory 1))

  ;; the first n (1..3) lanes of r at p
  (func $lanes (param $p i32) (param $r v128) (param $n i32)
    (v128.store32_lane 0 (local.get $p) (local.get $r))
    (if (i32.gt_s (local.get $n) (i32.const 1)) (then (v128.store32_lane offset=4 1 (local.get $p) (local.get $r))))
    (if (i32.gt_s (local.get $n) (i32.const 2)) (then (v128.store32_lane offset=8 2 (local.get $p) (local.get $r)))))

  ;; musl's expf core for two doubles (x already widened): k = round(x·32/ln 2), r the remainder, 2^(k/32) built
  ;; from the table entry of k mod 32 plus k << 47 in the bits, times the cubic in r, still in double
  (func $expCore (param $x v128) (param $tab i32) (result v128)
    (local $z v128) (local $kd v128) (local $ki v128) (local $r v128) (local $t v128)
    (local.set $z (f64x2.mul (v128.const i64x2 0x40471547652b82fe 0x40471547652b82fe) (local.get $x)))
    (local.set $kd (f64x2.add (local.get $z) (v128.const i64x2 0x4338000000000000 0x4338000000000000)))
    (local.set $ki (local.get $kd))
    (local.set $kd (f64x2.sub (local.get $kd) (v128.const i64x2 0x4338000000000000 0x4338000000000000)))
    (local.set $r (f64x2.sub (local.get $z) (local.get $kd)))
    (local.set $t (i64x2.splat (i64.load (i32.add (local.get $tab)
      (i32.shl (i32.and (i32x4.extract_lane 0 (local.get $ki)) (i32.const 31)) (i32.const 3))))))
    (local.set $t (i64x2.replace_lane 1 (local.get $t) (i64.load (i32.add (local.get $tab)
      (i32.shl (i32.and (i32x4.extract_lane 2 (local.get $ki)) (i32.const 31)) (i32.const 3))))))
    (local.set $t (i64x2.add (local.get $t) (i64x2.shl (local.get $ki) (i32.const 47))))
    ;; y = (C0·r + C1)·r² + (C2·r + 1), times s
    (f64x2.mul
      (f64x2.add
        (f64x2.mul
          (f64x2.add (f64x2.mul (v128.const i64x2 0x3ebc6af84b912394 0x3ebc6af84b912394) (local.get $r)) (v128.const i64x2 0x3f2ebfce50fac4f3 0x3f2ebfce50fac4f3))
          (f64x2.mul (local.get $r) (local.get $r)))
        (f64x2.add (f64x2.mul (v128.const i64x2 0x3f962e42ff0c52d6 0x3f962e42ff0c52d6) (local.get $r)) (v128.const f64x2 1 1)))
      (local.get $t)))

  ;; expf of four floats: the cores of both halves rounded once to float32; above 0x1.62e42ep6 +inf, below
  ;; -0x1.9fe368p6 +0, NaN itself (the cores' results there are not used)
  (func $expf4 (param $x v128) (param $tab i32) (result v128)
    (local $y v128)
    (local.set $y (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (f32x4.demote_f64x2_zero (call $expCore (f64x2.promote_low_f32x4 (local.get $x)) (local.get $tab)))
      (f32x4.demote_f64x2_zero (call $expCore (f64x2.promote_low_f32x4
        (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x))) (local.get $tab)))))
    (local.set $y (v128.bitselect (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000) (local.get $y)
      (f32x4.gt (local.get $x) (v128.const i32x4 0x42b17217 0x42b17217 0x42b17217 0x42b17217))))
    (local.set $y (v128.andnot (local.get $y) (f32x4.lt (local.get $x) (v128.const i32x4 0xc2cff1b4 0xc2cff1b4 0xc2cff1b4 0xc2cff1b4))))
    (v128.bitselect (local.get $x) (local.get $y) (f32x4.ne (local.get $x) (local.get $x))))

  ;; musl's logf double steps for two lanes: z and k widened, 1/c and log c of each lane's sixteenth from the table
  ;; (byte offsets o0, o1)
  (func $logCore (param $z v128) (param $k v128) (param $o0 i32) (param $o1 i32) (param $tab i32) (result v128)
    (local $invc v128) (local $logc v128) (local $r v128) (local $y0 v128) (local $r2 v128) (local $y v128)
    (local.set $invc (f64x2.replace_lane 1 (f64x2.splat (f64.load (i32.add (local.get $tab) (local.get $o0))))
      (f64.load (i32.add (local.get $tab) (local.get $o1)))))
    (local.set $logc (f64x2.replace_lane 1 (f64x2.splat (f64.load offset=8 (i32.add (local.get $tab) (local.get $o0))))
      (f64.load offset=8 (i32.add (local.get $tab) (local.get $o1)))))
    (local.set $r (f64x2.sub (f64x2.mul (local.get $z) (local.get $invc)) (v128.const f64x2 1 1)))
    (local.set $y0 (f64x2.add (local.get $logc) (f64x2.mul (local.get $k) (v128.const i64x2 0x3fe62e42fefa39ef 0x3fe62e42fefa39ef))))
    (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
    (local.set $y (f64x2.add (f64x2.mul (v128.const i64x2 0x3fd5575b0be00b6a 0x3fd5575b0be00b6a) (local.get $r)) (v128.const i64x2 0xbfdffffef20a4123 0xbfdffffef20a4123)))
    (local.set $y (f64x2.add (f64x2.mul (v128.const i64x2 0xbfd00ea348b88334 0xbfd00ea348b88334) (local.get $r2)) (local.get $y)))
    (f64x2.add (f64x2.mul (local.get $y) (local.get $r2)) (f64x2.add (local.get $y0) (local.get $r))))

  ;; logf of four floats: subnormals normalized by 2^23 first; +0 and -0 give -inf, +inf itself, negatives and
  ;; NaN a NaN, 1 exactly +0
  (func $logf4 (param $x v128) (param $tab i32) (result v128)
    (local $ix v128) (local $tmp v128) (local $o v128) (local $k v128) (local $z v128) (local $y v128)
    (local.set $ix (v128.bitselect
      (i32x4.sub (f32x4.mul (local.get $x) (v128.const f32x4 0x1p23 0x1p23 0x1p23 0x1p23)) (v128.const i32x4 0x0b800000 0x0b800000 0x0b800000 0x0b800000))
      (local.get $x)
      (i32x4.lt_u (i32x4.sub (local.get $x) (v128.const i32x4 1 1 1 1)) (v128.const i32x4 0x7fffff 0x7fffff 0x7fffff 0x7fffff))))
    (local.set $tmp (i32x4.sub (local.get $ix) (v128.const i32x4 0x3f330000 0x3f330000 0x3f330000 0x3f330000)))
    ;; 16 bytes per table entry: (tmp >> 19) mod 16, times 16
    (local.set $o (v128.and (i32x4.shr_u (local.get $tmp) (i32.const 15)) (v128.const i32x4 0xf0 0xf0 0xf0 0xf0)))
    (local.set $k (f64x2.convert_low_i32x4_s (i32x4.shr_s (local.get $tmp) (i32.const 23))))
    (local.set $z (i32x4.sub (local.get $ix) (v128.and (local.get $tmp) (v128.const i32x4 0xff800000 0xff800000 0xff800000 0xff800000))))
    (local.set $y (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (f32x4.demote_f64x2_zero (call $logCore (f64x2.promote_low_f32x4 (local.get $z)) (local.get $k)
        (i32x4.extract_lane 0 (local.get $o)) (i32x4.extract_lane 1 (local.get $o)) (local.get $tab)))
      (f32x4.demote_f64x2_zero (call $logCore
        (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $z) (local.get $z)))
        (f64x2.convert_low_i32x4_s (i32x4.shr_s (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $tmp) (local.get $tmp)) (i32.const 23)))
        (i32x4.extract_lane 2 (local.get $o)) (i32x4.extract_lane 3 (local.get $o)) (local.get $tab)))))
    (local.set $y (v128.andnot (local.get $y) (i32x4.eq (local.get $x) (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000))))
    (local.set $y (v128.bitselect (v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000) (local.get $y)
      (v128.or (i32x4.lt_s (local.get $x) (v128.const i32x4 0 0 0 0)) (i32x4.gt_u (local.get $x) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000)))))
    (local.set $y (v128.bitselect (local.get $x) (local.get $y) (i32x4.eq (local.get $x) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))))
    (v128.bitselect (v128.const i32x4 0xff800000 0xff800000 0xff800000 0xff800000) (local.get $y)
      (i32x4.eq (i32x4.shl (local.get $x) (i32.const 1)) (v128.const i32x4 0 0 0 0))))

  ;; Eigen's tanh: x clamped to ±7.90531110763549805, then x·P(x²)/Q(x²) in float32 (Horner, a rounding per
  ;; multiply and per add); |a| below 0.0004 gives x itself
  (func $tanh4 (param $a v128) (result v128)
    (local $x v128) (local $x2 v128) (local $p v128) (local $q v128)
    (local.set $x (f32x4.pmax (f32x4.pmin (local.get $a) (v128.const i32x4 0x40fcf84f 0x40fcf84f 0x40fcf84f 0x40fcf84f))
      (v128.const i32x4 0xc0fcf84f 0xc0fcf84f 0xc0fcf84f 0xc0fcf84f)))
    (local.set $x2 (f32x4.mul (local.get $x) (local.get $x)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $x2) (v128.const i32x4 0xa59f25c0 0xa59f25c0 0xa59f25c0 0xa59f25c0)) (v128.const i32x4 0x2a61337e 0x2a61337e 0x2a61337e 0x2a61337e)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $x2) (local.get $p)) (v128.const i32x4 0xaebd37ff 0xaebd37ff 0xaebd37ff 0xaebd37ff)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $x2) (local.get $p)) (v128.const i32x4 0x335c0041 0x335c0041 0x335c0041 0x335c0041)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $x2) (local.get $p)) (v128.const i32x4 0x3779434a 0x3779434a 0x3779434a 0x3779434a)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $x2) (local.get $p)) (v128.const i32x4 0x3a270ded 0x3a270ded 0x3a270ded 0x3a270ded)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $x2) (local.get $p)) (v128.const i32x4 0x3ba059dc 0x3ba059dc 0x3ba059dc 0x3ba059dc)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $x2) (v128.const i32x4 0x35a0d3d8 0x35a0d3d8 0x35a0d3d8 0x35a0d3d8)) (v128.const i32x4 0x38f895d6 0x38f895d6 0x38f895d6 0x38f895d6)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $x2) (local.get $q)) (v128.const i32x4 0x3b14aa05 0x3b14aa05 0x3b14aa05 0x3b14aa05)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $x2) (local.get $q)) (v128.const i32x4 0x3ba059dd 0x3ba059dd 0x3ba059dd 0x3ba059dd)))
    (v128.bitselect (local.get $x) (f32x4.div (f32x4.mul (local.get $x) (local.get $p)) (local.get $q))
      (f32x4.lt (f32x4.abs (local.get $a)) (v128.const i32x4 0x39d1b717 0x39d1b717 0x39d1b717 0x39d1b717))))

  ;; Eigen's logistic: e = expf(a < 88.3762626647949 ? a : that), e / (1 + e)
  (func $logistic4 (param $a v128) (param $tab i32) (result v128)
    (local $e v128)
    (local.set $e (call $expf4 (f32x4.pmin (v128.const i32x4 0x42b0c0a5 0x42b0c0a5 0x42b0c0a5 0x42b0c0a5) (local.get $a)) (local.get $tab)))
    (f32x4.div (local.get $e) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $e))))

  ;; XNNPACK's sigmoid (rr2_p5_div, its parameters as xnn_init_f32_sigmoid_wasmsimd_rr2_p5_params sets them)
  (func $sigmoid4 (param $x v128) (result v128)
    (local $z v128) (local $n v128) (local $s v128) (local $t v128) (local $p v128) (local $e v128) (local $f v128)
    (local.set $z (f32x4.abs (local.get $x)))
    (local.set $n (f32x4.add (v128.const i32x4 0x4b40007f 0x4b40007f 0x4b40007f 0x4b40007f) (f32x4.mul (local.get $z) (v128.const i32x4 0xbfb8aa3b 0xbfb8aa3b 0xbfb8aa3b 0xbfb8aa3b))))
    (local.set $s (i32x4.shl (local.get $n) (i32.const 23)))
    (local.set $n (f32x4.sub (local.get $n) (v128.const i32x4 0x4b40007f 0x4b40007f 0x4b40007f 0x4b40007f)))
    (local.set $t (f32x4.add (local.get $z) (f32x4.mul (local.get $n) (v128.const i32x4 0x3f317200 0x3f317200 0x3f317200 0x3f317200))))
    (local.set $t (f32x4.add (local.get $t) (f32x4.mul (local.get $n) (v128.const i32x4 0x35bfbe8e 0x35bfbe8e 0x35bfbe8e 0x35bfbe8e))))
    (local.set $p (f32x4.add (v128.const i32x4 0x3d2b9d0d 0x3d2b9d0d 0x3d2b9d0d 0x3d2b9d0d) (f32x4.mul (local.get $t) (v128.const i32x4 0xbc07cfce 0xbc07cfce 0xbc07cfce 0xbc07cfce))))
    (local.set $p (f32x4.add (v128.const i32x4 0xbe2aad40 0xbe2aad40 0xbe2aad40 0xbe2aad40) (f32x4.mul (local.get $t) (local.get $p))))
    (local.set $p (f32x4.add (v128.const i32x4 0x3efffee3 0x3efffee3 0x3efffee3 0x3efffee3) (f32x4.mul (local.get $t) (local.get $p))))
    (local.set $p (f32x4.add (v128.const i32x4 0xbf7ffffb 0xbf7ffffb 0xbf7ffffb 0xbf7ffffb) (f32x4.mul (local.get $t) (local.get $p))))
    (local.set $t (f32x4.mul (local.get $t) (local.get $s)))
    (local.set $e (f32x4.add (local.get $s) (f32x4.mul (local.get $t) (local.get $p))))
    (local.set $f (f32x4.div (local.get $e) (f32x4.add (local.get $e) (v128.const f32x4 1 1 1 1))))
    (local.set $f (v128.andnot (local.get $f) (f32x4.gt (local.get $z) (v128.const i32x4 0x42aeac4f 0x42aeac4f 0x42aeac4f 0x42aeac4f))))
    (v128.bitselect (local.get $f) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $f)) (i32x4.shr_s (local.get $x) (i32.const 31))))

  (func (export "fexp") (param $x i32) (param $y i32) (param $n i32) (param $tab i32)
    (block $done (loop $quad
      (br_if $done (i32.lt_s (local.get $n) (i32.const 4)))
      (v128.store (local.get $y) (call $expf4 (v128.load (local.get $x)) (local.get $tab)))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (local.set $n (i32.sub (local.get $n) (i32.const 4)))
      (br $quad)))
    (if (i32.gt_s (local.get $n) (i32.const 0)) (then (call $lanes (local.get $y) (call $expf4 (v128.load (local.get $x)) (local.get $tab)) (local.get $n)))))

  (func (export "flog") (param $x i32) (param $y i32) (param $n i32) (param $tab i32)
    (block $done (loop $quad
      (br_if $done (i32.lt_s (local.get $n) (i32.const 4)))
      (v128.store (local.get $y) (call $logf4 (v128.load (local.get $x)) (local.get $tab)))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (local.set $n (i32.sub (local.get $n) (i32.const 4)))
      (br $quad)))
    (if (i32.gt_s (local.get $n) (i32.const 0)) (then (call $lanes (local.get $y) (call $logf4 (v128.load (local.get $x)) (local.get $tab)) (local.get $n)))))

  (func (export "ftanh") (param $x i32) (param $y i32) (param $n i32)
    (block $done (loop $quad
      (br_if $done (i32.lt_s (local.get $n) (i32.const 4)))
      (v128.store (local.get $y) (call $tanh4 (v128.load (local.get $x))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (local.set $n (i32.sub (local.get $n) (i32.const 4)))
      (br $quad)))
    (if (i32.gt_s (local.get $n) (i32.const 0)) (then (call $lanes (local.get $y) (call $tanh4 (v128.load (local.get $x))) (local.get $n)))))

  (func (export "fsigmoid") (param $x i32) (param $y i32) (param $n i32)
    (block $done (loop $quad
      (br_if $done (i32.lt_s (local.get $n) (i32.const 4)))
      (v128.store (local.get $y) (call $sigmoid4 (v128.load (local.get $x))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (local.set $n (i32.sub (local.get $n) (i32.const 4)))
      (br $quad)))
    (if (i32.gt_s (local.get $n) (i32.const 0)) (then (call $lanes (local.get $y) (call $sigmoid4 (v128.load (local.get $x))) (local.get $n)))))

  (func (export "flogistic") (param $x i32) (param $y i32) (param $n i32) (param $tab i32)
    (block $done (loop $quad
      (br_if $done (i32.lt_s (local.get $n) (i32.const 4)))
      (v128.store (local.get $y) (call $logistic4 (v128.load (local.get $x)) (local.get $tab)))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (local.set $n (i32.sub (local.get $n) (i32.const 4)))
      (br $quad)))
    (if (i32.gt_s (local.get $n) (i32.const 0)) (then (call $lanes (local.get $y) (call $logistic4 (v128.load (local.get $x)) (local.get $tab)) (local.get $n)))))
)
